"""One Selection, one set of rules: export, agreement and the command line resolve documents,
layers, labels and dates alike, and refuse alike."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from agreement_project import tag
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.agreement import agreement_report
from annotator.core.errors import ValidationError
from annotator.core.export import ExportFilter, export
from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.importing.report import SourceMeta
from annotator.core.records import DocumentId
from annotator.core.selection import Selection, SelectionError, resolve
from annotator.core.store import Store

TWIN_A = "China firmly opposes external forces, said Wei Fenghe on Monday."
TWIN_B = "Kazakhstan values the partnership with China, Tokayev said on Friday."
SOLO = "Beijing and Astana signed the pipeline agreement, officials said."


@dataclass(frozen=True)
class Twins:
    path: Path
    first: DocumentId  # "Twin", Global Times, 2024-03-01
    second: DocumentId  # "Twin", no outlet, undated
    solo: DocumentId  # "Solo", 2024-05-10


def add(store: Store, text: str, title: str, published: str | None, outlet: str) -> DocumentId:
    report = ImportReport(
        source=f"{title}.txt",
        format="text",
        encoding="utf-8",
        encoding_detected=False,
        repairs=[],
        warnings=[],
    )
    extracted = ExtractedDocument(
        source=Path(f"{title}-{len(text)}.txt"),
        title=title,
        text=text,
        published=published,
        report=report,
        meta=SourceMeta(outlet=outlet, published=published),
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


@pytest.fixture
def twins(db_path: Path) -> Twins:
    """Two documents titled “Twin” and one “Solo”, each coded by Ana and Olga."""
    with Store.open(db_path) as store:
        first = add(store, TWIN_A, "Twin", "2024-03-01", "Global Times")
        second = add(store, TWIN_B, "Twin", None, "")
        solo = add(store, SOLO, "Solo", "2024-05-10", "Xinhua")
        for document, quote in ((first, "China"), (second, "Tokayev"), (solo, "Beijing")):
            tag(store, "Ana", document, "Claim", quote)
            tag(store, "Olga", document, "Claim", quote)
            tag(store, "Olga", document, "Speaker", "said")
    return Twins(db_path, first, second, solo)


def exported_documents(store: Store, path: Path, flt: ExportFilter) -> set[str]:
    export(store, path, "csv", filter=flt, bom=False)
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["document_id"] for row in csv.DictReader(fh)}


def refusal(call: object) -> str:
    assert callable(call)
    with pytest.raises(SelectionError) as caught:
        call()
    return str(caught.value)


def test_a_shared_title_is_refused_alike_by_export_and_agreement(
    twins: Twins, tmp_path: Path
) -> None:
    with Store.open(twins.path) as store:
        by_export = refusal(
            lambda: export(
                store, tmp_path / "x.csv", "csv", filter=ExportFilter(documents=["Twin"])
            )
        )
        by_agreement = refusal(lambda: agreement_report(store, documents=["Twin"]))
    assert by_export == by_agreement
    # The candidates, with what tells them apart, so that the user can give an id.
    assert by_export == (
        "2 documents have the title “Twin”; give the id of the one you mean: "
        f"{twins.first} (Global Times, 2024-03-01); {twins.second} (no outlet, undated)."
    )
    assert not (tmp_path / "x.csv").exists()


def test_the_command_line_refuses_a_shared_title_alike(twins: Twins, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(twins.path)]
    out = ["-o", str(tmp_path / "x.csv")]
    exported = runner.invoke(cli, ["export", "-f", "csv", *out, "--document", "Twin", *db])
    compared = runner.invoke(cli, ["agreement", "--document", "Twin", *db])
    assert exported.exit_code == compared.exit_code == 1
    assert exported.output == compared.output
    assert f"give the id of the one you mean: {twins.first}" in exported.output
    assert "Traceback" not in exported.output


def test_an_id_or_its_prefix_picks_one_of_the_documents_sharing_a_title(
    twins: Twins, tmp_path: Path
) -> None:
    with Store.open(twins.path) as store:
        flt = ExportFilter(documents=[twins.second])
        assert exported_documents(store, tmp_path / "a.csv", flt) == {twins.second}
        flt = ExportFilter(documents=[twins.first[:8]])
        assert exported_documents(store, tmp_path / "b.csv", flt) == {twins.first}
        report = agreement_report(store, documents=[twins.second])
        assert report.documents == 1 and report.group.documents == 1
        # A unique title still works as before.
        solo = resolve(store, Selection(documents=("Solo",))).documents
        assert [d.id for d in solo] == [twins.solo]


def test_publication_dates_pick_documents_for_export_and_agreement(
    twins: Twins, tmp_path: Path
) -> None:
    march = Selection(since=date(2024, 3, 1), until=date(2024, 3, 31), date_field="published")
    with Store.open(twins.path) as store:
        assert exported_documents(store, tmp_path / "m.csv", march) == {twins.first}
        report = agreement_report(store, selection=march)
        assert report.documents == 1 and report.group.documents == 1
        # Undated documents are left out of any range; the bounds are inclusive days.
        may_on = Selection(since=date(2024, 5, 10), date_field="published")
        assert exported_documents(store, tmp_path / "s.csv", may_on) == {twins.solo}
        until_march = Selection(until=date(2024, 3, 1), date_field="published")
        assert exported_documents(store, tmp_path / "u.csv", until_march) == {twins.first}
        # The document, not its annotations, is dated: JSONL writes no empty documents.
        assert not march.narrows_annotations
        # Agreement compares whole documents: annotation dates are refused, not ignored.
        edited = Selection(since=date(2024, 3, 1))
        message = refusal(lambda: agreement_report(store, selection=edited))
        assert message.startswith("Agreement compares whole documents")


def test_publication_dates_from_the_command_line(twins: Twins, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(twins.path)]
    path = tmp_path / "may.csv"
    dates = ["--since", "2024-04-01", "--until", "2024-12-31"]
    exported = runner.invoke(
        cli, ["export", "-f", "csv", "-o", str(path), "--dated", "published", *dates, *db]
    )
    assert exported.exit_code == 0, exported.output
    assert "Wrote 3 annotations" in exported.output
    compared = runner.invoke(cli, ["agreement", "-f", "json", *dates, *db])
    assert compared.exit_code == 0, compared.output
    assert '"documents": 1' in compared.output


def test_an_unknown_label_is_refused_alike_listing_the_codebook(twins: Twins) -> None:
    expected = "No label called “Quote” in this project (there are: Claim, Speaker, Target)."
    with Store.open(twins.path) as store:
        by_export = refusal(lambda: resolve(store, Selection(labels=("Quote",))))
        by_agreement = refusal(lambda: agreement_report(store, labels=["Quote"]))
    assert by_export == by_agreement == expected


def test_unknown_documents_and_analysts_read_the_same_everywhere(twins: Twins) -> None:
    with Store.open(twins.path) as store:
        document = refusal(lambda: agreement_report(store, documents=["Nowhere"]))
        assert document == (
            "No document has the id or title “Nowhere” in this project. "
            "See `annotator list` for both."
        )
        by_export = refusal(lambda: resolve(store, Selection(analysts=("Zoe",))))
        by_agreement = refusal(
            lambda: agreement_report(store, selection=Selection(analysts=("Zoe",)))
        )
        assert by_export == by_agreement
        assert by_export.startswith("No analyst called “Zoe” in this project (there are: Ana")


def test_selection_errors_are_validation_errors(twins: Twins) -> None:
    # Callers that catch ValidationError (the dialogs, the CLI's AnnotatorError) keep working.
    assert issubclass(SelectionError, ValidationError)
    with pytest.raises(SelectionError, match="ends .* before it starts"):
        Selection(since=date(2024, 3, 2), until=date(2024, 3, 1), date_field="published")
