"""Reading annotation files: format detection, and refusal of anything broken, by file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.interchange import AnnotationFileError, read_annotation_file
from annotator.core.store.documents import text_hash

TEXT = "Wei Fenghe said China firmly opposes external forces. Tokayev agreed."
DOC_ID = "0b6f1a52-39f3-4b4e-9d4c-5b8f0c1e2a01"
ANN_ID = "5e1d3c2b-8a7f-4e6d-9c5b-4a3f2e1d0c01"


def document(**changes: Any) -> dict[str, Any]:
    record = {
        "type": "document",
        "id": DOC_ID,
        "title": "Wei in Nur-Sultan",
        "source": "wei.txt",
        "published": "2022-04-26",
        "imported_at": "2024-05-01T10:00:00.000Z",
        "text_sha256": text_hash(TEXT),
        "text": TEXT,
    }
    return {**record, **changes}


def annotation(**changes: Any) -> dict[str, Any]:
    record = {
        "type": "annotation",
        "id": ANN_ID,
        "document_id": DOC_ID,
        "analyst": "Ana",
        "label": "Claim",
        "label_role": "claim",
        "start": 16,
        "end": 52,
        "quote": TEXT[16:52],
        "prefix": TEXT[:16],
        "suffix": TEXT[52:],
        "sentiment": "negative",
        "speaker_name": None,
        "note": "",
        "created": "2024-05-01T10:01:00.000Z",
        "modified": "2024-05-01T10:02:00.000Z",
        "links": [
            {
                "id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c01",
                "kind": "about",
                "target_id": None,
                "name": "external forces",
                "analyst": "Ana",
                "created": "2024-05-01T10:03:00.000Z",
            }
        ],
    }
    return {**record, **changes}


def write_lines(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(AnnotationFileError) as caught:
        read_annotation_file(path)
    message = str(caught.value)
    assert str(path) in message and "Nothing was imported" in message
    return message


def test_annotator_json_lines_are_read_with_every_field(tmp_path: Path) -> None:
    parsed = read_annotation_file(write_lines(tmp_path / "a.jsonl", document(), annotation()))
    assert parsed.format == "jsonl"
    (doc,) = parsed.documents
    assert (doc.id, doc.text, doc.title, doc.published) == (
        DOC_ID,
        TEXT,
        "Wei in Nur-Sultan",
        "2022-04-26",
    )
    (ann,) = doc.annotations
    assert (ann.id, ann.label, ann.label_role, ann.start, ann.end) == (
        ANN_ID,
        "Claim",
        "claim",
        16,
        52,
    )
    assert (ann.quote, ann.sentiment, ann.analyst) == (TEXT[16:52], "negative", "Ana")
    assert ann.links[0].name == "external forces" and ann.links[0].target_id is None


def test_malformed_json_line_is_named_by_its_number(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", document(), annotation())
    with path.open("a", encoding="utf-8") as out:
        out.write('{"type": "annotation", "id": oops}\n')
    message = refused(path)
    assert "line 3:" in message and "not valid JSON" in message


def test_file_cut_off_in_the_middle_of_a_line_says_so(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", document(), annotation())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    message = refused(path)
    assert "line 2:" in message and "cut off" in message


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (annotation(id="ann-1"), "“id” must be a UUID"),
        (annotation(start=-5), "“start” must be an offset"),
        (annotation(start=True), "“start” must be a whole number"),
        (annotation(start=30, end=20), "“start” (30) must be less than “end” (20)"),
        (annotation(quote="x" * 1_000_001), "“quote” is 1,000,001 characters long"),
        (annotation(analyst="A" * 501), "“analyst” is 501 characters long"),
        (annotation(label="Claim\nTarget"), "“label” contains control characters"),
        (annotation(label=None), "“label” must be a string; it is null"),
        (annotation(created="yesterday"), "“created” is not an ISO 8601 date"),
        (annotation(label_role="villain"), "“label_role” must be one of claim, speaker, target"),
        (annotation(document_id="0b6f1a52-39f3-4b4e-9d4c-5b8f0c1e2a02"), "not the id of the"),
        (
            annotation(
                links=[{"id": ANN_ID, "kind": "loves", "name": "x", "created": "2024-05-01"}]
            ),
            "“kind” must be one of said_by, about",
        ),
        (annotation(links=[{"id": DOC_ID, "kind": "about", "created": "2024"}]), "needs a span"),
        (annotation(links="x"), "line 2, link 1: expected a JSON object"),
        (annotation(type="highlight"), "Unknown line type 'highlight'"),
    ],
)
def test_bad_values_are_refused_naming_line_and_field(
    tmp_path: Path, record: dict[str, Any], problem: str
) -> None:
    message = refused(write_lines(tmp_path / "a.jsonl", document(), record))
    assert "line 2" in message and problem in message


def test_text_that_does_not_match_its_hash_is_refused(tmp_path: Path) -> None:
    message = refused(write_lines(tmp_path / "a.jsonl", document(text=TEXT + "!")))
    assert "line 1" in message and "does not match its “text_sha256”" in message


def test_annotation_before_any_document_and_repeated_ids_are_refused(tmp_path: Path) -> None:
    assert "before any “document”" in refused(write_lines(tmp_path / "a.jsonl", annotation()))
    path = write_lines(tmp_path / "b.jsonl", document(), annotation(), annotation(links=[]))
    assert "line 3" in refused(path) and "appears twice" in refused(path)


def test_json_that_allows_no_doubt_only(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    line = json.dumps(document())
    path.write_text(line[:-1] + ', "title": "Other"}\n', encoding="utf-8")
    assert "appears twice" in refused(path)
    path.write_text(json.dumps(document()) + "\n" + json.dumps(annotation(start=float("nan"))))
    assert "line 2" in refused(path) and "NaN" in refused(path)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "The file is empty."),
        ("\n \n", "The file is empty."),
        ("id,quote\n1,China\n", "not an annotation file"),
        ('{"hello": "world"}\n', "not an annotation file"),
        ("[1, 2, 3]\n", "not an annotation file"),
        (
            '\ufeff{"type": "AnnotationCollection",\n "first": {',
            "line 2: The file is not valid JSON",
        ),
    ],
    ids=["empty", "blank", "csv", "other-json", "array", "cut-collection"],
)
def test_unknown_formats_are_refused(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "notes.json"
    path.write_text(content, encoding="utf-8")
    assert problem in refused(path)


def test_non_utf8_bytes_are_refused_by_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", document())
    path.write_bytes(path.read_bytes() + b'{"type": "annotation", "label": "\xe9"}\n')
    assert "line 2: This line is not UTF-8" in refused(path)


# -- W3C ------------------------------------------------------------------------------------------


def web_annotation(**changes: Any) -> dict[str, Any]:
    record = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{ANN_ID}",
        "type": "Annotation",
        "created": "2024-05-01T10:01:00.000Z",
        "creator": {"type": "Person", "name": "Ana"},
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "Claim"},
            {"type": "TextualBody", "purpose": "classifying", "value": "sentiment:negative"},
            {"type": "TextualBody", "purpose": "linking", "value": "about:external forces"},
            {
                "type": "TextualBody",
                "purpose": "linking",
                "value": "said_by:Wei Fenghe",
                "via": f"urn:uuid:{DOC_ID}",
            },
            {"type": "TextualBody", "purpose": "commenting", "value": "first line\nsecond"},
            {"type": "TextualBody", "purpose": "describing", "value": "ignored"},
        ],
        "target": {
            "source": f"urn:sha256:{text_hash(TEXT)}",
            "selector": [
                {"type": "TextQuoteSelector", "exact": TEXT[16:52], "prefix": TEXT[:16]},
                {"type": "TextPositionSelector", "start": 16, "end": 52},
            ],
        },
    }
    return {**record, **changes}


def collection(*items: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "total": len(items) if total is None else total,
        "first": {"type": "AnnotationPage", "items": list(items)},
    }


def test_w3c_collection_is_read_with_bodies_and_selectors(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(collection(web_annotation()), indent=2), encoding="utf-8")
    parsed = read_annotation_file(path)
    assert parsed.format == "w3c"
    (doc,) = parsed.documents
    assert doc.text_sha256 == text_hash(TEXT) and doc.text is None
    (ann,) = doc.annotations
    assert (ann.id, ann.label, ann.sentiment, ann.analyst) == (ANN_ID, "Claim", "negative", "Ana")
    assert (ann.start, ann.end, ann.quote, ann.prefix, ann.suffix) == (
        16,
        52,
        TEXT[16:52],
        TEXT[:16],
        "",
    )
    assert ann.note == "first line\nsecond"
    assert ann.modified == ann.created  # no "modified": as created
    about, said_by = ann.links
    assert (about.kind, about.name, about.target_id) == ("about", "external forces", None)
    assert (said_by.kind, said_by.name, said_by.target_id) == ("said_by", None, DOC_ID)
    # Link ids are derived from what the link says: the same on every read.
    assert read_annotation_file(path).documents[0].annotations[0].links == ann.links


def test_a_single_pretty_printed_w3c_annotation_is_read(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(web_annotation(), indent=2), encoding="utf-8")
    parsed = read_annotation_file(path)
    assert parsed.format == "w3c" and parsed.documents[0].annotations[0].id == ANN_ID


def test_w3c_json_lines_are_read_line_by_line(tmp_path: Path) -> None:
    second = web_annotation(id="urn:uuid:5e1d3c2b-8a7f-4e6d-9c5b-4a3f2e1d0c02")
    path = write_lines(tmp_path / "a.jsonl", web_annotation(), second)
    parsed = read_annotation_file(path)
    assert parsed.format == "w3c" and parsed.annotation_count == 2
    path = write_lines(tmp_path / "b.jsonl", web_annotation(), second, web_annotation(id="x"))
    assert "line 3: “id” must be urn:uuid:<UUID>" in refused(path)


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        (web_annotation(body=[]), "No “tagging” body"),
        (
            {k: v for k, v in web_annotation().items() if k != "created"},
            "“created” must be a string; it is missing",
        ),
        (web_annotation(target={"source": "http://example.com/a"}), "urn:sha256:"),
        (
            web_annotation(
                body=[
                    {"purpose": "tagging", "value": "Claim"},
                    {"purpose": "linking", "value": "likes:x"},
                ]
            ),
            "item 1, body 2: A “linking” body must read",
        ),
        (
            web_annotation(
                body=[{"purpose": "tagging", "value": "A"}, {"purpose": "tagging", "value": "B"}]
            ),
            "A second “tagging” body",
        ),
        (
            web_annotation(
                target={
                    "source": f"urn:sha256:{text_hash(TEXT)}",
                    "selector": [{"type": "TextPositionSelector", "start": -1, "end": 3}],
                }
            ),
            "selector 1: “start” must be an offset",
        ),
        (web_annotation(type="Note"), "not a Web Annotation"),
    ],
)
def test_bad_w3c_items_are_refused_naming_the_item(
    tmp_path: Path, item: dict[str, Any], problem: str
) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(collection(item), indent=1), encoding="utf-8")
    message = refused(path)
    assert "item 1" in message and problem in message


def test_truncated_w3c_collection_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    text = json.dumps(collection(web_annotation(), web_annotation()), indent=1)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    assert "ends too early" in refused(path)
    # Cut at an item boundary and closed again by hand: the total gives it away.
    path.write_text(json.dumps(collection(web_annotation(), total=2)), encoding="utf-8")
    assert "says it holds 2 annotations but 1" in refused(path)


def test_deeply_nested_first_line_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"type":"document","x":' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(AnnotationFileError, match="nested too deeply"):
        read_annotation_file(path)


def test_lone_surrogates_are_refused_with_a_message(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    doc = {
        "type": "document",
        "id": "3f1c8a52-1d1e-4f57-9f2b-5d6f2a0e8a11",
        "title": "T",
        "source": "x",
        "published": None,
        "imported_at": "2026-01-01T00:00:00.000Z",
        "text_sha256": "0" * 64,
        "text": "bad \ud800 text",
    }
    good.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationFileError, match="surrogate"):
        read_annotation_file(good)


# -- what the source says about itself, and the page map ---------------------------------------

SOURCE = {
    "outlet": "  Xinhua\n News ",
    "author": "Li Wei;\tWang Fang",
    "url": "https://english.news.cn/20220426/abc.htm",
    "language": "en",
}


def test_a_document_line_keeps_its_source_and_page_map_trimmed(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", document(**SOURCE, page_starts=[0, 16, 16, 54]))
    (doc,) = read_annotation_file(path).documents
    assert (doc.outlet, doc.author, doc.url, doc.language) == (
        "Xinhua News",
        "Li Wei; Wang Fang",
        "https://english.news.cn/20220426/abc.htm",
        "en",
    )
    assert doc.page_starts == (0, 16, 16, 54)  # a blank page starts where the next one does


def test_files_without_source_fields_read_as_before(tmp_path: Path) -> None:
    (doc,) = read_annotation_file(write_lines(tmp_path / "a.jsonl", document())).documents
    assert (doc.outlet, doc.author, doc.url, doc.language, doc.page_starts) == ("", "", "", "", ())
    nulls = document(outlet=None, author=None, url=None, language=None, page_starts=None)
    (doc,) = read_annotation_file(write_lines(tmp_path / "b.jsonl", nulls)).documents
    assert (doc.outlet, doc.page_starts) == ("", ())


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"page_starts": [0, 30, 20]}, "ascending order: page 3 starts at 20"),
        ({"page_starts": [0, len(TEXT) + 1]}, "page 2 starts at"),
        ({"page_starts": [0, -1]}, "outside the text"),
        ({"page_starts": [0, "16"]}, "whole numbers"),
        ({"page_starts": [0, 1.5]}, "whole numbers"),
        ({"page_starts": [True]}, "whole numbers"),
        ({"page_starts": "0,16"}, "“page_starts” must be a list"),
        ({"page_starts": {"1": 0}}, "“page_starts” must be a list"),
        ({"outlet": 7}, "“outlet” must be a string"),
        ({"author": "x" * 2_001}, "“author” is 2,001 characters long"),
        ({"url": "https://x.cn/" + "a" * 4_096}, "“url” is"),
        ({"language": "en" * 40}, "“language” is 80 characters long"),
        ({"outlet": "Xin\x00hua"}, "“outlet” contains control characters"),
    ],
)
def test_a_broken_source_field_or_page_map_is_refused(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    message = refused(write_lines(tmp_path / "a.jsonl", document(**changes)))
    assert "line 1:" in message and problem in message


def test_pages_without_the_text_are_checked_against_the_longest_text(tmp_path: Path) -> None:
    bare = {k: v for k, v in document(page_starts=[0, 500]).items() if k != "text"}
    (doc,) = read_annotation_file(write_lines(tmp_path / "a.jsonl", bare)).documents
    assert doc.page_starts == (0, 500) and doc.text is None


def test_a_w3c_target_may_name_the_address_with_the_text_as_a_cached_copy(
    tmp_path: Path,
) -> None:
    target = {
        "source": "https://english.news.cn/20220426/abc.htm",
        "state": {
            "type": "TimeState",
            "cached": f"urn:sha256:{text_hash(TEXT)}",
            "sourceDate": "2024-05-01T10:00:00.000Z",
        },
        "selector": [{"type": "TextQuoteSelector", "exact": TEXT[16:52]}],
    }
    path = write_lines(tmp_path / "a.jsonl", web_annotation(target=target))
    (doc,) = read_annotation_file(path).documents
    assert doc.text_sha256 == text_hash(TEXT)
    assert doc.url == "https://english.news.cn/20220426/abc.htm"
    assert doc.annotations[0].quote == TEXT[16:52]


def test_a_w3c_address_without_the_texts_hash_is_refused(tmp_path: Path) -> None:
    target = {
        "source": "https://english.news.cn/20220426/abc.htm",
        "state": {"type": "TimeState", "sourceDate": "2024-05-01T10:00:00.000Z"},
        "selector": [{"type": "TextQuoteSelector", "exact": TEXT[16:52]}],
    }
    message = refused(write_lines(tmp_path / "a.jsonl", web_annotation(target=target)))
    assert "no TimeState gives the annotated text" in message and "urn:sha256:" in message
