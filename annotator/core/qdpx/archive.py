"""Reading a .qdpx safely: a zip from anywhere, so its names, sizes and XML are distrusted.

Refused as a whole (`QdpxRefused`, nothing read further): a file that is not a zip; a member
name that is absolute or climbs out of the archive (`..`); more members or more bytes than the
limits; a member that inflates more than `MAX_RATIO` times (a zip bomb) or past what its header
declared; XML with a DOCTYPE (entity expansion, external entities) or that does not parse.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from annotator.core.errors import ImportRefused
from annotator.core.qdpx.model import PROJECT_MEMBER, SOURCES_FOLDER

MAX_MEMBERS = 20_000
#: One member (project.qde or a source text), and all members read together.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: Inflation allowed beyond the first MiB of a member: text rarely compresses 20:1.
MAX_RATIO = 100
_SMALL = 1024 * 1024
_CHUNK = 1 << 16
_DOCTYPE = (
    "its project.qde declares a DOCTYPE; REFI-QDA files have none, and entity declarations "
    "can expand without end or read other files."
)
_DRIVE = re.compile(r"^[A-Za-z]:")


class QdpxRefused(ImportRefused):
    """The .qdpx cannot be imported; nothing was stored."""


def unsafe_name(name: str) -> bool:
    """True for a member name that is absolute or leaves the archive's folder."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return any(part == ".." for part in re.split(r"[\\/]", name))


class QdpxArchive:
    """An opened .qdpx whose member names were checked; members are read within limits."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise self.refused("the file does not exist.") from None
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise self.refused(
                f"it is not a REFI-QDA project exchange file (.qdpx is a zip archive): {exc}."
            ) from None
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self.refused(f"it holds {len(infos):,} files, more than {MAX_MEMBERS:,}.")
        for info in infos:
            if unsafe_name(info.filename):
                raise self.refused(
                    f"it names a file outside the archive (“{info.filename}”); such a file "
                    "could overwrite or read files elsewhere."
                )
        self._members = {info.filename: info for info in infos if not info.is_dir()}
        self._folded = {name.casefold(): name for name in self._members}
        self._read_total = 0

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> QdpxArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refused(self, reason: str) -> QdpxRefused:
        return QdpxRefused(self.path, f"{reason} Nothing was imported.")

    def project_xml(self) -> etree._Element:
        """The root of project.qde, parsed safely (see `parse_xml`)."""
        name = self._find(PROJECT_MEMBER)
        if name is None:
            raise self.refused("it holds no project.qde, so it is not a REFI-QDA project.")
        return parse_xml(self.read(name), self)

    def internal(self, file_name: str) -> bytes | None:
        """The bytes of sources/`file_name`, None if the archive has no such file."""
        name = self._find(SOURCES_FOLDER + file_name) or self._find(file_name)
        return None if name is None else self.read(name)

    def _find(self, name: str) -> str | None:
        if name in self._members:
            return name
        return self._folded.get(name.casefold())

    def read(self, name: str) -> bytes:
        """A member's bytes, stopped as soon as it grows past a limit."""
        info = self._members[name]
        limit = min(info.file_size, MAX_MEMBER_BYTES)
        if info.file_size > MAX_MEMBER_BYTES:
            raise self.refused(
                f"“{name}” unpacks to {info.file_size:,} bytes, more than the "
                f"{MAX_MEMBER_BYTES:,} allowed."
            )
        ratio_limit = max(_SMALL, info.compress_size * MAX_RATIO)
        if info.file_size > ratio_limit:
            raise self.refused(f"“{name}” inflates far beyond its packed size (a zip bomb).")
        parts: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    # Headers can lie: what actually comes out is counted too.
                    if size > limit or size > ratio_limit:
                        raise self.refused(
                            f"“{name}” inflates beyond what its header declares (a zip bomb)."
                        )
                    parts.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise self.refused(f"“{name}” cannot be unpacked ({exc}).") from None
        self._read_total += size
        if self._read_total > MAX_TOTAL_BYTES:
            raise self.refused(f"its files unpack to more than {MAX_TOTAL_BYTES:,} bytes.")
        return b"".join(parts)


def parse_xml(data: bytes, archive: QdpxArchive) -> etree._Element:
    """project.qde as a tree: no DTD, no entities, no network, no huge-tree mode."""
    # Said before parsing, whatever libxml2 would make of the entities: the same message for
    # expansion bombs and external entities (the check after parsing catches other encodings).
    if b"<!DOCTYPE" in data[:_CHUNK]:
        raise archive.refused(_DOCTYPE)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise archive.refused(f"its project.qde is not well-formed XML ({exc}).") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise archive.refused(_DOCTYPE)
    if etree.QName(root).localname != "Project":
        raise archive.refused(
            f"its project.qde holds a <{etree.QName(root).localname}>, not a REFI-QDA <Project>."
        )
    return root


def member_name(path: str) -> str | None:
    """The file name that an `internal://NAME` path points to; None if it is not a plain name
    (a path with folders or `..` could leave the sources folder)."""
    name = PurePosixPath(path).name
    if not name or name != path or unsafe_name(path) or "\\" in path:
        return None
    return name
