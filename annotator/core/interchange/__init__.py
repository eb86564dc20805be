"""Importing annotations back: Annotator JSON Lines and W3C Web Annotations, re-anchored.

`import_annotation_file(store, path, analyst_fallback=...)` reads a file and applies it as it
is read, in one transaction (memory stays small for any length), and returns an
`InterchangeReport` naming everything that could not be placed. `read_annotation_file(path)`
reads and checks a whole file into memory (nothing is trusted, nothing stored), for
`import_annotations(store, parsed, ...)`; `open_annotation_file` gives the records one by one.
`reanchor` finds a stored quote in another copy of its text (see `anchoring`).
"""

from annotator.core.interchange.anchoring import Anchor, Anchorer, Selector, reanchor
from annotator.core.interchange.apply import import_annotation_file, import_annotations
from annotator.core.interchange.model import (
    AnnotationFileError,
    AnnotationStream,
    OnDocument,
    ParsedAnnotation,
    ParsedDocument,
    ParsedFile,
    ParsedLink,
)
from annotator.core.interchange.reader import open_annotation_file, read_annotation_file
from annotator.core.interchange.report import (
    DocumentOutcome,
    InterchangeReport,
    Orphan,
    Reanchored,
    SkippedLink,
)

__all__ = [
    "Anchor",
    "Anchorer",
    "AnnotationFileError",
    "AnnotationStream",
    "DocumentOutcome",
    "InterchangeReport",
    "OnDocument",
    "Orphan",
    "ParsedAnnotation",
    "ParsedDocument",
    "ParsedFile",
    "ParsedLink",
    "Reanchored",
    "Selector",
    "SkippedLink",
    "import_annotation_file",
    "import_annotations",
    "open_annotation_file",
    "read_annotation_file",
    "reanchor",
]
