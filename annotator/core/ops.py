"""The operations a step of work is made of, as stored in the undo log.

Each step is a list of forward operations and the list that reverts it: put/remove of
annotations, links, comments and review decisions, all JSON-ready dicts.
"""

from __future__ import annotations

from typing import Any

from annotator.core.records import AnnotationId
from annotator.core.store import Store
from annotator.core.store.annotations import row_of
from annotator.core.store.comments import comment_row

Op = dict[str, Any]


def removal_ops(store: Store, annotation_id: AnnotationId) -> tuple[list[Op], list[Op]]:
    """Delete an annotation with its links and comments, and the inverse that restores them.

    Links and comments go explicitly (each recorded in history), never by the cascade.
    """
    annotation = store.annotations.get(annotation_id)
    links = store.annotations.links_touching(annotation_id)
    comments = store.comments.thread(annotation_id)
    forward: list[Op] = [{"op": "remove_link", "id": link.id} for link in links]
    forward += [{"op": "remove_comment", "id": c.id} for c in comments]
    forward.append({"op": "remove", "id": annotation_id})
    inverse: list[Op] = [{"op": "put", "annotation": row_of(annotation)}]
    inverse += [{"op": "put_link", "link": row_of(link)} for link in links]
    inverse += [{"op": "put_comment", "comment": comment_row(c)} for c in comments]
    return forward, inverse
