"""Bringing a colleague's project in: see `merge_project`."""

from annotator.core.merge.project import merge_project

__all__ = ["merge_project"]
