"""Article import: files (.txt .md .html .mhtml .docx .pdf) → text the analyst annotates.

Every change made on the way (decoding choice, mojibake repairs, removed characters) is
recorded in an `ImportReport`; anything that cannot be imported raises `ImportRefused`.
Files over `MAX_FILE_BYTES` (64 MiB) are refused. No Qt here: the core stays GUI-free.
"""

from annotator.core.importing.decoding import decode_bytes
from annotator.core.importing.mojibake import repair_mojibake
from annotator.core.importing.normalise import normalise_text
from annotator.core.importing.reader import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    ReadOptions,
    collect_files,
    read_document,
    read_source,
)
from annotator.core.importing.report import (
    ExtractedDocument,
    ImportReport,
    Original,
    Repair,
    SourceMeta,
)

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "ExtractedDocument",
    "ImportReport",
    "Original",
    "ReadOptions",
    "Repair",
    "SourceMeta",
    "collect_files",
    "decode_bytes",
    "normalise_text",
    "read_document",
    "read_source",
    "repair_mojibake",
]
