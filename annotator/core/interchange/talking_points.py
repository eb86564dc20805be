"""The talking points of an annotation file's claims, applied once every annotation is in.

A claim of the file goes into the talking point with the file's id if the project has it,
else the one with the same name (any case), else a new one with the file's id and name. A
claim the project already put into another talking point stays there (the project's
grouping is the analyst's own); the same one counts as unchanged. Each change is recorded in
history like the rest of the import.
"""

from __future__ import annotations

from annotator.core.interchange.run import ImportRun
from annotator.core.records import AnnotationId, now_iso
from annotator.core.store import talking_points as tp


def apply_talking_points(run: ImportRun) -> None:
    if not run.talking_points:
        return
    run.writer.flush()
    conn = run.store.conn
    claims = {label.id for label in run.codebook.labels if label.role == "claim"}
    points: dict[str, tp.TalkingPoint] = {}
    for claim_id, (point_id, name) in run.talking_points:
        annotation = run.store.annotations.find(AnnotationId(claim_id))
        if annotation is None or annotation.label_id not in claims:
            continue
        point = points.get(point_id) or tp.find(conn, point_id) or tp.find_by_name(conn, name)
        if point is None:
            when = now_iso()
            point = tp.TalkingPoint(tp.TalkingPointId(point_id), tp.clean_name(name),
                                    run.importer, when, when)  # fmt: skip
            tp.put(run.store, point, analyst_id=run.importer)
        points[point_id] = point
        if tp.membership(conn, claim_id) is not None:
            continue
        member = tp.Membership(AnnotationId(claim_id), point.id, run.importer, now_iso())
        tp.put_member(run.store, member, analyst_id=run.importer)
    run.talking_points.clear()
