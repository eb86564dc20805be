"""Export to REFI-QDA .qdpx: the schema, positions in code points, filters, atomic writes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from qdpx_support import NS, TEXT, rich_project, validate

from annotator.core.errors import AnnotatorError
from annotator.core.export import ExportFilter
from annotator.core.qdpx import export_qdpx
from annotator.core.store import Store


def _source_text(qdpx: Path, root: etree._Element) -> str:
    path = root.find(".//q:TextSource", NS).get("plainTextPath")
    assert path.startswith("internal://")
    with zipfile.ZipFile(qdpx) as archive:
        return archive.read("sources/" + path[len("internal://") :]).decode("utf-8")


def test_export_validates_against_the_refi_qda_schema(fresh_store: Store, tmp_path: Path) -> None:
    rich_project(fresh_store)
    out = tmp_path / "project.qdpx"
    result = export_qdpx(fresh_store, out)
    assert result.count == 4
    root = validate(out)
    assert {u.get("name") for u in root.iterfind(".//q:User", NS)} == {"Ana", "Olga"}
    assert root.find("q:Links/q:Link", NS).get("name") in ("said_by", "about")


def test_positions_count_code_points_of_the_plain_text(fresh_store: Store, tmp_path: Path) -> None:
    """Emoji before the spans take one position each (not two UTF-16 units, not 4 bytes)."""
    rich_project(fresh_store)
    out = tmp_path / "project.qdpx"
    export_qdpx(fresh_store, out)
    root = validate(out)
    text = _source_text(out, root)
    assert text == TEXT
    quotes = [
        text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in root.iterfind(".//q:PlainTextSelection", NS)
    ]
    assert quotes == ["王毅", "relations are “excellent” 中国外交部", "Kazakhstan", "😀 End"]


def test_sentiment_is_the_label_code_s_child_code(fresh_store: Store, tmp_path: Path) -> None:
    rich_project(fresh_store)
    out = tmp_path / "project.qdpx"
    export_qdpx(fresh_store, out)
    root = validate(out)
    codes = {c.get("guid"): c for c in root.iterfind(".//q:Code", NS)}
    coded = [
        codes[s.find("q:Coding/q:CodeRef", NS).get("targetGUID")]
        for s in root.iterfind(".//q:PlainTextSelection", NS)
    ]
    names = [(c.getparent().get("name"), c.get("name")) for c in coded]
    assert names[1] == ("Claim", "positive")
    assert coded[0].get("name") == "Speaker"  # no sentiment: the label's own code
    sets = {s.get("name"): s for s in root.iterfind(".//q:Set", NS)}
    assert {"Annotator role: claim", "Annotator sentiment"} <= set(sets)


def test_export_takes_the_same_filters_as_the_other_formats(
    fresh_store: Store, tmp_path: Path
) -> None:
    rich_project(fresh_store)
    out = tmp_path / "olga.qdpx"
    result = export_qdpx(fresh_store, out, filter=ExportFilter(analysts=("Olga",)))
    root = validate(out)
    assert result.count == 2
    assert [u.get("name") for u in root.iterfind(".//q:User", NS)] == ["Olga"]
    # Ana's claim is not exported, so neither are its links, note and comment.
    assert root.find("q:Links", NS) is None
    assert root.find("q:Notes", NS) is None


def test_same_project_gives_the_same_bytes(fresh_store: Store, tmp_path: Path) -> None:
    rich_project(fresh_store)
    export_qdpx(fresh_store, tmp_path / "a.qdpx")
    export_qdpx(fresh_store, tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_a_failed_export_leaves_the_earlier_file(fresh_store: Store, tmp_path: Path) -> None:
    rich_project(fresh_store)
    out = tmp_path / "project.qdpx"
    out.write_bytes(b"earlier")
    with pytest.raises(AnnotatorError, match="cancelled"):
        export_qdpx(fresh_store, out, progress=lambda done, total: False)
    assert out.read_bytes() == b"earlier"
    with pytest.raises(AnnotatorError, match="does not exist"):
        export_qdpx(fresh_store, tmp_path / "missing" / "x.qdpx")
