"""What a source says about itself as search fields: outlet:, author: and lang:.

    outlet:xinhua  outlet:"global times"  outlet:glob*  author:"liu xin"  lang:zh  lang:zh-hans

These are not indexed text: each term becomes an SQL condition on the `documents` table (alias
`d`), which the corpus search applies to the documents and the annotation search to the
annotations' documents. Any case, any accents: `outlet:xinhua` finds "Xinhua News Agency",
`author:zoe` finds "Zoë Martin", `author:walesa` "Lech Wałęsa", `author:strasse` "Anna Straße"
(letters are folded as in the indexes, and ß, æ, ø, œ are ss, ae, oe, oe).

- outlet: and author: match whole words, or runs of them for a phrase (`author:"liu xin"`
  finds "Liu Xin; Yang Sheng" but not "Xin Liu"); `*` makes the last word a prefix
  (`outlet:glob*`). Words are runs of letters and digits (`outlet:news.cn` is the words "news"
  and "cn" in a row), so a name written without spaces (新华社) is one word: `outlet:新华*`.
- lang: matches a BCP 47 tag and the tags under it, as RFC 4647 basic filtering does:
  `lang:zh` finds zh, zh-CN and zh-Hans, `lang:zh-hans` only the latter; `lang:z*` any tag
  starting with z.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from annotator.core.errors import ValidationError
from annotator.core.search.fts import Sql
from annotator.core.search.query import Term, has_letters
from annotator.core.store.search_copies import fold

#: The fields, with what they do (shown in messages).
SOURCE_FIELDS = {
    "outlet": 'the outlet: outlet:xinhua, outlet:"global times"',
    "author": 'an author: author:"liu xin"',
    "lang": "the language: lang:zh (zh-CN, zh-Hans too), lang:en",
}
#: SQL function: a name as its words, folded (" xinhua news agency "), for word matching.
FOLD = "annotator_folded_words"
_WORDS = re.compile(r"\w+")
_PAIRS = str.maketrans({"æ": "ae", "ø": "oe", "œ": "oe"})
_TAG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*-?")


def folded_words(text: str | None) -> str:
    """`text` as its words (runs of letters and digits), case and accents folded, each
    surrounded by spaces: " liu xin yang sheng "; " " when there are none."""
    if not text:
        return " "
    text = fold(text).casefold().translate(_PAIRS)  # ł as l, ø as oe (ß is ss by casefold)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _WORDS.findall(unicodedata.normalize("NFC", bare))
    return " " + " ".join(words) + " " if words else " "


def register(conn: sqlite3.Connection) -> None:
    """Make the SQL function these conditions call available on `conn`."""
    conn.create_function(FOLD, 1, folded_words, deterministic=True)


def source_condition(term: Term) -> Sql:
    """The SQL condition (on `documents d`) a term of one of SOURCE_FIELDS stands for."""
    field = term.field
    assert field in SOURCE_FIELDS, field
    if not has_letters(term.text):
        example = "lang:zh" if field == "lang" else f"{field}:Xinhua"
        raise ValidationError(f"{field}: needs something to look for, e.g. {example}.")
    if field == "lang":
        return _language(term)
    needle = folded_words(term.text)
    if term.prefix:
        needle = needle.rstrip()  # " global ti": the last word may go on
    # Each value is folded once per document: the documents table is read once either way.
    return Sql(f"instr({FOLD}(d.{field}), ?) > 0", (needle,))


def _language(term: Term) -> Sql:
    wanted = term.text.strip().lower().replace("_", "-")
    if not _TAG.fullmatch(wanted):
        raise ValidationError(
            f"lang: takes a language code such as en, zh or zh-Hans (letters, digits and "
            f"hyphens), not “{term.text}”."
        )
    if term.prefix:
        return Sql("substr(lower(d.language), 1, ?) = ?", (len(wanted), wanted))
    wanted = wanted.rstrip("-")
    return Sql(
        "(lower(d.language) = ? OR substr(lower(d.language), 1, ?) = ?)",
        (wanted, len(wanted) + 1, wanted + "-"),
    )
