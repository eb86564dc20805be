"""From query terms to FTS5 MATCH expressions, and from a query tree to SQL.

Every piece of text becomes an FTS5 string literal ("…" with quotes doubled), so no user input
is ever read as FTS5 syntax: FTS5 only sees operators, parentheses and column filters that this
module wrote. Text is folded and split as the indexed text is (`index_value`), so a Chinese
word is a phrase of its characters and is found inside longer runs, and `lodz` finds "Łódź";
each way of writing ß/ss, æ/ae, ø/oe is looked for (`spellings`).
"""

from __future__ import annotations

import sqlite3
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.core.errors import ProjectError, ValidationError
from annotator.core.search.query import AllOf, AnyOf, Node, Not, Term
from annotator.core.search.spellings import spellings
from annotator.core.store.search_copies import index_value


@dataclass(frozen=True)
class Match:
    """An FTS5 MATCH expression."""

    expr: str


@dataclass(frozen=True)
class Sql:
    """A boolean SQL condition (with its parameters) on the searched table's row."""

    sql: str
    params: tuple[object, ...] = ()


Plan = Match | Sql


@dataclass(frozen=True)
class Tables:
    """Where a search looks: the searched row's rowid expression and its FTS5 index."""

    rowid: str
    index: str

    def condition(self, plan: Plan) -> Sql:
        if isinstance(plan, Sql):
            return plan
        return Sql(
            f"{self.rowid} IN (SELECT rowid FROM {self.index} WHERE {self.index} MATCH ?)",
            (plan.expr,),
        )


def literal(text: str) -> str:
    """`text` as an FTS5 string: the tokenizer reads it, the query parser never does."""
    return '"' + text.replace('"', '""') + '"'


def term_match(term: Term, columns: tuple[str, ...] | None = None) -> Match:
    """The MATCH expression finding `term` (in `columns` only, if given)."""
    scope = "{" + " ".join(columns) + "} : " if columns else ""
    star = "*" if term.prefix else ""
    found = [
        literal(index_value(text) or "") + star for text in spellings(term.text, prefix=term.prefix)
    ]
    return Match(scope + (found[0] if len(found) == 1 else f"({' OR '.join(found)})"))


# -- compiling a tree ----------------------------------------------------------------------------

#: Turns a term (with or without a field) into a plan.
TermCompiler = Callable[[Term], Plan]


@dataclass
class _Conjunction:
    """AND of plans: the MATCH expressions (one MATCH together) and the rest as SQL."""

    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    other: list[Sql] = field(default_factory=list)

    def add(self, plan: Plan, *, negated: bool) -> None:
        if isinstance(plan, Match):
            (self.negative if negated else self.positive).append(plan.expr)
        else:
            self.other.append(Sql(f"NOT ({plan.sql})", plan.params) if negated else plan)

    def match(self) -> Match:
        expr = " AND ".join(f"({e})" for e in self.positive)
        if self.negative:  # FTS5's NOT is binary: what is looked for NOT what is excluded
            expr = f"({expr}) NOT (" + " OR ".join(f"({e})" for e in self.negative) + ")"
        return Match(expr)


class Compiler:
    """Compiles a query tree for one search: where it looks, and how it reads terms."""

    def __init__(self, tables: Tables, terms: TermCompiler) -> None:
        self.tables = tables
        self.terms = terms

    def plan(self, node: Node) -> Plan:
        """One MATCH where the whole tree is text (and looks for something); else an SQL
        condition combining MATCH subqueries and field conditions."""
        match, rest = self.ranked(node)
        if match is None:
            assert rest is not None
            return rest
        if rest is None:
            return match
        return _both([self.tables.condition(match), rest])

    def ranked(self, node: Node) -> tuple[Match | None, Sql | None]:
        """A MATCH every result satisfies (to rank by), and the condition for the rest of the
        query; (None, condition) when no single MATCH is required."""
        if isinstance(node, AnyOf):
            plans = [self.plan(item) for item in node.items]
            if all(isinstance(p, Match) for p in plans):
                return Match(
                    " OR ".join(f"({p.expr})" for p in plans if isinstance(p, Match))
                ), None
            return None, _either([self.tables.condition(p) for p in plans])
        conj = _Conjunction()
        for item in node.items if isinstance(node, AllOf) else (node,):
            if isinstance(item, Term):
                conj.add(self.terms(item), negated=False)
            elif isinstance(item, Not):
                conj.add(self.plan(item.item), negated=True)
            else:
                conj.add(self.plan(item), negated=False)
        if conj.positive:
            return conj.match(), _both(conj.other) if conj.other else None
        conditions = list(conj.other)
        if conj.negative:
            excluded = self.tables.condition(Match(" OR ".join(f"({e})" for e in conj.negative)))
            conditions.append(Sql(f"NOT ({excluded.sql})", excluded.params))
        return None, _both(conditions)


def _both(conditions: list[Sql]) -> Sql:
    if len(conditions) == 1:
        return conditions[0]
    return Sql(
        " AND ".join(f"({c.sql})" for c in conditions),
        tuple(x for c in conditions for x in c.params),
    )


def _either(conditions: list[Sql]) -> Sql:
    return Sql(
        " OR ".join(f"({c.sql})" for c in conditions),
        tuple(x for c in conditions for x in c.params),
    )


def run(
    conn: sqlite3.Connection, sql: str, params: Sequence[object]
) -> list[tuple[typing.Any, ...]]:
    """Run a search statement; an FTS5 complaint becomes a message, never a crash."""
    try:
        return conn.execute(sql, tuple(params)).fetchall()
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if any(k in text for k in ("fts5", "MATCH", "unterminated", "syntax", "no such column")):
            raise ValidationError(
                f"This search could not be run ({text}). Try putting unusual text in quotes."
            ) from exc
        raise ProjectError(f"The search failed ({text}); the project is unchanged.") from exc
