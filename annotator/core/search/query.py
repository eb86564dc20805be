"""What the analyst types into a search box, parsed into a small tree.

    words            all of them (AND is implied; AND may be written)
    "a phrase"       the words in this order
    secur*           a word starting with "secur" (also "phrase start"*)
    oil OR gas       either
    NOT oil, -oil    without
    ( … )            grouping
    field:value      field:"a phrase", field:prefix* (which fields exist depends on the search)

Operators are written in capitals; lower-case "or", "and", "not" are words. Everything else is
text to find: the tree never carries syntax through to SQLite, and anything that cannot be
parsed is refused with a `ValidationError` that says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.core.errors import ValidationError

_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Term:
    """Text to find: a word or a phrase, optionally a prefix, optionally in one field."""

    text: str
    phrase: bool = False
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class AllOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]


Node = Term | Not | AllOf | AnyOf


def has_letters(text: str) -> bool:
    """True if `text` holds something an index can find (a letter, digit or private-use char)."""
    return any(ch.isalnum() or "\ue000" <= ch <= "\uf8ff" for ch in text)


# -- lexing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "(" ")" "OR" "AND" "NOT" "term"
    term: Term | None = None


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch))
            i += 1
        elif ch == '"':
            text, i = _quoted(query, i)
            prefix = i < n and query[i] == "*"
            i += prefix
            tokens.append(_Token("term", Term(text, phrase=True, prefix=prefix)))
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != "-":
            tokens.append(_Token("NOT"))  # -word, -"phrase", -field:value
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in '()"':
                i += 1
            word = query[start:i]
            if word in _OPERATORS:
                tokens.append(_Token(word))
                continue
            field = _FIELD.fullmatch(word)
            if field is None:
                tokens.append(_Token("term", _word(word)))
                continue
            name, value = field.group(1).lower(), field.group(2)
            if value:
                tokens.append(_Token("term", _word(value, field=name)))
            elif i < n and query[i] == '"':
                text, i = _quoted(query, i)
                prefix = i < n and query[i] == "*"
                i += prefix
                tokens.append(_Token("term", Term(text, phrase=True, prefix=prefix, field=name)))
            else:
                raise ValidationError(
                    f"“{word}” needs a value right after the colon, e.g. {name}:something "
                    f'or {name}:"two words". To search for the text itself, put it in quotes: '
                    f'"{word}".'
                )
    return tokens


def _quoted(query: str, i: int) -> tuple[str, int]:
    """The text between the quotation mark at `i` and the next one; and the index after it."""
    end = query.find('"', i + 1)
    if end < 0:
        raise ValidationError(
            'A quotation mark is not closed: add the closing " after the phrase '
            "(or remove the lone one)."
        )
    return query[i + 1 : end], end + 1


def _word(word: str, *, field: str | None = None) -> Term:
    prefix = word.endswith("*")
    core = word.rstrip("*") if prefix else word
    if "*" in core or (prefix and not core):
        raise ValidationError(
            f"“{word}”: * marks a prefix and goes at the end of a word, e.g. secur* "
            "finds security and secure."
        )
    return Term(core, prefix=prefix, field=field)


# -- parsing -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i].kind if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node | None:
        node = self.any_of()
        if self.peek() == ")":
            raise ValidationError("A closing parenthesis has no opening one: remove it.")
        return node

    def any_of(self) -> Node | None:
        items = [self.all_of()]
        while self.peek() == "OR":
            self.take()
            items.append(self.all_of())
        if len(items) == 1:
            return items[0]
        if any(item is None for item in items):
            raise ValidationError("OR needs something to search for on each side, e.g. oil OR gas.")
        return _flat(AnyOf, [item for item in items if item is not None])

    def all_of(self) -> Node | None:
        items: list[Node] = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
                if not items or self.peek() in (None, ")", "OR", "AND"):
                    raise ValidationError(
                        "AND needs something to search for on each side, e.g. oil AND gas."
                    )
                continue
            item = self.unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else _flat(AllOf, items)

    def unary(self) -> Node | None:
        kind = self.peek()
        if kind == "NOT":
            self.take()
            if self.peek() in (None, ")", "OR", "AND", "NOT"):
                raise ValidationError(
                    "NOT (or -) needs a word after it: oil NOT gas, or oil -gas, finds oil "
                    "without gas."
                )
            inner = self.unary()
            return None if inner is None else Not(inner)
        if kind == "(":
            self.take()
            inner = self.any_of()
            if self.peek() != ")":
                raise ValidationError("A parenthesis is not closed: add the missing ).")
            self.take()
            if inner is None:
                raise ValidationError("Empty parentheses: put words inside them or remove them.")
            return inner
        term = self.take().term
        assert term is not None
        # Text without letters or digits ("-", "…") is ignored, as the index ignores it; a
        # field's value is checked by the field itself.
        if term.field is None and not has_letters(term.text):
            return None
        return term


def _flat(kind: type[AllOf] | type[AnyOf], items: list[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else [item])
    return kind(tuple(flat))


def parse(query: str) -> Node:
    """The query as a tree; a `ValidationError` with a plain message if it cannot be read."""
    if not query.strip():
        raise ValidationError("Type something to search for.")
    node = _Parser(_lex(query)).parse()
    if node is None:
        raise ValidationError(f"“{query.strip()}” has no letters or digits to search for.")
    return node


def terms(node: Node, *, positive: bool = True) -> list[Term]:
    """The terms of the tree that are looked for (`positive`) or excluded (not positive)."""
    if isinstance(node, Term):
        return [node] if positive else []
    if isinstance(node, Not):
        return terms(node.item, positive=not positive)
    return [t for item in node.items for t in terms(item, positive=positive)]


def check_fields(node: Node, allowed: dict[str, str], *, hint: str = "") -> None:
    """Refuse fields this search does not know; `allowed` maps each field to what it does."""
    for term in terms(node) + terms(node, positive=False):
        if term.field is not None and term.field not in allowed:
            known = ", ".join(f"{name}: ({what})" for name, what in allowed.items())
            known = f"Fields here: {known}." if allowed else "This search has no fields."
            raise ValidationError(
                f"Unknown field “{term.field}:”. {known}{hint} To search for text with a "
                f'colon, put it in quotes: "{term.field}:{term.text}".'
            )
