"""`annotator import-annotations` and `annotator report` on the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _tagged_project(db: Path) -> str:
    invoke("import", str(SAMPLE), "--db", str(db))
    with Store.open(db) as store:
        doc = store.documents.list()[0]
        text = store.documents.get(doc.id).text
        session = Session(store, store.ensure_analyst("Ana"))
        claim = store.codebook.get().by_name("Claim").id
        for phrase in ("Bilateral relations", "Wang Yi"):
            start = text.index(phrase)
            session.create_annotation(
                document_id=doc.id, label_id=claim, start=start, end=start + len(phrase)
            )
        return doc.id


def test_exported_jsonl_imports_into_an_empty_project(tmp_path: Path) -> None:
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    _tagged_project(source)
    out = tmp_path / "ana.jsonl"
    code, _ = invoke("export", "--format", "jsonl", "-o", str(out), "--db", str(source))
    assert code == 0
    code, text = invoke("import-annotations", str(out), "--db", str(target))
    assert code == 0, text
    assert "2 added" in text
    code, text = invoke("import-annotations", str(out), "--db", str(target))
    assert code == 0 and "0 added" in text  # the same file twice adds nothing
    _, listing = invoke("list", "--db", str(target))
    assert "1 document(s)" in listing


def test_broken_annotation_file_gets_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "annotation", "id": 3\n', encoding="utf-8")
    code, text = invoke("import-annotations", str(bad), "--db", str(tmp_path / "p.sqlite"))
    assert code == 1 and "bad.jsonl" in text and "Traceback" not in text


def test_report_as_html_and_pdf(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    doc_id = _tagged_project(db)
    code, text = invoke("report", doc_id[:8], "-o", str(tmp_path / "r.html"), "--db", str(db))
    assert code == 0, text
    assert "Bilateral relations" in (tmp_path / "r.html").read_text(encoding="utf-8")
    code, text = invoke(
        "report",
        "Global Times Wei Fenghe Kazakhstan",
        "-o",
        str(tmp_path / "r.pdf"),
        "--db",
        str(db),
    )
    assert code == 0, text
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    code, text = invoke("report", "nope", "-o", str(tmp_path / "r.html"), "--db", str(db))
    assert code == 1 and "matches no document" in text


def test_merge_a_colleagues_project(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.sqlite", tmp_path / "ben.sqlite"
    _tagged_project(theirs)
    invoke("import", str(SAMPLE), "--db", str(ours))
    code, text = invoke("merge", str(theirs), "--db", str(ours))
    assert code == 0, text
    assert "2 added" in text
    code, text = invoke("merge", str(tmp_path / "missing.sqlite"), "--db", str(ours))
    assert code == 1 and "missing.sqlite" in text and "Traceback" not in text


def test_a_file_cut_off_after_good_lines_imports_nothing(tmp_path: Path) -> None:
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    _tagged_project(source)
    out = tmp_path / "ana.jsonl"
    invoke("export", "--format", "jsonl", "-o", str(out), "--db", str(source))
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(lines) + "\n" + lines[-1][:30], encoding="utf-8")  # cut off
    code, text = invoke("import-annotations", str(out), "--db", str(target))
    assert code == 1 and "Traceback" not in text
    assert f"line {len(lines) + 1}" in text and "Nothing was imported" in text
    with Store.open(target) as store:
        assert store.documents.list() == []
        assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
