"""Projects on network drives get a warning that explains the risk; local ones do not."""

from __future__ import annotations

from pathlib import Path

from annotator.core.location import network_warning

MOUNTS = """\
/dev/vda / ext4 rw 0 0
server:/export /mnt/team nfs4 rw 0 0
//nas/share /media/my\\040share cifs rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_nfs_and_cifs_projects_are_warned_about(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(MOUNTS, encoding="utf-8")
    warning = network_warning(Path("/mnt/team/analysts/project.sqlite"), mounts_file=mounts)
    assert warning is not None and "nfs4 at /mnt/team" in warning and "local disk" in warning
    share = network_warning(Path("/media/my share/p.sqlite"), mounts_file=mounts)
    assert share is not None and "cifs" in share


def test_local_disks_get_no_warning(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(MOUNTS, encoding="utf-8")
    assert network_warning(Path("/home/ana/project.sqlite"), mounts_file=mounts) is None
    assert network_warning(Path("/tmp/p.sqlite"), mounts_file=mounts) is None
    assert network_warning(Path("/mnt/teamwork/p.sqlite"), mounts_file=mounts) is None
