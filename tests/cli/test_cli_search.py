"""`annotator search`: documents and annotations, table and JSON, exit codes, bad queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def project(db_path: Path, tmp_path: Path) -> Path:
    chinese = tmp_path / "2024-05-01 中文.txt"
    chinese.write_text("外交部\n\n中华人民共和国外交部发言人表示。", encoding="utf-8")
    code, out = invoke("import", "--db", str(db_path), "-q", str(SAMPLE), str(chinese))
    assert code == 0, out
    with Store.open(db_path) as store:
        doc = next(d for d in store.documents.list() if "Wei" in d.title)
        text = store.documents.text(doc.id)
        session = Session(store, store.ensure_analyst("Ana"))
        codebook = store.codebook.get()
        start = text.index("Wei Fenghe")
        speaker, _ = session.create_annotation(
            document_id=doc.id,
            label_id=codebook.by_name("Speaker").id,
            start=start,
            end=start + len("Wei Fenghe"),
        )
        phrase = "firmly opposes"
        start = text.index(phrase)
        claim, _ = session.create_annotation(
            document_id=doc.id,
            label_id=codebook.by_name("Claim").id,
            start=start,
            end=start + len(phrase),
            sentiment="negative",
            note="strong wording",
        )
        session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    return db_path


def test_help_names_the_options() -> None:
    code, out = invoke("search", "--help")
    assert code == 0
    for option in ("--annotations", "--limit", "--format", "--db", "table|json"):
        assert option in out


def test_documents_table(project: Path) -> None:
    code, out = invoke("search", "--db", str(project), '"Wei Fenghe"')
    assert code == 0, out
    lines = out.splitlines()
    assert "Global Times" in lines[0] and "@" in lines[0]
    assert "Wei Fenghe" in lines[1]
    assert lines[-1] == "1 document(s)"


def test_words_given_as_several_arguments_are_all_required(project: Path) -> None:
    code, out = invoke("search", "--db", str(project), "Wei", "Kazakhstan")
    assert code == 0 and out.splitlines()[-1] == "1 document(s)"
    code, out = invoke("search", "--db", str(project), "Wei", "外交部")
    assert code == 1 and out.splitlines()[-1] == "0 document(s)"


def test_documents_json_has_offsets_into_the_text(project: Path) -> None:
    code, out = invoke("search", "--db", str(project), "--format", "json", "发言人")
    assert code == 0, out
    [hit] = json.loads(out)
    assert hit["title"] == "外交部"
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "发言人"
    with Store.open(project) as store:
        assert store.documents.text(hit["document_id"])[hit["start"] : hit["end"]] == "发言人"


def test_annotations(project: Path) -> None:
    query = ["label:Claim", "sentiment:negative", 'speaker:"Wei Fenghe"']
    code, out = invoke("search", "--db", str(project), "--annotations", *query)
    assert code == 0, out
    assert "Claim · negative · Ana · said by Wei Fenghe" in out
    assert "firmly opposes" in out and "note: strong wording" in out
    assert out.splitlines()[-1] == "1 annotation(s)"
    code, out = invoke("search", "--db", str(project), "-a", "--format", "json", "note:wording")
    [hit] = json.loads(out)
    assert hit["quote"] == "firmly opposes" and hit["speaker"] == "Wei Fenghe"


def test_limit(project: Path) -> None:
    code, out = invoke(
        "search", "--db", str(project), "-a", "--limit", "1", "label:Claim OR label:Speaker"
    )
    assert code == 0 and out.splitlines()[-1] == "1 annotation(s)"


def test_a_malformed_query_is_a_usage_error(project: Path) -> None:
    code, out = invoke("search", "--db", str(project), '"Wei Fenghe')
    assert code == 2
    assert "A quotation mark is not closed" in out and "Traceback" not in out
    code, out = invoke("search", "--db", str(project), "-a", "label:Quote")
    assert code == 2 and "Labels: Claim, Speaker, Target" in out


def test_a_missing_project_is_not_created(tmp_path: Path) -> None:
    absent = tmp_path / "absent.sqlite"
    code, out = invoke("search", "--db", str(absent), "anything")
    assert code == 1 and "no project" in out
    assert not absent.exists()


def test_a_command_line_import_leaves_the_search_index_up_to_date(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    with Store.open(db_path) as store:
        # Nothing left for the first search to index: the import did it.
        assert store.conn.execute("SELECT count(*) FROM search_queue").fetchone()[0] == 0


def queued(db_path: Path) -> int:
    with Store.open(db_path) as store:
        return int(store.conn.execute("SELECT count(*) FROM search_queue").fetchone()[0])


def test_import_then_search_finds_the_text_with_nothing_left_to_index(
    db_path: Path, tmp_path: Path
) -> None:
    article = tmp_path / "Łódź.txt"
    article.write_text("Spotkanie w Łódź.\n\nRozmowy o współpracy trwały dwa dni.", "utf-8")
    code, out = invoke("import", "--db", str(db_path), "-q", str(article))
    assert code == 0, out
    assert queued(db_path) == 0  # the first search has nothing to index
    code, out = invoke("search", "--db", str(db_path), "--format", "json", "wspolpracy")
    assert code == 0, out
    [hit] = json.loads(out)
    assert hit["snippet"][slice(*hit["highlights"][0])] == "współpracy"


def test_import_annotations_leaves_the_annotation_index_current(
    project: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "annotations.jsonl"
    code, out = invoke("export", "-f", "jsonl", "-o", str(exported), "--db", str(project))
    assert code == 0, out
    theirs = tmp_path / "theirs.sqlite"
    code, out = invoke("import", "--db", str(theirs), "-q", str(SAMPLE))
    assert code == 0, out
    code, out = invoke("import-annotations", "--db", str(theirs), "--analyst", "Ben", str(exported))
    assert code == 0, out
    assert queued(theirs) == 0
    code, out = invoke("search", "--db", str(theirs), "-a", "note:wording", 'speaker:"wei fenghe"')
    assert code == 0, out
    assert "firmly opposes" in out and out.splitlines()[-1] == "1 annotation(s)"
