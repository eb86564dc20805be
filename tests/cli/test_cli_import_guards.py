"""`annotator import-annotations` lists what the file was not allowed to change, and says so
in its exit status."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from test_cli_interchange import _tagged_project

from annotator.cli import cli
from annotator.core.store import Store


def test_the_report_lists_what_the_file_may_not_change(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    _tagged_project(db)  # two claims of Ana's
    out = tmp_path / "ben.jsonl"
    runner = CliRunner()
    runner.invoke(cli, ["export", "--format", "jsonl", "-o", str(out), "--db", str(db)])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    claims = [r for r in records if r["type"] == "annotation"]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="milliseconds")
    claims[0].update(analyst="Ben", note="Ben's now", modified=later)
    claims[1].update(note="\x1b]8;;https://evil.example\x07click\x1b]8;;\x07")
    claims[1]["modified"] = "2999-01-01T00:00:00.000Z"
    out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    result = runner.invoke(
        cli, ["import-annotations", str(out), "--db", str(db), "--analyst", "Cleo"]
    )
    assert result.exit_code == 1, result.output
    assert "ben.jsonl gives 1 annotation(s) to another analyst: not applied" in result.output
    assert "Not imported from ben.jsonl (1)" in result.output
    assert "2999-01-01T00:00:00.000Z: in the future" in result.output
    assert "Traceback" not in result.output and "\x1b" not in result.output
    with Store.open(db) as store:
        ana = {a.name: a.id for a in store.analysts()}["Ana"]
        kept = [store.annotations.get(c["id"]) for c in claims]
        assert [(a.analyst_id, a.note) for a in kept] == [(ana, ""), (ana, "")]
