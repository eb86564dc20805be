"""Full-text search over the corpus and the annotations (SQLite FTS5), Qt-free.

`search_documents` ranks documents and gives each a plain-text snippet with highlight ranges;
`search_annotations` finds annotations by words and by fields (label:, analyst:, sentiment:,
speaker:, target:, doc:, quote:, note:). Both take outlet:, author: and lang: (`sources`),
conditions on the documents rather than indexed text. Both parse the user's text themselves
(see `query`) and raise `ValidationError` with a plain message for anything they cannot read.
The indexes follow every change through a queue that `sync_index` applies before each search.
"""

from annotator.core.search.annotations import ANNOTATION_FIELDS, AnnotationHit, search_annotations
from annotator.core.search.documents import DOCUMENT_FIELDS, DocumentHit, search_documents
from annotator.core.search.index import pending, rebuild_index, sync_index

__all__ = [
    "ANNOTATION_FIELDS",
    "DOCUMENT_FIELDS",
    "AnnotationHit",
    "DocumentHit",
    "pending",
    "rebuild_index",
    "search_annotations",
    "search_documents",
    "sync_index",
]
