"""`annotator export --format qdpx` and `annotator import-qdpx`: filters, report, exit codes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner, Result
from qdpx_support import NS, content, rich_project, validate, write_qdpx

from annotator.cli import cli
from annotator.core.store import Store


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _project(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        rich_project(store)
    return db_path


def test_export_qdpx_with_a_filter_then_import(db_path: Path, tmp_path: Path) -> None:
    _project(db_path)
    out = tmp_path / "olga.qdpx"
    result = invoke(
        "export", "--format", "qdpx", "--by", "Olga", "-o", str(out), "--db", str(db_path)
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 2 annotations" in result.output
    root = validate(out)
    assert [u.get("name") for u in root.iterfind(".//q:User", NS)] == ["Olga"]
    copy = tmp_path / "copy.annotator"
    result = invoke("import-qdpx", str(out), "--db", str(copy))
    assert result.exit_code == 0, result.output
    assert "Imported 1 document and 2 annotations from olga.qdpx" in result.output
    with Store.open(copy) as store:
        assert [a.name for a in store.analysts()] == ["Olga"]


def test_round_trip_through_the_command_line(db_path: Path, tmp_path: Path) -> None:
    _project(db_path)
    out = tmp_path / "all.qdpx"
    assert invoke("export", "-f", "qdpx", "-o", str(out), "--db", str(db_path)).exit_code == 0
    copy = tmp_path / "copy.annotator"
    assert invoke("import-qdpx", str(out), "--db", str(copy)).exit_code == 0
    with Store.open(db_path) as original, Store.open(copy) as imported:
        assert content(imported) == content(original)


def test_format_options_of_other_formats_are_refused(db_path: Path, tmp_path: Path) -> None:
    _project(db_path)
    result = invoke(
        "export", "-f", "qdpx", "--no-bom", "-o", str(tmp_path / "x.qdpx"), "--db", str(db_path)
    )
    assert result.exit_code == 2
    assert "--no-bom applies to --format csv or claims only" in result.output
    assert not (tmp_path / "x.qdpx").exists()


def test_a_hostile_file_is_refused_without_a_traceback(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "slip.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", "<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>")
        archive.writestr("../../evil.txt", "x")
    result = invoke("import-qdpx", str(bad), "--db", str(db_path))
    assert result.exit_code == 1
    assert "outside the archive" in result.output and "Nothing was imported" in result.output
    assert "Traceback" not in result.output
    with Store.open(db_path) as store:
        assert store.documents.list() == []


def test_exit_status_1_when_a_selection_is_not_imported(db_path: Path, tmp_path: Path) -> None:
    guid = "acd630d1-1dde-4661-ac92-79d8bf18ff86"
    code = "d342cd5e-52d1-4894-a342-7d42ed947797"
    xml = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="x">
      <CodeBook><Codes><Code guid="{code}" name="Topic" isCodable="true"/></Codes></CodeBook>
      <Sources><TextSource guid="{guid}" name="Doc" plainTextPath="internal://{guid}.txt">
        <PlainTextSelection guid="{guid[:-1]}0" startPosition="2" endPosition="99">
          <Coding guid="{guid[:-1]}1"><CodeRef targetGUID="{code}"/></Coding>
        </PlainTextSelection></TextSource></Sources></Project>"""
    path = write_qdpx(tmp_path / "far.qdpx", xml, {f"sources/{guid}.txt": "Hi 😀".encode()})
    result = invoke("import-qdpx", str(path), "--db", str(db_path))
    assert result.exit_code == 1
    assert "positions 2–99 do not fit the text (0–4)" in result.output
