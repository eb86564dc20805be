"""From query terms to FTS5 MATCH expressions, and from a query tree to SQL.

Every piece of text becomes an FTS5 string literal ("…" with quotes doubled), so no user input
is ever read as FTS5 syntax: FTS5 only sees operators, parentheses and column filters that this
module wrote. A term is split by script: words go to the words index; runs of scripts written
without spaces (Chinese, Japanese, Korean, Thai …) go to the bigram index as a phrase of
overlapping character pairs — which finds the run anywhere inside longer runs, as a substring
search would; a single character is a prefix query on the pairs.
"""

from __future__ import annotations

import sqlite3
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.core.errors import ProjectError, ValidationError
from annotator.core.search.query import AllOf, AnyOf, Node, Not, Term, has_letters
from annotator.core.store.schema import spaceless_runs

WORDS = "words"
BIGRAMS = "bigrams"


@dataclass(frozen=True)
class Match:
    """An FTS5 MATCH expression for one index ("words" or "bigrams")."""

    index: str
    expr: str


@dataclass(frozen=True)
class Sql:
    """A boolean SQL condition (with its parameters) on the searched table's row."""

    sql: str
    params: tuple[object, ...] = ()


Plan = Match | Sql


@dataclass(frozen=True)
class Tables:
    """Where a search looks: the row's rowid expression and the index table of each kind."""

    rowid: str
    words: str
    bigrams: str

    def table(self, index: str) -> str:
        return self.words if index == WORDS else self.bigrams

    def condition(self, plan: Plan) -> Sql:
        if isinstance(plan, Sql):
            return plan
        table = self.table(plan.index)
        return Sql(
            f"{self.rowid} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)", (plan.expr,)
        )


def literal(text: str) -> str:
    """`text` as an FTS5 string: the tokenizer reads it, the query parser never does."""
    return '"' + text.replace('"', '""') + '"'


def pieces(text: str) -> list[tuple[str, str]]:
    """(index, text) pieces of a term in order: runs of spaceless scripts and what lies between."""
    out: list[tuple[str, str]] = []
    at = 0
    for start, end in spaceless_runs(text):
        if has_letters(text[at:start]):
            out.append((WORDS, text[at:start]))
        out.append((BIGRAMS, text[start:end]))
        at = end
    if has_letters(text[at:]):
        out.append((WORDS, text[at:]))
    return out


def bigram_phrase(run: str) -> str:
    """A run of spaceless script as a bigram-index query: its pairs in order, or for a single
    character a prefix query (the character alone, or starting a pair)."""
    if len(run) == 1:
        return literal(run) + "*"
    return literal(" ".join(run[i : i + 2] for i in range(len(run) - 1)))


def term_matches(term: Term, columns: tuple[str, ...] | None = None) -> list[Match]:
    """The MATCH expressions that together (AND) find `term`, limited to `columns` if given.

    A phrase mixing scripts ("Xi Jinping 习近平") is found as its pieces, each a phrase of its
    own, all present (their order and adjacency across scripts is not checked).
    """
    parts = pieces(term.text)
    scope = "{" + " ".join(columns) + "} : " if columns else ""
    out: list[Match] = []
    for n, (index, text) in enumerate(parts):
        if index == BIGRAMS:
            out.append(Match(BIGRAMS, scope + bigram_phrase(text)))
        else:
            star = "*" if term.prefix and n == len(parts) - 1 else ""
            out.append(Match(WORDS, scope + literal(text) + star))
    return out


# -- compiling a tree ----------------------------------------------------------------------------

#: Turns a term (with or without a field) into the plans that together (AND) find it.
TermCompiler = Callable[[Term], list[Plan]]


@dataclass
class _Conjunction:
    """AND of plans: MATCH expressions grouped by index (one MATCH each), the rest as SQL."""

    positive: dict[str, list[str]] = field(default_factory=dict)
    negative: dict[str, list[str]] = field(default_factory=dict)
    other: list[Sql] = field(default_factory=list)

    def add(self, plan: Plan, *, negated: bool) -> None:
        if isinstance(plan, Match):
            side = self.negative if negated else self.positive
            side.setdefault(plan.index, []).append(plan.expr)
        else:
            self.other.append(Sql(f"NOT ({plan.sql})", plan.params) if negated else plan)

    def take(self, index: str) -> Match:
        """Remove and return the MATCH of everything looked for in `index`."""
        return Match(index, _index_expr(self.positive.pop(index), self.negative.pop(index, [])))

    def empty(self) -> bool:
        return not (self.positive or self.negative or self.other)


def _index_expr(positive: list[str], negative: list[str]) -> str:
    expr = " AND ".join(f"({e})" for e in positive)
    if negative:  # FTS5's NOT is binary: what is looked for NOT what is excluded
        expr = f"({expr}) NOT (" + " OR ".join(f"({e})" for e in negative) + ")"
    return expr


class Compiler:
    """Compiles a query tree for one search: where it looks, and how it reads terms."""

    def __init__(self, tables: Tables, terms: TermCompiler) -> None:
        self.tables = tables
        self.terms = terms

    def plan(self, node: Node) -> Plan:
        """One MATCH where the whole tree fits one index; else an SQL condition combining
        MATCH subqueries and field conditions."""
        if isinstance(node, AnyOf):
            plans = [self.plan(item) for item in node.items]
            indexes = {p.index for p in plans if isinstance(p, Match)}
            if len(indexes) == 1 and all(isinstance(p, Match) for p in plans):
                exprs = " OR ".join(f"({p.expr})" for p in plans if isinstance(p, Match))
                return Match(indexes.pop(), exprs)
            return _either([self.tables.condition(p) for p in plans])
        conj = self._conjunction(node)
        indexes = set(conj.positive) | set(conj.negative)
        if not conj.other and len(conj.positive) == 1 and indexes == set(conj.positive):
            return conj.take(next(iter(conj.positive)))
        return self._condition(conj)

    def ranked(self, node: Node) -> tuple[Match | None, Sql | None]:
        """A MATCH every result satisfies, to rank by (the words index preferred), and the
        condition for the rest of the query; (None, condition) if there is no such MATCH."""
        if isinstance(node, AnyOf):
            plan = self.plan(node)
            return (plan, None) if isinstance(plan, Match) else (None, plan)
        conj = self._conjunction(node)
        for index in (WORDS, BIGRAMS):
            if index in conj.positive:
                driver = conj.take(index)
                return driver, None if conj.empty() else self._condition(conj)
        return None, self._condition(conj)

    def _conjunction(self, node: Node) -> _Conjunction:
        conj = _Conjunction()
        items = node.items if isinstance(node, AllOf) else (node,)
        for item in items:
            if isinstance(item, Term):
                for plan in self.terms(item):
                    conj.add(plan, negated=False)
            elif isinstance(item, Not):
                inner = self.plan(item.item)
                conj.add(inner, negated=True)
            else:
                conj.add(self.plan(item), negated=False)
        return conj

    def _condition(self, conj: _Conjunction) -> Sql:
        conditions: list[Sql] = []
        for index in sorted(set(conj.positive) | set(conj.negative)):
            positive, negative = conj.positive.get(index, []), conj.negative.get(index, [])
            if positive:
                conditions.append(
                    self.tables.condition(Match(index, _index_expr(positive, negative)))
                )
            else:
                excluded = self.tables.condition(
                    Match(index, " OR ".join(f"({e})" for e in negative))
                )
                conditions.append(Sql(f"NOT ({excluded.sql})", excluded.params))
        conditions.extend(conj.other)
        return _both(conditions)


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
