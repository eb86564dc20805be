"""One document's annotations and links in memory: who said each claim, and what it is about.

Qt-free. The GUI builds one `DocumentAnnotations` when a document opens and keeps it current
from each `Change` (upsert, remove, set_links) instead of reloading the document.

The speaker-name rule lives here and only here: a speaker span's canonical name is its typed
name, else its quote on one line (`canonical_name`); a list offering speaker or target spans
shows each as `entry_text` says, numbering mentions with the same words. `RoleSpans` keeps
one role's list current change by change, and tells watchers which rows moved, so a view of
it (the inspector's "Said by" and "About") costs the same at 500 annotations as at 50,000.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from annotator.core.codebook import Codebook, Label
from annotator.core.records import LINK_KINDS, Annotation, AnnotationId, Link

#: How much of a quote a list entry shows.
ENTRY_QUOTE_CHARS = 40
_NUMBERED = re.compile(r"(.*”) \((\d+)\)")

Key = tuple[int, int, str]


def clean_name(text: str | None) -> str | None:
    """A typed name as stored: whitespace runs as one space, ends trimmed; None if empty."""
    cleaned = " ".join(text.split()) if text else ""
    return cleaned or None


def canonical_name(annotation: Annotation) -> str:
    """A speaker span's canonical name, or its quote on one line when it has none."""
    return annotation.speaker_name or " ".join(annotation.quote.split())


def entry_text(annotation: Annotation) -> str:
    """How a list offers a speaker or target span: “quote” when its name is its own words,
    else Name — “quote” (the quote on one line, cut with "…" after ENTRY_QUOTE_CHARS)."""
    words = " ".join(annotation.quote.split())
    quote = words
    if len(quote) > ENTRY_QUOTE_CHARS:
        quote = quote[:ENTRY_QUOTE_CHARS].rstrip() + "…"
    name = annotation.speaker_name or words  # canonical_name, without splitting twice
    return f"“{quote}”" if name == words else f"{name} — “{quote}”"


@dataclass(frozen=True)
class RowsChanged:
    """What one change did to a role's list: a row `inserted` (now holding `span_id`), a row
    `removed` (that held `span_id`), or the entries of rows `first`..`last` `changed`."""

    role: str
    kind: str  # "inserted" | "removed" | "changed"
    first: int
    last: int
    span_id: AnnotationId | None = None


Watcher = Callable[[RowsChanged], None]


class RoleSpans:
    """One role's spans in reading order, each with its list entry; mentions with the same
    entry are numbered in reading order: “he”, “he” (2), …"""

    def __init__(self, role: str, spans: Iterable[Annotation]) -> None:
        self.role = role
        self._spans: dict[str, Annotation] = {a.id: a for a in spans}
        self._keys: list[Key] = sorted(map(reading_order, self._spans.values()))
        self._alike: dict[str, list[Key]] = {}  # entry before numbering → its spans' keys
        self._base: dict[str, str] = {}  # span id → its entry before numbering
        for key in self._keys:
            base = entry_text(self._spans[key[2]])
            self._base[key[2]] = base
            self._alike.setdefault(base, []).append(key)

    def __len__(self) -> int:
        return len(self._keys)

    def spans(self) -> list[Annotation]:
        return [self._spans[key[2]] for key in self._keys]

    def span_at(self, row: int) -> Annotation:
        return self._spans[self._keys[row][2]]

    def row_of(self, span_id: str) -> int | None:
        span = self._spans.get(span_id)
        return None if span is None else bisect_left(self._keys, reading_order(span))

    def entry(self, span_id: str) -> str:
        """The span's entry: numbered when an earlier span of this role reads the same."""
        base = self._base[span_id]
        alike = self._alike[base]
        if len(alike) == 1:
            return base
        number = bisect_left(alike, reading_order(self._spans[span_id])) + 1
        return base if number == 1 else f"{base} ({number})"

    def find(self, entry: str) -> AnnotationId | None:
        """The span whose entry this is, if any."""
        alike = self._alike.get(entry)
        if alike:
            return AnnotationId(alike[0][2])
        numbered = _NUMBERED.fullmatch(entry)
        if numbered is None:
            return None
        alike = self._alike.get(numbered[1], [])
        number = int(numbered[2])
        return AnnotationId(alike[number - 1][2]) if 2 <= number <= len(alike) else None

    # -- keeping current (DocumentAnnotations calls these) ---------------------------------

    def add(self, span: Annotation) -> list[RowsChanged]:
        key, base = reading_order(span), entry_text(span)
        row = bisect_left(self._keys, key)
        self._keys.insert(row, key)
        self._spans[span.id] = span
        self._base[span.id] = base
        alike = self._alike.setdefault(base, [])
        insort(alike, key)
        events = [RowsChanged(self.role, "inserted", row, row, span.id)]
        return events + self._renumbered(alike, after=key)

    def remove(self, span_id: str) -> list[RowsChanged]:
        span = self._spans.pop(span_id)
        key, base = reading_order(span), self._base.pop(span_id)
        row = bisect_left(self._keys, key)
        del self._keys[row]
        alike = self._alike[base]
        del alike[bisect_left(alike, key)]
        if not alike:
            del self._alike[base]
        events = [RowsChanged(self.role, "removed", row, row, span.id)]
        return events + self._renumbered(alike, after=key)

    def replace(self, span: Annotation) -> list[RowsChanged]:
        """The same span changed: moved (removed, then inserted), renamed (its entry changes
        in place, and the numbers of mentions reading like it before or after), or neither."""
        old = self._spans[span.id]
        key = reading_order(span)
        if reading_order(old) != key:
            return self.remove(span.id) + self.add(span)
        self._spans[span.id] = span
        base, before = entry_text(span), self._base[span.id]
        if base == before:
            return []
        row = bisect_left(self._keys, key)
        events = [RowsChanged(self.role, "changed", row, row)]
        was = self._alike[before]
        del was[bisect_left(was, key)]
        if not was:
            del self._alike[before]
        events += self._renumbered(was, after=key)
        self._base[span.id] = base
        now = self._alike.setdefault(base, [])
        insort(now, key)
        return events + self._renumbered(now, after=key)

    def _renumbered(self, alike: list[Key], *, after: Key) -> list[RowsChanged]:
        """The rows of same-entry spans after `after`, whose number just changed."""
        later = alike[bisect_left(alike, after) :]
        later = [key for key in later if key != after]
        if not later:
            return []
        rows = [bisect_left(self._keys, key) for key in later]
        return [RowsChanged(self.role, "changed", min(rows), max(rows))]


class DocumentAnnotations:
    """Annotations by id plus each claim's "said_by" and "about" link."""

    def __init__(
        self, annotations: list[Annotation], links: list[Link], codebook: Codebook
    ) -> None:
        self.codebook = codebook
        self._roles = {label.id: label.role for label in codebook.labels}
        self._annotations: dict[str, Annotation] = {a.id: a for a in annotations}
        self._links: dict[tuple[str, str], Link] = {}
        # span id → the (claim, kind) keys of links to it: what reads differently once it does
        self._linked_to: dict[str, set[tuple[str, str]]] = {}
        #: Bumped on every change, so views can cache what they derive from this state.
        self.version = 0
        # role → its spans as lists offer them; built when first asked for, then kept current
        self._by_role: dict[str, RoleSpans] = {}
        self._watchers: list[Watcher] = []
        # Reading-order keys kept sorted as annotations come and go (no re-sort per change).
        self._order: list[Key] = sorted(map(reading_order, annotations))
        self.set_links(links)

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._annotations)

    def get(self, annotation_id: str) -> Annotation | None:
        return self._annotations.get(annotation_id)

    def all(self) -> list[Annotation]:
        """Every annotation in reading order (start, then end)."""
        return [self._annotations[key[2]] for key in self._order]

    def keys(self) -> list[Key]:
        """Every annotation's `reading_order` key, in reading order (a copy)."""
        return list(self._order)

    def links(self) -> list[Link]:
        return list(self._links.values())

    def label_of(self, annotation: Annotation) -> Label | None:
        """The annotation's label, or None if the codebook no longer has it."""
        try:
            return self.codebook.by_id(annotation.label_id)
        except KeyError:
            return None

    def role_of(self, annotation: Annotation) -> str | None:
        return self._roles.get(annotation.label_id)

    def role_spans(self, role: str) -> RoleSpans:
        """This document's spans of `role` as a list offers them, kept current from now on."""
        spans = self._by_role.get(role)
        if spans is None:
            labels = {label_id for label_id, its in self._roles.items() if its == role}
            chosen = (a for a in self._annotations.values() if a.label_id in labels)
            spans = self._by_role[role] = RoleSpans(role, chosen)
        return spans

    def spans_with_role(self, role: str) -> list[Annotation]:
        """Annotations whose label has this role ("claim", "speaker", "target"), by start."""
        return self.role_spans(role).spans()

    def canonical_name(self, annotation: Annotation) -> str:
        """A speaker span's canonical name, or its quote on one line when it has none."""
        return canonical_name(annotation)

    def link_of(self, claim_id: str, kind: str) -> Link | None:
        return self._links.get((claim_id, kind))

    def speaker_of(self, claim_id: str) -> str:
        """Who said the claim: the linked speaker's canonical name, or the typed name; or ""."""
        return self._linked_name(claim_id, "said_by")

    def target_of(self, claim_id: str) -> str:
        """What the claim is about: the linked target span's quote, or the typed name; or ""."""
        return self._linked_name(claim_id, "about")

    def _linked_name(self, claim_id: str, kind: str) -> str:
        link = self.link_of(claim_id, kind)
        if link is None:
            return ""
        if link.target_id is not None:
            span = self.get(link.target_id)
            return "" if span is None else canonical_name(span)
        return link.name or ""

    # -- watching the role lists ------------------------------------------------------------

    def watch(self, watcher: Watcher) -> None:
        """Call `watcher` with every row a change inserts, removes or renames in a role list
        built so far (`role_spans`), right after the change."""
        if watcher not in self._watchers:
            self._watchers.append(watcher)

    def unwatch(self, watcher: Watcher) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    def _tell(self, events: list[RowsChanged]) -> None:
        for event in events:
            for watcher in list(self._watchers):
                watcher(event)

    # -- keeping current --------------------------------------------------------------------

    def upsert(self, annotation: Annotation) -> None:
        old = self._annotations.get(annotation.id)
        if old is not None:
            self._order.pop(bisect_left(self._order, reading_order(old)))
        insort(self._order, reading_order(annotation))
        self._annotations[annotation.id] = annotation
        self.version += 1
        events: list[RowsChanged] = []
        role, was = self.role_of(annotation), None if old is None else self.role_of(old)
        if was is not None and was != role and was in self._by_role:
            events += self._by_role[was].remove(annotation.id)
        if role is not None and role in self._by_role:
            spans = self._by_role[role]
            events += spans.replace(annotation) if was == role else spans.add(annotation)
        self._tell(events)

    def remove(self, annotation_id: str) -> None:
        """Forget an annotation and, like the store's cascade, the links from or to it."""
        old = self._annotations.pop(annotation_id, None)
        self.version += 1
        keys = [(annotation_id, kind) for kind in LINK_KINDS]
        for key in [*keys, *self._linked_to.get(annotation_id, ())]:
            link = self._links.get(key)
            if link is not None:
                self.remove_link(link)
        if old is None:
            return
        self._order.pop(bisect_left(self._order, reading_order(old)))
        role = self.role_of(old)
        if role is not None and role in self._by_role:
            self._tell(self._by_role[role].remove(annotation_id))

    def set_links(self, links: list[Link]) -> None:
        """Replace all links (the store's links for this document, as read)."""
        self._links = {}
        self._linked_to = {}
        self.version += 1
        # The store keeps one link per claim and kind; should two ever exist, the newer wins.
        for link in sorted(links, key=lambda lk: (lk.created, lk.id)):
            self.put_link(link)

    def put_link(self, link: Link) -> None:
        """Add a link (or replace the claim's link of its kind)."""
        key = (link.source_id, link.kind)
        old = self._links.get(key)
        if old is not None:
            self._unlink(old)
        self._links[key] = link
        if link.target_id is not None:
            self._linked_to.setdefault(link.target_id, set()).add(key)
        self.version += 1

    def remove_link(self, link: Link) -> None:
        """Forget a link (as it was stored); a newer link of the claim's same kind stays."""
        key = (link.source_id, link.kind)
        held = self._links.get(key)
        if held is not None and held.id == link.id:
            del self._links[key]
            self._unlink(held)
        self.version += 1

    def _unlink(self, link: Link) -> None:
        if link.target_id is not None:
            keys = self._linked_to.get(link.target_id)
            if keys is not None:
                keys.discard((link.source_id, link.kind))
                if not keys:
                    del self._linked_to[link.target_id]

    def claims_linked_to(self, span_id: str) -> set[AnnotationId]:
        """The claims said by, or about, this span."""
        return {AnnotationId(source) for source, _kind in self._linked_to.get(span_id, ())}

    def take(
        self,
        *,
        removed: Iterable[str],
        touched: Iterable[Annotation],
        links_removed: Iterable[Link] = (),
        links_added: Iterable[Link] = (),
    ) -> set[AnnotationId]:
        """Take one saved change in, as it was applied: links removed, annotations removed,
        annotations created or modified, links added. Returns the claims whose "said by" or
        "about" may read differently now (found through the links, never by a scan)."""
        relinked: set[AnnotationId] = set()
        for link in links_removed:
            relinked.add(link.source_id)
            self.remove_link(link)
        for annotation_id in removed:
            relinked |= self.claims_linked_to(annotation_id)
            self.remove(annotation_id)
        for annotation in touched:
            old = self.get(annotation.id)
            self.upsert(annotation)
            if old is not None and canonical_name(old) != canonical_name(annotation):
                relinked |= self.claims_linked_to(annotation.id)
        for link in links_added:
            relinked.add(link.source_id)
            self.put_link(link)
        return relinked


class ProjectNames:
    """The canonical names used anywhere in the project (speaker spans' typed names and
    links' typed names), sorted, for completion: read once, then kept current change by
    change. A name that a change stops using here is dropped only if `still_used` says no
    other annotation or link (in any document) holds it."""

    def __init__(self, names: Iterable[str], still_used: Callable[[str], bool]) -> None:
        self._names = sorted(set(names))
        self._still_used = still_used

    def names(self) -> list[str]:
        return self._names

    def take(
        self,
        *,
        before: Iterable[Annotation],
        after: Iterable[Annotation],
        links_removed: Iterable[Link] = (),
        links_added: Iterable[Link] = (),
    ) -> bool:
        """A change replaced `before` (annotations removed or modified, as they were) with
        `after` (as stored now) and removed and added links. True if the names changed."""
        gone = {a.speaker_name for a in before} | {link.name for link in links_removed}
        new = {a.speaker_name for a in after} | {link.name for link in links_added}
        gone.discard(None)
        new.discard(None)
        changed = False
        names = self._names
        for name in sorted(n for n in new - gone if n is not None):
            row = bisect_left(names, name)
            if row == len(names) or names[row] != name:
                names.insert(row, name)
                changed = True
        for name in sorted(n for n in gone - new if n is not None):
            row = bisect_left(names, name)
            if row < len(names) and names[row] == name and not self._still_used(name):
                del names[row]
                changed = True
        return changed


def reading_order(annotation: Annotation) -> Key:
    """Sort key: start, then end, then id so equal spans keep a stable order."""
    return annotation.start, annotation.end, annotation.id
