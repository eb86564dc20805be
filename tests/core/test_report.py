"""The printable report of one document (HTML): highlights, legend, list, everything escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from test_export_csv import PAGED_TEXT, SOURCE, add_sourced
from test_store_annotations import add_document

from annotator.core.errors import ValidationError
from annotator.core.records import REVIEWED_LAYER_ID
from annotator.core.report import render_html, report_content, report_layers
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


class _Elements(HTMLParser):
    """Start tags with their attributes, and the text inside each <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.css = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css += data


def _parsed(store: Store) -> _Elements:
    parser = _Elements()
    parser.feed(render_html(report_content(store, _setup(store))))
    return parser


def _rule(css: str, selector: str) -> str:
    """The declarations of the rule for `selector` ("" if there is none)."""
    for block in css.split("}"):
        head, _, body = block.partition("{")
        if selector in [s.strip() for s in head.split(",")]:
            return " ".join(body.split())
    return ""


def test_quote_and_note_columns_take_most_of_the_width_and_wrap_between_words(
    fresh_store: Store,
) -> None:
    page = _parsed(fresh_store)
    headers = [attrs for tag, attrs in page.elements if tag == "th"]  # one per column, in order
    cols = [attrs for tag, attrs in page.elements if tag == "col"]
    assert len(cols) == len(headers) == 8
    widths = {
        i: float(style.split("width:")[1].strip().rstrip("%;"))
        for i, style in enumerate(c.get("style", "") for c in cols)
        if "width" in style
    }
    # Quote (3rd) and note (8th) have the widths; the narrow columns size to their words.
    assert set(widths) == {2, 7}
    assert widths[2] + widths[7] >= 55
    cells = _rule(page.css, "td")
    assert "overflow-wrap: break-word" in cells  # only a word wider than its column is cut
    assert "break-all" not in page.css and "anywhere" not in page.css


def test_headings_keep_with_the_table_whose_header_row_repeats(fresh_store: Store) -> None:
    page = _parsed(fresh_store)
    tags = [tag for tag, _ in page.elements]
    assert tags.index("h2") < tags.index("thead") < tags.index("th") < tags.index("tbody")
    assert tags.index("tbody") < tags.index("td")
    assert "break-after: avoid" in _rule(page.css, "h2")
    assert "page-break-after: avoid" in _rule(page.css, "h2")
    assert "display: table-header-group" in _rule(page.css, "thead")
    assert "break-inside: avoid" in _rule(page.css, "tr")


def test_legend_swatches_are_filled_with_each_label_colour(fresh_store: Store) -> None:
    page = _parsed(fresh_store)
    swatches = [a["style"] for tag, a in page.elements if a.get("class") == "swatch"]
    colours = [label.color for label in fresh_store.codebook.get().labels]
    assert len(swatches) == len(colours)
    for style, colour in zip(swatches, colours, strict=True):
        assert f"background-color: {colour}" in style  # speakers' and targets' too
    assert "print-color-adjust: exact" in _rule(page.css, "body")  # kept when printed


def test_report_limited_to_layers_named_as_for_export(fresh_store: Store) -> None:
    document = _setup(fresh_store)  # three annotations by "Ana <script>"
    olga = Session(fresh_store, fresh_store.ensure_analyst("Olga"))
    claim = fresh_store.codebook.get().by_name("Claim").id
    start = TEXT.index("Second")
    olga.create_annotation(
        document_id=document.id, label_id=claim, start=start, end=start + len("Second paragraph")
    )
    everyone = report_content(fresh_store, document)
    assert len(everyone.rows) == 4 and everyone.layers == ()
    assert report_layers(fresh_store) is None

    only_olga = report_layers(fresh_store, ["Olga"])
    assert only_olga == {olga.analyst.id}
    content = report_content(fresh_store, document, layers=only_olga)
    assert [(r.number, r.annotation.quote, r.analyst) for r in content.rows] == [
        (1, "Second paragraph", "Olga")
    ]
    assert content.counts == {"Claim": 1} and content.layers == ("Olga",)
    page = render_html(content)
    assert "layers: Olga" in page and "1 annotation ·" in page
    assert "Wei Fenghe</span>" not in page  # Ana's highlights are not drawn either
    both = report_layers(fresh_store, ["Olga"], ["Ana <script>"])
    assert len(report_content(fresh_store, document, layers=both).rows) == 4
    reviewed = report_layers(fresh_store, layers=["reviewed"])
    assert reviewed == {REVIEWED_LAYER_ID}
    assert report_content(fresh_store, document, layers=reviewed).rows == []
    with pytest.raises(ValidationError, match="No analyst called “Bob”.*Olga"):
        report_layers(fresh_store, ["Bob"])


# -- paged sources and what the source says about itself ---------------------------------------


def _cells(page: str) -> list[list[str]]:
    """The list's rows (header first) as the text of their cells."""

    class Table(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    table = Table()
    table.feed(page)
    return table.rows


def test_a_paged_document_cites_the_page_of_each_annotation(fresh_store: Store) -> None:
    doc = add_sourced(fresh_store, **SOURCE)
    session = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    for phrase in ("Page three", "the minister", "the talks"):
        start = PAGED_TEXT.index(phrase)
        session.create_annotation(
            document_id=doc,
            label_id=fresh_store.codebook.get().by_name("Claim").id,
            start=start,
            end=start + len(phrase),
        )
    content = report_content(fresh_store, fresh_store.documents.get(doc))
    assert [row.page for row in content.rows] == [1, 2, 3]
    assert [header for header, _ in content.columns][:3] == ["#", "Page", "Label"]
    rows = _cells(render_html(content))
    assert rows[0][:3] == ["#", "Page", "Label"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        ("1", "1", "the minister"),
        ("2", "2", "the talks"),
        ("3", "3", "Page three"),
    ]
    assert all(len(r) == len(content.columns) for r in rows)


def test_an_unpaged_document_has_no_page_column(fresh_store: Store) -> None:
    document = _setup(fresh_store)
    content = report_content(fresh_store, document)
    assert all(row.page is None for row in content.rows)
    assert "Page" not in [header for header, _ in content.columns]
    assert "<th>Page</th>" not in render_html(content)


def test_the_line_under_the_title_names_outlet_author_and_address(fresh_store: Store) -> None:
    doc = add_sourced(
        fresh_store, outlet="<i>Xinhua</i>", author="Li Wei", url="https://x.cn/a?b=1&c=2"
    )
    content = report_content(fresh_store, fresh_store.documents.get(doc))
    line = content.meta("9.9")
    assert line == (
        "2022-04-26 · <i>Xinhua</i> · Li Wei · https://x.cn/a?b=1&c=2 · 0 annotations · "
        "Annotator 9.9"
    )
    page = render_html(content)
    assert "&lt;i&gt;Xinhua&lt;/i&gt;" in page and "https://x.cn/a?b=1&amp;c=2" in page
    plain = report_content(fresh_store, _setup(fresh_store)).meta("9.9")
    assert plain.split(" · ")[0] == "x.txt"  # no address: the source, as before
