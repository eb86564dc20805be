"""`annotator export`: each format, the filters, the format options, messages and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.core.session import Session
from annotator.core.store import Store
from support import SAMPLE


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(db_path: Path) -> Path:
    """The sample article with a claim by Ana attributed to a speaker span, a target by Olga."""
    assert invoke("import", str(SAMPLE), "--db", str(db_path), "-q").exit_code == 0
    with Store.open(db_path) as store:
        doc = store.documents.list()[0]
        text = store.documents.text(doc.id)
        labels = {label.name: label.id for label in store.codebook.get().labels}
        ana = Session(store, store.ensure_analyst("Ana"))
        olga = Session(store, store.ensure_analyst("Olga"))
        start = text.index("Wei Fenghe")
        speaker, _ = ana.create_annotation(
            document_id=doc.id, label_id=labels["Speaker"], start=start, end=start + 10
        )
        claim, _ = ana.create_annotation(
            document_id=doc.id, label_id=labels["Claim"], start=0, end=20, note='=1+1, "x"'
        )
        ana.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
        olga.create_annotation(
            document_id=doc.id, label_id=labels["Target"], start=21, end=30, sentiment="negative"
        )
    return db_path


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("csv", "3 annotations"),
        ("claims", "1 claim"),
        ("jsonl", "3 annotations"),
        ("w3c", "3 annotations"),
    ],
)
def test_each_format_writes_its_file_and_says_so(
    project: Path, tmp_path: Path, fmt: str, message: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    result = invoke("export", "--format", fmt, "-o", str(out), "--db", str(project))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {message} to {out}\n"
    data = out.read_bytes()
    if fmt in ("csv", "claims"):
        assert data.startswith(b"\xef\xbb\xbf")
        assert csv_rows(out)[0]["note"] == '\'=1+1, "x"'  # neutralised by default
    elif fmt == "jsonl":
        lines = [json.loads(line) for line in data.decode().splitlines()]
        assert [r["type"] for r in lines] == ["document", "annotation", "annotation", "annotation"]
        assert "text" in lines[0]
    else:
        assert json.loads(data)["type"] == "AnnotationCollection"


def test_by_filters_by_analyst_while_analyst_says_who_is_working(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "a.csv"
    result = invoke(
        "--analyst",
        "Ana",
        "export",
        "-f",
        "csv",
        "-o",
        str(out),
        "--by",
        "Olga",
        "--db",
        str(project),
    )
    assert result.exit_code == 0, result.output
    assert [(r["analyst"], r["label"]) for r in csv_rows(out)] == [("Olga", "Target")]
    both = invoke(
        "export", "-f", "csv", "-o", str(out), "--by", "Olga", "--by", "Ana", "--db", str(project)
    )
    assert "Wrote 3 annotations" in both.stdout


def test_label_document_and_date_filters(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    args = ("export", "-f", "csv", "-o", str(out), "--db", str(project))
    assert "Wrote 2 annotations" in invoke(*args, "--label", "Claim", "--label", "Speaker").stdout
    with Store.open(project) as store:
        title = store.documents.list()[0].title
    assert "Wrote 3 annotations" in invoke(*args, "--document", title).stdout
    assert "Wrote 3 annotations" in invoke(*args, "--since", "2000-01-01").stdout
    assert "Wrote 0 annotations" in invoke(*args, "--until", "2000-01-01").stdout
    dated = invoke(*args, "--until", "2000-01-01", "--dated", "created")
    assert "Wrote 0 annotations" in dated.stdout


def test_raw_no_bom_no_text_and_jsonl_lines(project: Path, tmp_path: Path) -> None:
    db = ("--db", str(project))
    raw = tmp_path / "raw.csv"
    assert invoke("export", "-f", "claims", "-o", str(raw), "--raw", "--no-bom", *db).exit_code == 0
    assert raw.read_bytes().startswith(b"claim_id,")
    assert csv_rows(raw)[0]["note"] == '=1+1, "x"'
    bare = tmp_path / "bare.jsonl"
    assert invoke("export", "-f", "jsonl", "-o", str(bare), "--no-text", *db).exit_code == 0
    first = json.loads(bare.read_text(encoding="utf-8").splitlines()[0])
    assert first["type"] == "document" and "text" not in first
    lines = tmp_path / "w3c.jsonl"
    assert invoke("export", "-f", "w3c", "-o", str(lines), "--jsonl-lines", *db).exit_code == 0
    items = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert [item["type"] for item in items] == ["Annotation"] * 3


@pytest.mark.parametrize(
    ("option", "fmt", "needs"),
    [
        ("--raw", "jsonl", "csv or claims"),
        ("--no-bom", "w3c", "csv or claims"),
        ("--no-text", "csv", "jsonl"),
        ("--jsonl-lines", "jsonl", "w3c"),
    ],
)
def test_an_option_that_does_not_fit_the_format_is_refused(
    project: Path, tmp_path: Path, option: str, fmt: str, needs: str
) -> None:
    out = tmp_path / "x"
    result = invoke("export", "-f", fmt, "-o", str(out), option, "--db", str(project))
    assert result.exit_code == 2
    assert f"{option} applies to --format {needs} only." in result.output
    assert not out.exists()


def test_unknown_names_and_bad_dates_exit_nonzero_with_a_message(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "a.csv"
    args = ("export", "-f", "csv", "-o", str(out), "--db", str(project))
    result = invoke(*args, "--by", "Bob")
    assert result.exit_code == 1
    assert "No analyst called “Bob” in this project (there are: Ana, Olga" in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert invoke(*args, "--label", "Quote").exit_code == 1
    bad = invoke(*args, "--since", "26/04/2022")
    assert bad.exit_code == 2 and "26/04/2022" in bad.output
    backwards = invoke(*args, "--since", "2024-03-02", "--until", "2024-03-01")
    assert backwards.exit_code == 1 and "ends (2024-03-01) before it starts" in backwards.output


def test_write_errors_and_missing_projects_exit_1(project: Path, tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere" / "a.csv"
    result = invoke("export", "-f", "csv", "-o", str(nowhere), "--db", str(project))
    assert result.exit_code == 1 and "does not exist" in result.output
    missing = tmp_path / "missing.sqlite"
    result = invoke("export", "-f", "csv", "-o", str(tmp_path / "a.csv"), "--db", str(missing))
    assert result.exit_code == 1 and "There is no project" in result.output
    assert not missing.exists()  # exporting never creates a project


def test_help_explains_by_and_raw() -> None:
    result = invoke("export", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "--by ANALYST" in text and "--analyst names who is working" in text
    assert "for data pipelines" in text and "never run it as a formula" in text
    for option in ("--no-bom", "--no-text", "--jsonl-lines", "--since", "--until", "--db"):
        assert option in text


def test_no_progress_line_when_stderr_is_not_a_terminal(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    result = invoke("export", "-f", "csv", "-o", str(out), "--db", str(project))
    assert result.exit_code == 0
    assert result.stderr == ""  # no bare "Exporting"
    assert result.output == f"Wrote 3 annotations to {out}\n"
    failed = invoke("export", "-f", "csv", "-o", str(out), "--by", "Bob", "--db", str(project))
    assert failed.stderr.startswith("Error: No analyst called “Bob”")  # the message alone


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_ends_with_what_was_done() -> None:
    from annotator.cli.progress import terminal_progress

    terminal = _Terminal()
    with terminal_progress("Exporting", "Exported", "document", "documents", terminal) as step:
        for done in range(1, 4):
            assert step(done, 3) is True
    shown = terminal.getvalue()
    assert "Exporting: document 2 of 3" in shown
    assert shown.endswith("\r\x1b[KExported 3 documents.\n")

    terminal = _Terminal()
    with (
        pytest.raises(RuntimeError),
        terminal_progress("Exporting", "Exported", "document", "documents", terminal) as step,
    ):
        step(1, 3)
        raise RuntimeError("disk full")
    assert terminal.getvalue().endswith("\r\x1b[KStopped after 1 of 3 documents.\n")

    for stream, total in ((_Terminal(), 1), (io.StringIO(), 3)):  # one step; not a terminal
        with terminal_progress("Exporting", "Exported", "document", "documents", stream) as step:
            for done in range(1, total + 1):
                step(done, total)
        assert stream.getvalue() == ""


def test_export_progress_on_a_terminal_is_redrawn_and_says_what_was_done(
    project: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another article\nWith its text.\n", encoding="utf-8")
    assert invoke("import", str(other), "--db", str(project), "-q").exit_code == 0
    leader, follower = pty.openpty()
    out = tmp_path / "a.csv"
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "export", "-f", "csv", "-o", str(out)]
        + ["--db", str(project)],
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=60,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0 and done.stdout.decode() == f"Wrote 3 annotations to {out}\n"
    shown = seen.decode()
    assert "Exporting: document 1 of 2" in shown
    assert shown.rstrip().endswith("Exported 2 documents.")
