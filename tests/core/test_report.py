"""The printable report of one document (HTML): highlights, legend, list, everything escaped."""

from __future__ import annotations

from html.parser import HTMLParser

from test_store_annotations import add_document

from annotator.core.report import render_html, report_content
from annotator.core.session import Session
from annotator.core.store import Store

TEXT = 'Wei Fenghe said <b>China</b> opposes "color revolutions".\nSecond paragraph 😀 here.'


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _setup(store: Store):  # type: ignore[no-untyped-def]
    doc_id = add_document(store, TEXT)
    session = Session(store, store.ensure_analyst("Ana <script>"))
    codebook = store.codebook.get()

    def tag(phrase: str, label: str, **kw: str):  # type: ignore[no-untyped-def]
        start = TEXT.index(phrase)
        return session.create_annotation(
            document_id=doc_id,
            label_id=codebook.by_name(label).id,
            start=start,
            end=start + len(phrase),
            **kw,
        )[0]

    speaker = tag("Wei Fenghe", "Speaker", speaker_name="Wei Fenghe")
    claim = tag('<b>China</b> opposes "color revolutions"', "Claim", sentiment="negative")
    tag("China", "Target")
    session.set_link(source_id=claim.id, kind="said_by", target_id=speaker.id)
    session.update_annotation(claim.id, note="<img src=x onerror=alert(1)>")
    return store.documents.get(doc_id)


def test_markup_in_text_names_and_notes_is_escaped(fresh_store: Store) -> None:
    document = _setup(fresh_store)
    page = render_html(report_content(fresh_store, document))
    parser = _Collect()
    parser.feed(page)
    assert "b" not in parser.tags and "img" not in parser.tags and "script" not in parser.tags
    text = "".join(parser.text)
    assert "<b>China</b>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "Ana <script>" in text


def test_report_has_legend_counts_numbered_list_and_both_paragraphs(fresh_store: Store) -> None:
    document = _setup(fresh_store)
    content = report_content(fresh_store, document)
    assert content.counts == {"Speaker": 1, "Claim": 1, "Target": 1}
    assert [row.number for row in content.rows] == [1, 2, 3]
    claim = next(row for row in content.rows if row.label.name == "Claim")
    assert claim.speaker == "Wei Fenghe"
    page = render_html(content)
    assert page.count("<p>") == 2  # the article's two lines
    assert "Second paragraph 😀 here." in page
    assert "Claim (1)" in page and "Speaker (1)" in page


def test_nested_spans_are_cut_into_pieces_covering_the_whole_text(fresh_store: Store) -> None:
    document = _setup(fresh_store)
    content = report_content(fresh_store, document)
    start, end = content.paragraphs()[0]
    pieces = content.pieces(start, end)
    assert "".join(text for text, _style, _n in pieces) == TEXT.split("\n")[0]
    china = next(p for p in pieces if p[0] == "China")
    assert china[1] is not None and china[1].underline == "wave"  # target inside the claim
    assert china[1].background is not None and china[1].background[3] > 35  # claim tint
