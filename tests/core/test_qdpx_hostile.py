"""Hostile and malformed .qdpx files are refused with a clear message; nothing is stored."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from qdpx_support import project_state, rich_project, write_qdpx

from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.qdpx import QdpxCancelled, QdpxRefused, export_qdpx, import_qdpx
from annotator.core.store import Store

GUID = "acd630d1-1dde-4661-ac92-79d8bf18ff86"
CODE = "d342cd5e-52d1-4894-a342-7d42ed947797"


def _xml(text_path: str = f"internal://{GUID}.txt", doctype: str = "", start: int = 0) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<Project xmlns="urn:QDA-XML:project:1.0" name="x">
  <CodeBook><Codes><Code guid="{CODE}" name="Topic" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{GUID}" name="Doc" plainTextPath="{text_path}">
    <PlainTextSelection guid="{GUID[:-1]}0" startPosition="{start}" endPosition="5">
      <Coding guid="{GUID[:-1]}1"><CodeRef targetGUID="{CODE}"/></Coding>
    </PlainTextSelection>
  </TextSource></Sources>
</Project>"""


def _refused(store: Store, path: Path, match: str) -> None:
    before = project_state(store)
    with pytest.raises(QdpxRefused, match=match) as caught:
        import_qdpx(store, path, analyst_id=None, fallback_analyst="Me")
    assert "Nothing was imported" in str(caught.value)
    assert project_state(store) == before


def test_entity_expansion_is_refused(fresh_store: Store, tmp_path: Path) -> None:
    laughs = (
        '<!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )
    xml = _xml(doctype=laughs).replace('name="Doc"', 'name="&d;"')
    path = write_qdpx(tmp_path / "laughs.qdpx", xml, {f"sources/{GUID}.txt": b"Hello world"})
    _refused(fresh_store, path, "DOCTYPE")


def test_external_entities_are_refused(fresh_store: Store, tmp_path: Path) -> None:
    xxe = '<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    xml = _xml(doctype=xxe).replace('name="Doc"', 'name="&secret;"')
    path = write_qdpx(tmp_path / "xxe.qdpx", xml, {f"sources/{GUID}.txt": b"Hello world"})
    _refused(fresh_store, path, "DOCTYPE")


def test_a_zip_bomb_is_refused(fresh_store: Store, tmp_path: Path) -> None:
    path = write_qdpx(
        tmp_path / "bomb.qdpx", _xml(), {f"sources/{GUID}.txt": b"\0" * (40 * 1024 * 1024)}
    )
    _refused(fresh_store, path, "zip bomb")


def test_a_member_lying_about_its_size_is_refused(fresh_store: Store, tmp_path: Path) -> None:
    """Headers can claim a small size; what comes out is counted."""
    path = write_qdpx(tmp_path / "liar.qdpx", _xml(), {f"sources/{GUID}.txt": b"x" * 400_000})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"sources/{GUID}.txt")
    # Patch the declared size (local header and central directory) down to 1,000 bytes.
    for offset in (
        i for i in range(len(data) - 4) if data[i : i + 4] == info.file_size.to_bytes(4, "little")
    ):
        data[offset : offset + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(fresh_store, path, "zip bomb|cannot be unpacked")


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/evil.txt", "sources/../../x.txt", "C:/x.txt"]
)
def test_member_names_leaving_the_archive_are_refused(
    fresh_store: Store, tmp_path: Path, name: str
) -> None:
    path = write_qdpx(tmp_path / "slip.qdpx", _xml(), {f"sources/{GUID}.txt": b"Hello", name: b"x"})
    _refused(fresh_store, path, "outside the archive")


@pytest.mark.parametrize("text_path", ["internal://../../../etc/passwd", "internal://a/../b.txt"])
def test_source_paths_leaving_the_sources_folder_are_refused(
    fresh_store: Store, tmp_path: Path, text_path: str
) -> None:
    path = write_qdpx(tmp_path / "path.qdpx", _xml(text_path), {f"sources/{GUID}.txt": b"Hi"})
    _refused(fresh_store, path, "leaves the archive's sources folder")


def test_external_sources_are_never_read(fresh_store: Store, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Top secret text", encoding="utf-8")
    path = write_qdpx(tmp_path / "ext.qdpx", _xml(f"absolute://{secret}"))
    report = import_qdpx(fresh_store, path, analyst_id=None, fallback_analyst="Me")
    assert fresh_store.documents.list() == []
    assert "only internal sources are read" in report.summary()


@pytest.mark.parametrize(
    ("xml", "match"),
    [
        (b"<Project name='x'><Sources>", "not well-formed XML"),
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "not a REFI-QDA <Project>"),
    ],
)
def test_malformed_xml_is_refused(
    fresh_store: Store, tmp_path: Path, xml: bytes, match: str
) -> None:
    _refused(fresh_store, write_qdpx(tmp_path / "bad.qdpx", xml), match)


def test_not_a_zip_or_no_project_is_refused(fresh_store: Store, tmp_path: Path) -> None:
    text = tmp_path / "notes.qdpx"
    text.write_text("just text", encoding="utf-8")
    _refused(fresh_store, text, "zip archive")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "nothing")
    _refused(fresh_store, empty, "no project.qde")


def test_positions_outside_the_text_are_listed_not_stored(
    fresh_store: Store, tmp_path: Path
) -> None:
    path = write_qdpx(tmp_path / "far.qdpx", _xml(start=-3), {f"sources/{GUID}.txt": b"Hi!"})
    report = import_qdpx(fresh_store, path, analyst_id=None, fallback_analyst="Me")
    assert not report.complete
    assert "positions -3–5 do not fit the text (0–3)" in report.summary()
    assert fresh_store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_a_failure_while_storing_stores_nothing(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source.annotator"
    with Store.open(source) as other:
        rich_project(other)
        export_qdpx(other, tmp_path / "p.qdpx")
    before = project_state(fresh_store)
    labels = fresh_store.codebook.get()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise ProjectError("The disk is full: this change was not saved.")

    monkeypatch.setattr(fresh_store.comments, "put", disk_full)
    with pytest.raises(AnnotatorError, match="disk is full"):
        import_qdpx(fresh_store, tmp_path / "p.qdpx", analyst_id=None, fallback_analyst="Me")
    assert project_state(fresh_store) == before
    assert fresh_store.codebook.get() == labels  # nothing remembered from the rolled-back run


def test_cancel_stores_nothing(fresh_store: Store, tmp_path: Path) -> None:
    with Store.open(tmp_path / "source.annotator") as other:
        rich_project(other)
        export_qdpx(other, tmp_path / "p.qdpx")
    before = project_state(fresh_store)
    with pytest.raises(QdpxCancelled):
        import_qdpx(
            fresh_store,
            tmp_path / "p.qdpx",
            analyst_id=None,
            fallback_analyst="Me",
            progress=lambda index, total, name: index == 0,
        )
    assert project_state(fresh_store) == before
