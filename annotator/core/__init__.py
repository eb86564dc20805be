"""The Qt-free core: documents, annotations, codebook, store, import, export, review.

Importing it installs the safety net the store relies on (a checked backup before a schema
upgrade or a codebook change that removes labels), so every Store opened anywhere has it.
"""

from annotator.core import safety as _safety  # noqa: F401  (installs the store's backups)
