"""Syndicated copies: articles re-published by other outlets, found at import and grouped.

`note_copies(store, doc_id)` (called by the import right after it adds a document) compares
the document with earlier ones through MinHash signatures of word shingles (in memory as one
numpy matrix per store), verifies each candidate on the texts and links a copy to its group's
original (`document_copies`; `DocumentSummary.copy_of`). `copy_groups` lists the groups;
`apply_to_copies` carries a document's annotations to the other documents of its group.

Exact duplicates (the same text) never get this far: the store refuses them.
"""

from annotator.core.copies.apply import ApplyReport, CopyApplied, apply_to_copies
from annotator.core.copies.found import (
    CONTAINMENT,
    JACCARD,
    MIN_SHINGLES,
    MIN_SIZE_RATIO,
    CopyFound,
    CopyGroup,
    CopyMember,
    Similarity,
    copy_groups,
    copy_of,
    group_of,
    note_copies,
    noted_at_import,
)
from annotator.core.copies.shingling import shingles, tokens
from annotator.core.copies.signatures import SCHEME

__all__ = [
    "CONTAINMENT",
    "JACCARD",
    "MIN_SHINGLES",
    "MIN_SIZE_RATIO",
    "SCHEME",
    "ApplyReport",
    "CopyApplied",
    "CopyFound",
    "CopyGroup",
    "CopyMember",
    "Similarity",
    "apply_to_copies",
    "copy_groups",
    "copy_of",
    "group_of",
    "note_copies",
    "noted_at_import",
    "shingles",
    "tokens",
]
