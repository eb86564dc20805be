"""Importing annotations back: Annotator JSON Lines and W3C Web Annotations, re-anchored.

`read_annotation_file(path)` reads and checks a file (nothing is trusted, nothing stored);
`import_annotations(store, parsed, analyst_fallback=...)` applies it in one transaction and
returns an `InterchangeReport` naming everything that could not be placed. `reanchor` finds a
stored quote in another copy of its text (see `anchoring`).
"""

from annotator.core.interchange.anchoring import Anchor, Anchorer, Selector, reanchor
from annotator.core.interchange.apply import import_annotations
from annotator.core.interchange.model import (
    AnnotationFileError,
    ParsedAnnotation,
    ParsedDocument,
    ParsedFile,
    ParsedLink,
)
from annotator.core.interchange.reader import read_annotation_file
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
    "DocumentOutcome",
    "InterchangeReport",
    "Orphan",
    "ParsedAnnotation",
    "ParsedDocument",
    "ParsedFile",
    "ParsedLink",
    "Reanchored",
    "Selector",
    "SkippedLink",
    "import_annotations",
    "read_annotation_file",
    "reanchor",
]
