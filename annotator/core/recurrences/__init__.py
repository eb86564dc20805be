"""Find this claim elsewhere: passages of other documents that restate a claim.

Documents are cut into sentence-sized windows whose normalised words (`terms.py`) are kept in
an FTS5 index (migration 0014), brought up to date on import (`ingest.py`), in the window's
background and before every search (`update_index`). `find_recurrences` weighs the claim's words
by rarity, reads the windows holding its rarest ones and scores them (`find.py`).
"""

from annotator.core.recurrences.find import Recurrence, find_recurrences
from annotator.core.recurrences.index import is_current, stale, update_index

__all__ = ["Recurrence", "find_recurrences", "is_current", "stale", "update_index"]
