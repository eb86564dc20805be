"""Targeted mojibake repair: UTF-8 bytes that were once mis-decoded with a single-byte code page.

`ftfy.fix_text` is not used on whole texts because it also straightens curly quotes and
rewrites other legitimate characters. Instead, only sequences that *decode back* to one
character and make the surrounding text look less broken (by ftfy's badness measure)
are replaced, and every replacement is reported.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy.bad_codecs  # noqa: F401  -- registers the "sloppy-windows-*" codecs
from ftfy.badness import badness

from annotator.core.importing.report import Repair

# Code pages that UTF-8 text is commonly mis-decoded with, most likely first.
_CODECS = ("sloppy-windows-1252", "sloppy-windows-1250", "latin-1")
_MAX_PASSES = 3  # a second pass undoes double encoding; a third is a safety margin
_JUDGE_CONTEXT = 2  # neighbours either side that ftfy's badness looks at
_REPORT_CONTEXT = 20
# A repair must not produce invisible or structural characters.
_REJECTED_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs", "Zl", "Zp"})
_RUN = re.compile(r"[^\x00-\x7f]{2,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Characters that some codec maps to a UTF-8 lead byte: no run without one can be repaired.
_LEADS = frozenset(
    ch
    for codec in _CODECS
    for ch in bytes(range(0xC2, 0xF5)).decode(codec, errors="replace")
    if ch != "\ufffd"
)
_LEAD = re.compile("[" + re.escape("".join(sorted(_LEADS))) + "]")
_MAYBE = re.compile(_LEAD.pattern + r"[^\x00-\x7f]")  # a lead char then another non-ASCII
_PARAGRAPH = re.compile(r"[^\n]+")

_Edit = tuple[int, int, str]  # start, end (in the current text), replacement
_Record = tuple[int, str, str]  # offset, original broken sequence, replacement


@lru_cache(maxsize=8192)
def _byte(char: str, codec: str) -> int | None:
    """The single byte `char` encodes to in `codec`, or None."""
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return None
    return encoded[0] if len(encoded) == 1 else None


def _utf8_length(lead: int) -> int:
    """Length of the UTF-8 sequence a lead byte starts (0 if it cannot start one)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _decode_at(run: str, i: int) -> tuple[int, str] | None:
    """(length, replacement) if run[i:] starts with one mis-decoded UTF-8 character."""
    for codec in _CODECS:
        lead = _byte(run[i], codec)
        length = 0 if lead is None else _utf8_length(lead)
        if length == 0 or i + length > len(run):
            continue
        raw = bytearray()
        for char in run[i : i + length]:
            value = _byte(char, codec)
            if value is None:
                break
            raw.append(value)
        else:
            try:
                decoded = bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(decoded) == 1 and unicodedata.category(decoded) not in _REJECTED_CATEGORIES:
                # A mis-decoded UTF-8 BOM ("ï»¿") is junk, not text: remove it.
                return length, "" if decoded == "\ufeff" else decoded
    return None


def _render(run: str, edits: list[_Edit]) -> str:
    """`run` with the (sorted, non-overlapping) edits applied."""
    pieces, pos = [], 0
    for start, end, after in edits:
        pieces += [run[pos:start], after]
        pos = end
    pieces.append(run[pos:])
    return "".join(pieces)


def _judge(run: str, candidates: list[_Edit], left: str, right: str) -> list[_Edit]:
    """Keep the candidates that lower badness; if some fail alone, try them all together.

    Judging together matters for double encoding, where single repairs give other
    mojibake ("ÃƒÂ©" → "Ã©") that no one repair makes look better on its own.
    """
    accepted = _judge_each(run, candidates, left, right)
    if len(accepted) < len(candidates):
        kept = badness(left + _render(run, accepted) + right)
        if kept > badness(left + _render(run, candidates) + right):
            return candidates
    return accepted


def _judge_each(run: str, candidates: list[_Edit], left: str, right: str) -> list[_Edit]:
    """Candidates that lower badness on their own, with the other kept ones applied."""
    accepted = candidates
    while accepted:
        starts = {start: (end, after) for start, end, after in accepted}
        shown: list[str] = []  # the run as it would read, one token per char or repair
        token_of: dict[int, int] = {}
        i = 0
        while i < len(run):
            if i in starts:
                token_of[i] = len(shown)
                end, after = starts[i]
                shown.append(after)
                i = end
            else:
                shown.append(run[i])
                i += 1
        kept = []
        for start, end, after in accepted:
            t = token_of[start]
            before_ctx = (left + "".join(shown[max(0, t - _JUDGE_CONTEXT) : t]))[-_JUDGE_CONTEXT:]
            after_ctx = ("".join(shown[t + 1 : t + 1 + _JUDGE_CONTEXT]) + right)[:_JUDGE_CONTEXT]
            broken = before_ctx + run[start:end] + after_ctx
            if badness(broken) > badness(before_ctx + after + after_ctx):
                kept.append((start, end, after))
        if len(kept) == len(accepted):
            break
        accepted = kept
    return accepted


def _candidates(run: str) -> list[_Edit]:
    """Left-to-right, non-overlapping sequences of `run` that decode to one character."""
    candidates: list[_Edit] = []
    i = 0
    while i < len(run) - 1:
        found = _decode_at(run, i) if run[i] in _LEADS else None
        if found is None:
            i += 1
            continue
        length, after = found
        candidates.append((i, i + length, after))
        i += length
    return candidates


_AMBIGUOUS_ENDINGS = "\u00a0\u00ad"  # no-break space, soft hyphen


def _ambiguous(text: str, start: int, end: int) -> bool:
    """A capital letter, then "Ã"/"Â" and a no-break space: a word in capitals ("IRMÃ de")
    as often as a mis-decoded "à"; mojibake of "à" follows a small letter or a space."""
    return text[end - 1] in _AMBIGUOUS_ENDINGS and start > 0 and text[start - 1].isupper()


def _find_edits(text: str) -> list[_Edit]:
    """All accepted repairs in `text`, in order, as non-overlapping edits.

    Badness cannot see every broken sequence ("ПÑ€ивет" scores as fine), so a paragraph
    whose non-ASCII characters *all* decode back as UTF-8 is repaired as a whole once at
    least one of its repairs is confirmed: it is mis-decoded throughout, like the files
    ftfy fixes. Paragraphs mixing good and broken text get only the confirmed repairs.
    """
    edits: list[_Edit] = []
    for paragraph in _PARAGRAPH.finditer(text):
        if not _MAYBE.search(text, paragraph.start(), paragraph.end()):
            continue  # the common case, checked at C speed
        runs: list[tuple[int, str, list[_Edit]]] = []
        covered = 0
        for match in _RUN.finditer(text, paragraph.start(), paragraph.end()):
            run = match.group()
            candidates = _candidates(run) if _LEAD.search(run) else []
            if candidates:
                runs.append((match.start(), run, candidates))
                covered += sum(end - start for start, end, _ in candidates)
        if not runs:
            continue
        # Whole-paragraph repair needs one unambiguous sign that it is mis-decoded.
        whole = covered == len(_NON_ASCII.findall(paragraph.group())) and any(
            not _ambiguous(text, at + s, at + e) for at, _, found in runs for s, e, _a in found
        )
        confirmed: list[_Edit] = []
        for offset, run, candidates in runs:
            left = text[max(0, offset - _JUDGE_CONTEXT) : offset]
            right = text[offset + len(run) : offset + len(run) + _JUDGE_CONTEXT]
            accepted = _judge(run, candidates, left, right)
            confirmed.extend((offset + s, offset + e, after) for s, e, after in accepted)
            if whole and accepted:
                edits.extend(
                    (at + s, at + e, repl) for at, _, found in runs for s, e, repl in found
                )
                break
        else:
            # "Ã" + no-break space is "à" mis-decoded, but also a capital Ã before a no-break
            # space ("IRMÃ de"): alone in a paragraph of good text, leave it as written.
            edits.extend(e for e in confirmed if not _ambiguous(text, e[0], e[1]))
    return edits


def _apply(text: str, edits: list[_Edit], records: list[_Record]) -> tuple[str, list[_Record]]:
    """Apply one pass of edits; earlier records move with the text or merge into a new edit."""
    absorbed: list[list[_Record]] = [[] for _ in edits]
    moved: list[_Record] = []
    j, shift = 0, 0
    for offset, before, after in sorted(records):
        while j < len(edits) and edits[j][1] <= offset:
            shift += len(edits[j][2]) - (edits[j][1] - edits[j][0])
            j += 1
        inside = j < len(edits) and (
            edits[j][0] <= offset < edits[j][1] if after else edits[j][0] < offset < edits[j][1]
        )
        if inside:
            absorbed[j].append((offset, before, after))
        else:
            moved.append((offset + shift, before, after))

    pieces: list[str] = []
    new_records = moved
    pos, shift = 0, 0
    for (start, end, after), inner in zip(edits, absorbed, strict=True):
        pieces += [text[pos:start], after]
        # Report the sequence as it was in the imported text, before any earlier pass.
        original = text[start:end]
        for offset, before, repaired in reversed(inner):
            rel = offset - start
            original = original[:rel] + before + original[rel + len(repaired) :]
        new_records.append((start + shift, original, after))
        shift += len(after) - (end - start)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces), new_records


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """Repair mis-decoded UTF-8 sequences; return the text and each repair (final offsets)."""
    records: list[_Record] = []
    for _ in range(_MAX_PASSES):
        edits = _find_edits(text)
        if not edits:
            break
        text, records = _apply(text, edits, records)
    repairs = [
        Repair(
            offset=offset,
            before=before,
            after=after,
            context=text[max(0, offset - _REPORT_CONTEXT) : offset + len(after) + _REPORT_CONTEXT],
        )
        for offset, before, after in sorted(records)
    ]
    return text, repairs
