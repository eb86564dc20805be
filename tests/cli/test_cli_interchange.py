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


def _doc_with_two_targets(db: Path, tmp_path: Path, text: str) -> str:
    article = tmp_path / "2024-05-06-wei.txt"
    article.write_text(text, encoding="utf-8")
    invoke("import", str(article), "--db", str(db))
    with Store.open(db) as store:
        doc = store.documents.list()[0]
        stored = store.documents.get(doc.id).text
        session = Session(store, store.ensure_analyst("Ana"))
        target = store.codebook.get().by_name("Target").id
        at = -1
        for sentiment in ("negative", "neutral"):
            at = stored.index("external forces", at + 1)
            annotation, _ = session.create_annotation(
                document_id=doc.id, label_id=target, start=at, end=at + len("external forces")
            )
            session.update_annotation(annotation.id, sentiment=sentiment)
        return doc.id


def test_an_annotation_whose_passage_was_deleted_is_not_silently_put_on_the_same_words_elsewhere(
    tmp_path: Path,
) -> None:
    """Issue 14: the first sentence's "external forces" is edited away. Its annotation may not
    sit silently on the second sentence's, whose own annotation matches it better: it is
    listed under "Needs review" (or not imported at all)."""
    text = (
        "Wei speaks\n"
        "Wei said China opposes external forces in Asia, on Monday.\n"
        "Later Wei repeated that China opposes external forces in Asia and backs Astana.\n"
    )
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    _doc_with_two_targets(source, tmp_path, text)
    exported = tmp_path / "ana.jsonl"
    assert invoke("export", "--format", "jsonl", "-o", str(exported), "--db", str(source))[0] == 0
    edited = text.replace("opposes external forces in Asia, on", "opposes interference in Asia, on")
    invoke(
        "import",
        str(_write(tmp_path / "edited" / "2024-05-06-wei.txt", edited)),
        "--db",
        str(target),
    )
    with Store.open(target) as store:
        onto = store.documents.list()[0].id
    _code, report = invoke("import-annotations", str(exported), "--onto", onto, "--db", str(target))
    with Store.open(target) as store:
        placed = store.annotations.for_document(onto)
        second = store.documents.get(onto).text.index("external forces")
    assert ("neutral", second) in [(a.sentiment, a.start) for a in placed]
    negative = [a for a in placed if a.sentiment == "negative"]
    if negative:  # placed: then listed for review, never silently
        review = report[report.index("Needs review") :].split("Re-anchored")[0]
        assert "external forces" in review and "better-matching annotation" in review
    else:
        assert "Not imported (1)" in report


def test_an_annotation_placed_far_from_where_its_neighbours_moved_is_listed_for_review(
    tmp_path: Path,
) -> None:
    """The lead paragraph is cut; its sentence also stands, with the same context, far below:
    the annotation may go there, but the report says to check it."""
    filler = "".join(
        f"Paragraph {n} about the talks and the weather in the capital.\n" for n in range(30)
    )
    lead = "Officials said the border will reopen next week after the talks.\n"
    text = "Border talks\n" + lead + filler + lead
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    invoke("import", str(_write(tmp_path / "2024-05-07-border.txt", text)), "--db", str(source))
    with Store.open(source) as store:
        doc = store.documents.list()[0]
        stored = store.documents.get(doc.id).text
        session = Session(store, store.ensure_analyst("Ana"))
        claim = store.codebook.get().by_name("Claim").id
        at = stored.index("the border will reopen")
        session.create_annotation(document_id=doc.id, label_id=claim, start=at, end=at + 22)
    exported = tmp_path / "ana.jsonl"
    assert invoke("export", "--format", "jsonl", "-o", str(exported), "--db", str(source))[0] == 0
    cut = _write(tmp_path / "cut" / "2024-05-07-border.txt", "Border talks\n" + filler + lead)
    invoke("import", str(cut), "--db", str(target))
    with Store.open(target) as store:
        onto = store.documents.list()[0].id
    _code, report = invoke("import-annotations", str(exported), "--onto", onto, "--db", str(target))
    assert "Needs review" in report and "the border will reopen" in report
    with Store.open(target) as store:
        (placed,) = store.annotations.for_document(onto)
        assert placed.quote == "the border will reopen"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
