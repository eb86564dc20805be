"""Bringing a colleague's project in: see `merge_project`."""

from annotator.core.merge.project import MergeCancelled, merge_project

__all__ = ["MergeCancelled", "merge_project"]
