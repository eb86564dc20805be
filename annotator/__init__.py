"""Annotator: a desktop tool for tagging claims, speakers, targets and sentiment in articles."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("annotator")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"
