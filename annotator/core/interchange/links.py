"""The links of an annotation file, stored once every annotation is in; and the links a newer
version of an annotation with another label can no longer carry, removed.

A link is stored when its claim was imported and its target span is here (imported or already
in the project); otherwise it is listed with the reason. The same attribution already here
(W3C files carry no link ids) counts as unchanged; one link of each kind per claim is kept, the
later one winning.
"""

from __future__ import annotations

import dataclasses

from annotator.core.errors import ValidationError
from annotator.core.interchange.fields import later
from annotator.core.interchange.report import SkippedLink, shorten
from annotator.core.interchange.run import ImportRun
from annotator.core.records import Annotation, AnnotationId, LinkId


def apply_links(run: ImportRun) -> None:
    """Store the links of every annotation now present, skipping (and reporting) the rest."""
    run.writer.flush()
    annotations, written = run.store.annotations, run.link_writer
    for pending in run.pending:
        link, claim = pending.link, pending.claim
        source = AnnotationId(pending.claim_id)
        if written.holds(source, link.kind):
            written.flush()  # a second link of a kind for one claim: it meets the first
        target = link.target_id
        if target is not None:
            if target in run.orphaned:
                quote = shorten(run.orphaned[target][0], 40)
                run.skip(claim, link, f"its span “{quote}” was not imported")
                continue
            if not run.is_here(target):
                run.skip(claim, link, "it points to a span neither in the file nor here")
                continue
        if annotations.find_link(LinkId(link.id)) is not None:
            run.report.links_unchanged += 1
            continue
        rivals = [
            k
            for k in annotations.links_touching(source)
            if k.source_id == source and k.kind == link.kind
        ]
        # The same attribution already here (W3C files carry no link ids): nothing to do.
        if any(k.target_id == target and (target or k.name == link.name) for k in rivals):
            run.report.links_unchanged += 1
            continue
        # One link of each kind per claim (as the workspace keeps it): the later one wins.
        if any(not later(link.created, k.created) for k in rivals):
            run.skip(claim, link, f"the claim has a more recent “{link.kind}” link here")
            continue
        analyst_id = run.layer(link.analyst, reviewed=link.reviewed)
        if analyst_id is None:
            run.skip(claim, link, run.taken(link.analyst))
            continue
        try:
            checked = annotations.new_link(
                source_id=source,
                kind=link.kind,
                analyst_id=analyst_id,
                target_id=None if target is None else AnnotationId(target),
                name=link.name,
            )
        except ValidationError as exc:
            run.skip(claim, link, str(exc))
            continue
        for rival in rivals:
            annotations.remove_link(rival.id, analyst_id=run.importer)
        written.put(dataclasses.replace(checked, id=LinkId(link.id), created=link.created))
        run.report.links_added += 1
    written.flush()
    run.pending.clear()


def drop_unfitting_links(run: ImportRun, record: Annotation, role: str | None, quote: str) -> None:
    """A newer version with another label: links its new role cannot carry are removed
    (recorded in history) and reported, as the window does when an analyst relabels."""
    for link in run.store.annotations.links_touching(record.id):
        wanted = "speaker" if link.kind == "said_by" else "target"
        fits = role == "claim" if link.source_id == record.id else role == wanted
        if not fits:
            run.store.annotations.remove_link(link.id, analyst_id=run.importer)
            run.report.skipped_links.append(
                SkippedLink(
                    link.kind,
                    shorten(quote, 40),
                    "removed: the annotation's new label no longer allows it",
                    link.id,
                )
            )
