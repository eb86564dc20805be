"""Bringing a colleague's project in: see `merge_project`."""

from annotator.core.merge.project import MergeCancelled, merge_project
from annotator.core.merge.report import MergeReport, Refused

__all__ = ["MergeCancelled", "MergeReport", "Refused", "merge_project"]
