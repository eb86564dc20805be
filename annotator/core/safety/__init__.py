"""Keeping projects safe: backups (made, listed, rotated, restored) and consistency checks.

Qt-free; the window and the command line call these.
"""

from annotator.core.safety.backups import (
    BackupError,
    BackupInfo,
    backup_dir_for,
    daily_backup,
    list_backups,
    make_backup,
    restore_backup,
    rotate,
)
from annotator.core.safety.check import CheckReport, check_project
from annotator.core.store import safeguard

# The store asks for a backup before upgrading a project or removing labels: this one.
safeguard.install(lambda path, reason: make_backup(path, reason=reason))

__all__ = [
    "BackupError",
    "BackupInfo",
    "CheckReport",
    "backup_dir_for",
    "check_project",
    "daily_backup",
    "list_backups",
    "make_backup",
    "restore_backup",
    "rotate",
]
