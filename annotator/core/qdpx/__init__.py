"""REFI-QDA project exchange (.qdpx): export for NVivo, ATLAS.ti, MAXQDA and QualCoder, and
import from them.

`export_qdpx` writes the annotations an export filter selects with their documents;
`import_qdpx` reads a .qdpx safely (`archive`), maps it (`read`, `plan`) and stores it in one
transaction (`apply`), listing whatever it cannot take. The mapping both ways is described in
`model`.
"""

from annotator.core.qdpx.apply import QdpxCancelled, import_qdpx, reread_codebook
from annotator.core.qdpx.archive import QdpxRefused
from annotator.core.qdpx.export import export_qdpx
from annotator.core.qdpx.report import QdpxReport

__all__ = [
    "QdpxCancelled",
    "QdpxRefused",
    "QdpxReport",
    "export_qdpx",
    "import_qdpx",
    "reread_codebook",
]
