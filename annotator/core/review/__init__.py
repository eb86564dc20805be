"""Review: compare two layers of one document, and record the reviewer's decisions."""

from annotator.core.review.compare import (
    KIND_NAMES,
    Item,
    compare_layers,
    item_status,
)
from annotator.core.review.decide import review_ops

__all__ = ["KIND_NAMES", "Item", "compare_layers", "item_status", "review_ops"]
