"""Where a project file lives, as far as safety goes: SQLite's locking and write-ahead log are
unreliable on network file systems, so a project there gets a warning."""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.sshfs",
        "fuse.rclone",
        "davfs",
        "fuse.davfs2",
        "ncpfs",
        "lustre",
        "gpfs",
    }
)

WARNING = (
    "This project is on a network drive ({what}). SQLite cannot guarantee safe locking there: "
    "two people writing at once, or a dropped connection, can damage the file. Keep projects "
    "on a local disk and share them with File ▸ Export or by copying, or use the network drive "
    "only from one computer at a time."
)


def _mounts(mounts_file: Path) -> list[tuple[str, str]]:
    try:
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    points = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3:
            # /proc/mounts escapes spaces in mount points as \040.
            points.append((parts[1].replace("\\040", " "), parts[2]))
    return points


def network_location(path: Path, *, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """A description of the network file system `path` is on, or None for a local disk."""
    path = Path(os.path.abspath(path))
    if os.name == "nt" and str(path).startswith("\\\\"):
        return "a Windows network share"
    best: tuple[str, str] | None = None
    for point, kind in _mounts(mounts_file):
        inside = path == Path(point) or Path(point) in path.parents
        if inside and (best is None or len(point) > len(best[0])):
            best = (point, kind)
    if best is not None and best[1] in NETWORK_FILESYSTEMS:
        return f"{best[1]} at {best[0]}"
    return None


def network_warning(path: Path, *, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    what = network_location(path, mounts_file=mounts_file)
    return None if what is None else WARNING.format(what=what)
