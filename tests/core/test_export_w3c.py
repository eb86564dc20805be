"""W3C Web Annotation export: every annotation passes every "must" assertion of the W3C
conformance suite (vendored in tests/w3c), and says what Annotator means by it."""

from __future__ import annotations

import copy
import hashlib
import json
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4
from test_export_csv import PAGED_TEXT, add_sourced
from test_export_scope import TEXT_A, Project, build_project
from test_store_annotations import tag

from annotator import __version__
from annotator.core.export import ExportFilter, export_w3c
from annotator.core.session import Session
from annotator.core.store import Store

W3C = Path(__file__).resolve().parent.parent / "w3c"
ANNOTATION_MUSTS = "annotations/annotationMusts.test"
COLLECTION_MUSTS = "collections/collectionMusts.test"
PAGE_MUSTS = "collections/pages/pageMusts.test"


@cache  # the registry is immutable: without this, each validation re-reads the files
def _retrieve(uri: str) -> Resource[Any]:
    # Assertions $ref definitions by bare file name ("bodyTarget.json#/definitions/..."),
    # relative to their own relative ids: all of them live in tests/w3c/definitions.
    path = W3C / "definitions" / uri
    if not path.is_file():
        raise NoSuchResource(ref=uri)
    return DRAFT4.create_resource(json.loads(path.read_text(encoding="utf-8")))


REGISTRY: Registry[Any] = Registry(retrieve=_retrieve)


@cache
def assertions(test_file: str) -> list[dict[str, Any]]:
    """The assertion schemas a W3C .test file lists, in its order."""
    listed = json.loads((W3C / test_file).read_text(encoding="utf-8"))["assertions"]
    schemas = []
    for entry in listed:
        # The W3C runner also accepts nested groups ({"assertions": [...], "compareWith": ...});
        # these files list plain paths, and a group would need its own semantics here.
        assert isinstance(entry, str), f"{test_file}: assertion groups are not supported"
        schemas.append(json.loads((W3C / entry).read_text(encoding="utf-8")))
    return schemas


def failures(instance: Any, test_file: str) -> list[str]:
    """Each assertion of the .test file that the instance does not meet."""
    return unmet(instance, assertions(test_file))


def unmet(instance: Any, schemas: list[dict[str, Any]]) -> list[str]:
    """The assertions not met, as the W3C runner judges them: one whose expectedResult is
    "invalid" is met when the instance does NOT match its schema."""
    failed = []
    for schema in schemas:
        validator = Draft4Validator(
            schema, registry=REGISTRY, format_checker=Draft4Validator.FORMAT_CHECKER
        )
        matches = validator.is_valid(instance)
        expected = schema.get("expectedResult", "valid")
        assert expected in ("valid", "invalid"), f"{schema['id']}: unknown {expected!r}"
        if matches != (expected == "valid"):
            failed.append(f"{schema['id']} ({schema['assertionType']}): {schema['errorMessage']}")
    return failed


def check(instance: Any, test_file: str, what: str) -> None:
    problems = failures(instance, test_file)
    if problems:
        pytest.fail(f"{what} fails {test_file}:\n  " + "\n  ".join(problems), pytrace=False)


def samples(kind: str) -> list[Path]:
    return sorted((W3C / "samples" / kind).glob("*.json"))


# -- the harness itself -----------------------------------------------------------------------


def test_the_harness_checks_uri_and_date_time_formats() -> None:
    # Without these checkers jsonschema skips "format", and many assertions would pass anything.
    assert {"uri", "date-time"} <= set(Draft4Validator.FORMAT_CHECKER.checkers)
    assert len(assertions(ANNOTATION_MUSTS)) == 54
    assert all(a["assertionType"] == "must" for a in assertions(ANNOTATION_MUSTS))


@pytest.mark.parametrize("sample", samples("correct"), ids=lambda p: p.name)
def test_the_harness_passes_the_suites_correct_samples(sample: Path) -> None:
    check(json.loads(sample.read_text(encoding="utf-8")), ANNOTATION_MUSTS, sample.name)


@pytest.mark.parametrize("sample", samples("incorrect"), ids=lambda p: p.name)
def test_the_harness_catches_the_suites_incorrect_samples(sample: Path) -> None:
    assert failures(json.loads(sample.read_text(encoding="utf-8")), ANNOTATION_MUSTS)


def test_an_invalid_expected_result_inverts_the_verdict() -> None:
    context = assertions(ANNOTATION_MUSTS)[0]
    assert context["id"] == "3.1-annotationContextValidated.json"
    inverted = context | {"expectedResult": "invalid"}
    good, bad = {"@context": "http://www.w3.org/ns/anno.jsonld"}, {"@context": "elsewhere"}
    assert unmet(good, [context]) == [] and unmet(bad, [context]) != []
    assert unmet(good, [inverted]) == [f"{context['id']} (must): {context['errorMessage']}"]
    assert unmet(bad, [inverted]) == []


# -- Annotator's export -----------------------------------------------------------------------


@pytest.fixture
def project(fresh_store: Store) -> Project:
    return build_project(fresh_store)


def collection(project: Project, path: Path, **kw: Any) -> dict[str, Any]:
    export_w3c(project.store, path, **kw)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_every_exported_annotation_passes_every_must_assertion(
    project: Project, tmp_path: Path
) -> None:
    items = collection(project, tmp_path / "a.json")["first"]["items"]
    export_w3c(project.store, tmp_path / "a.jsonl", lines=True)
    lines = tmp_path.joinpath("a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == items
    for item in items:
        check(item, ANNOTATION_MUSTS, item["id"])
    # The set is varied enough to mean something: every label, each kind of body, scripts.
    bodies = [body for item in items for body in item["body"]]
    values = {(b["purpose"], b["value"]) for b in bodies}
    assert {("tagging", "Claim"), ("tagging", "Speaker"), ("tagging", "Target")} <= values
    assert {"classifying", "commenting", "identifying", "linking"} <= {p for p, _ in values}
    assert any("via" in b for b in bodies) and any(
        b["purpose"] == "linking" and "via" not in b for b in bodies
    )
    assert any(not any(b["purpose"] == "classifying" for b in i["body"]) for i in items)
    quotes = "".join(i["target"]["selector"][0]["exact"] for i in items)
    for needle in ("🇰🇿", "中国", "الصين", "<script>", "\n", '"'):
        assert needle in quotes


@pytest.mark.parametrize("filtered", [False, True])
def test_the_collection_and_its_page_pass_their_must_assertions(
    project: Project, tmp_path: Path, filtered: bool
) -> None:
    # Filtered to nothing, the collection is empty and still conformant.
    flt = ExportFilter(labels=("Target",), analysts=("李雷",)) if filtered else ExportFilter()
    whole = collection(project, tmp_path / "a.json", filter=flt)
    check(whole, COLLECTION_MUSTS, "the collection")
    check(whole, PAGE_MUSTS, "the collection's page")
    assert whole["type"] == "AnnotationCollection" and whole["first"]["type"] == "AnnotationPage"
    assert whole["total"] == len(whole["first"]["items"]) == (0 if filtered else len(project.spans))


def test_a_body_with_a_source_would_fail_the_suite(project: Project, tmp_path: Path) -> None:
    # Why links use "via": the suite refuses `source` (and `id`) on a TextualBody.
    item = collection(project, tmp_path / "a.json")["first"]["items"][0]
    link = next(b for b in item["body"] if "via" in b)
    for key in ("source", "id"):
        broken = copy.deepcopy(item)
        body = next(b for b in broken["body"] if b == link)
        body[key] = body.pop("via")
        assert failures(broken, ANNOTATION_MUSTS)


def test_a_claim_as_web_annotation(project: Project, tmp_path: Path) -> None:
    items = collection(project, tmp_path / "a.json")["first"]["items"]
    s = project.spans
    claim = next(i for i in items if i["id"] == f"urn:uuid:{s['claim'].id}")
    stored = project.store.annotations.get(s["claim"].id)
    text = {"type": "TextualBody", "format": "text/plain"}
    assert claim == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{stored.id}",
        "type": "Annotation",
        "motivation": "tagging",
        "created": "2024-02-01T08:00:00.000Z",
        "modified": "2024-03-01T12:00:00.000Z",
        "creator": {"id": "urn:annotator:analyst:Ana", "type": "Person", "name": "Ana"},
        "generator": {
            "id": "urn:annotator:software:annotator",
            "type": "Software",
            "name": f"Annotator {__version__}",
        },
        "body": [
            text | {"purpose": "tagging", "value": "Claim"},
            text | {"purpose": "classifying", "value": "sentiment:negative"},
            text
            | {
                "purpose": "linking",
                "value": "about:external forces",
                "via": f"urn:uuid:{s['forces'].id}",
            },
            text
            | {
                "purpose": "linking",
                "value": "said_by:Minister Wei Fenghe",
                "via": f"urn:uuid:{s['wei'].id}",
            },
            text | {"purpose": "commenting", "value": 'Core, "verbatim";\nline 2'},
        ],
        "target": {
            "type": "SpecificResource",
            "source": "urn:sha256:" + hashlib.sha256(TEXT_A.encode("utf-8")).hexdigest(),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": stored.quote,
                    "prefix": stored.prefix,
                    "suffix": stored.suffix,
                },
                {"type": "TextPositionSelector", "start": stored.start, "end": stored.end},
            ],
        },
    }


def test_speaker_names_typed_links_and_creators(project: Project, tmp_path: Path) -> None:
    items = {i["id"]: i for i in collection(project, tmp_path / "a.json")["first"]["items"]}
    s = project.spans
    wei = items[f"urn:uuid:{s['wei'].id}"]
    named = {"purpose": "identifying", "value": "Minister Wei Fenghe"}
    assert {"type": "TextualBody", "format": "text/plain"} | named in wei["body"]
    at = items[f"urn:uuid:{s['at'].id}"]
    typed = [b for b in at["body"] if b["purpose"] == "linking"]
    assert typed == [
        {
            "type": "TextualBody",
            "format": "text/plain",
            "purpose": "linking",
            "value": 'said_by:Anonymous, "a source"',
        }
    ]
    creator = items[f"urn:uuid:{s['cjk'].id}"]["creator"]
    assert creator["id"] == "urn:annotator:analyst:%E6%9D%8E%E9%9B%B7"  # 李雷, percent-encoded
    assert (creator["type"], creator["name"]) == ("Person", "李雷")
    assert items[f"urn:uuid:{s['arabic'].id}"]["creator"]["id"].endswith(":Olga%20Petrova")


def test_positions_count_code_points_not_utf16_units(project: Project, tmp_path: Path) -> None:
    items = {i["id"]: i for i in collection(project, tmp_path / "a.json")["first"]["items"]}
    emoji = project.spans["emoji"]
    quote_selector, position = items[f"urn:uuid:{emoji.id}"]["target"]["selector"]
    assert TEXT_A[position["start"] : position["end"]] == quote_selector["exact"] == emoji.quote
    assert "🇰🇿" in quote_selector["exact"]
    utf16_start = len(TEXT_A[: emoji.start].encode("utf-16-le")) // 2
    assert utf16_start == position["start"]  # nothing astral before it in the text...
    later = project.spans["markup"]  # ... but after the flag, code points and UTF-16 differ
    later_position = items[f"urn:uuid:{later.id}"]["target"]["selector"][1]
    assert later_position["start"] == TEXT_A.index("<b>")
    assert len(TEXT_A[: later.start].encode("utf-16-le")) // 2 != later_position["start"]


def test_the_collection_id_is_stable_and_differs_by_filter(
    project: Project, tmp_path: Path
) -> None:
    first = collection(project, tmp_path / "1.json")
    again = collection(project, tmp_path / "2.json")
    narrow = collection(project, tmp_path / "3.json", filter=ExportFilter(labels=("Claim",)))
    assert first["id"] == again["id"] != narrow["id"]
    assert first["id"].startswith("urn:uuid:") and first["first"]["id"] != first["id"]
    assert narrow["label"] == "Annotator export (labels: Claim)"


def _sourced_items(store: Store, tmp_path: Path, url: str) -> list[dict[str, Any]]:
    doc = add_sourced(store, url=url, outlet="Xinhua", pages=False)
    session = Session(store, store.ensure_analyst("Ana"))
    tag(session, doc, "Claim", 0, 8)
    path = tmp_path / "s.json"
    export_w3c(store, path)
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["first"]["items"]
    return items


def test_the_target_is_the_documents_address_with_its_text_as_a_cached_copy(
    fresh_store: Store, tmp_path: Path
) -> None:
    url = "https://english.news.cn/20220426/abc.htm?id=7&lang=en#top"
    (item,) = _sourced_items(fresh_store, tmp_path, url)
    check(item, ANNOTATION_MUSTS, "an annotation of a page with an address")
    target = item["target"]
    digest = hashlib.sha256(PAGED_TEXT.encode("utf-8")).hexdigest()
    imported = fresh_store.documents.list()[0].imported_at
    assert target["source"] == url
    assert target["state"] == {
        "type": "TimeState",
        "cached": f"urn:sha256:{digest}",
        "sourceDate": imported,
    }
    assert [s["type"] for s in target["selector"]] == ["TextQuoteSelector", "TextPositionSelector"]


def test_an_address_with_spaces_or_non_ascii_is_percent_encoded(
    fresh_store: Store, tmp_path: Path
) -> None:
    url = "https://zh.example.cn/新闻/2022/稿件 1.html?q=颜色革命"
    (item,) = _sourced_items(fresh_store, tmp_path, url)
    check(item, ANNOTATION_MUSTS, "an annotation of a page with a non-ASCII address")
    source = item["target"]["source"]
    assert source.isascii() and " " not in source
    assert source.startswith("https://zh.example.cn/%E6%96%B0%E9%97%BB/2022/")
    assert urllib.parse.unquote(source) == url


@pytest.mark.parametrize("url", ["", "statement.pdf", "ftp://x.cn/a", "https://x.cn/50%off"])
def test_without_a_web_address_the_target_is_the_texts_hash(
    fresh_store: Store, tmp_path: Path, url: str
) -> None:
    (item,) = _sourced_items(fresh_store, tmp_path, url)
    check(item, ANNOTATION_MUSTS, "an annotation of a text without an address")
    digest = hashlib.sha256(PAGED_TEXT.encode("utf-8")).hexdigest()
    assert item["target"]["source"] == f"urn:sha256:{digest}" and "state" not in item["target"]
