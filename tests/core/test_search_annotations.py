"""Annotation search: free words, label:, analyst:, sentiment:, speaker:, target:, doc:, quote:,
note:, the reviewed layer, and the indexes each query uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from test_search import add, add_from

from annotator.core.errors import ValidationError
from annotator.core.records import REVIEWED_LAYER_ID, AnalystId, Annotation, DocumentId
from annotator.core.search import search_annotations
from annotator.core.search.annotations import annotation_query_sql
from annotator.core.search.query import parse
from annotator.core.search.sources import register
from annotator.core.session import Session
from annotator.core.store import Store

ARTICLE = (
    "Wei Fenghe said China firmly opposes external forces. "
    "Tokayev said Kazakhstan values the partnership. "
    "The minister warned against interference. 王毅表示中方支持哈萨克斯坦。"
)
OTHER = "Lavrov said Moscow welcomed the talks with Astana."


@dataclass
class Project:
    store: Store
    doc: DocumentId
    other: DocumentId
    ana: Session
    ben: Session
    a: dict[str, Annotation]


def span(
    session: Session, doc: DocumentId, label: str, phrase: str, text: str = ARTICLE, **kw: object
) -> Annotation:  # type: ignore[no-untyped-def]
    start = text.index(phrase)
    annotation, _ = session.create_annotation(
        document_id=doc,
        label_id=session.store.codebook.get().by_name(label).id,
        start=start,
        end=start + len(phrase),
        **kw,  # type: ignore[arg-type]
    )
    return annotation


@pytest.fixture
def project(fresh_store: Store) -> Project:
    doc = add(fresh_store, ARTICLE, title="Wei Fenghe visits Kazakhstan")
    other = add(fresh_store, OTHER, title="Lavrov in Astana")
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    ben = Session(fresh_store, fresh_store.ensure_analyst("Ben Olsen"))
    a = {
        "wei": span(ana, doc, "Speaker", "Wei Fenghe"),
        "tokayev": span(ana, doc, "Speaker", "Tokayev", speaker_name="Qasym-Jomart Tokayev"),
        "minister": span(ana, doc, "Speaker", "The minister", speaker_name="Wei Fenghe"),
        "forces": span(
            ana, doc, "Claim", "China firmly opposes external forces", sentiment="negative"
        ),
        "values": span(
            ana, doc, "Claim", "Kazakhstan values the partnership", sentiment="positive",
            note="check the Kazakh original",
        ),
        "warned": span(ben, doc, "Claim", "warned against interference", sentiment="negative"),
        "wangyi": span(ben, doc, "Claim", "中方支持哈萨克斯坦", sentiment="positive"),
        "kazakhstan": span(ana, doc, "Target", "Kazakhstan"),
        "welcomed": span(
            ben, other, "Claim", "Moscow welcomed the talks", OTHER, sentiment="negative"
        ),
    }  # fmt: skip
    ana.set_link(source_id=a["forces"].id, kind="said_by", target_id=a["wei"].id)
    ana.set_link(source_id=a["values"].id, kind="said_by", target_id=a["tokayev"].id)
    ana.set_link(source_id=a["values"].id, kind="about", target_id=a["kazakhstan"].id)
    ben.set_link(source_id=a["warned"].id, kind="said_by", target_id=a["minister"].id)
    ben.set_link(source_id=a["wangyi"].id, kind="said_by", name="王毅")
    ben.set_link(source_id=a["welcomed"].id, kind="said_by", name="Sergey Lavrov")
    ben.set_link(source_id=a["welcomed"].id, kind="about", name="Astana talks")
    return Project(fresh_store, doc, other, ana, ben, a)


def found(project: Project, query: str) -> set[str]:
    ids = {str(hit.annotation_id) for hit in search_annotations(project.store, query)}
    names = {str(a.id): name for name, a in project.a.items()}
    return {names.get(i, i) for i in ids}


def test_all_negative_claims_by_wei_fenghe(project: Project) -> None:
    # By his span (quote "Wei Fenghe") and by a span named "Wei Fenghe" ("The minister").
    query = 'label:Claim sentiment:negative speaker:"Wei Fenghe"'
    assert found(project, query) == {"forces", "warned"}


def test_speaker_by_canonical_name_quote_or_typed_name(project: Project) -> None:
    assert found(project, "speaker:Tokayev") == {"values"}
    assert found(project, "speaker:Qasym-Jomart") == {"values"}  # its canonical name
    assert found(project, "speaker:lavrov") == {"welcomed"}  # typed name
    assert found(project, "speaker:王毅") == {"wangyi"}  # typed, Chinese
    assert found(project, "speaker:Kazakhstan") == set()  # a target is no speaker


def test_target(project: Project) -> None:
    assert found(project, "target:kazakhstan") == {"values"}
    assert found(project, 'target:"astana talks"') == {"welcomed"}


def test_free_words_match_quote_note_and_speaker_name(project: Project) -> None:
    assert found(project, "interference") == {"warned"}
    assert found(project, "kazakh") == {"values"}  # in its note
    assert found(project, "qasym") == {"tokayev"}  # a speaker span's canonical name
    assert found(project, "kazakhstan") == {"values", "kazakhstan"}
    assert found(project, "支持") == {"wangyi"}
    assert found(project, "partner*") == {"values"}


def test_quote_and_note_fields(project: Project) -> None:
    assert found(project, "quote:kazakh") == set()
    assert found(project, "note:kazakh") == {"values"}
    assert found(project, "quote:kazakhstan") == {"values", "kazakhstan"}


def test_label_analyst_sentiment(project: Project) -> None:
    assert found(project, "label:target") == {"kazakhstan"}
    assert found(project, "analyst:ben label:claim") == {"warned", "wangyi", "welcomed"}
    assert found(project, 'analyst:"Ben Olsen" sentiment:positive') == {"wangyi"}
    assert found(project, "label:Speaker sentiment:none") == {"wei", "tokayev", "minister"}
    assert found(project, "label:Claim -sentiment:negative") == {"values", "wangyi"}
    assert found(project, "sentiment:positive OR label:Target") == {
        "values",
        "wangyi",
        "kazakhstan",
    }


def test_doc_by_title_words_or_id(project: Project) -> None:
    assert found(project, "doc:lavrov") == {"welcomed"}
    assert found(project, f"doc:{project.other[:8]} label:Claim") == {"welcomed"}


def test_reviewed_layer_answers_to_analyst_reviewed(project: Project) -> None:
    reviewed = dataclasses.replace(
        project.a["forces"],
        id="r1",
        analyst_id=AnalystId(REVIEWED_LAYER_ID),  # type: ignore[arg-type]
    )
    project.store.annotations.put(reviewed, analyst_id=None)
    [hit] = search_annotations(project.store, "analyst:reviewed")
    assert hit.annotation_id == "r1" and hit.analyst == "reviewed"
    assert "r1" not in found(project, "analyst:ana")


def test_hit_fields(project: Project) -> None:
    [hit] = search_annotations(project.store, "interference")
    assert hit.label == "Claim" and hit.role == "claim" and hit.analyst == "Ben Olsen"
    assert hit.speaker == "Wei Fenghe" and hit.target == ""  # the span's canonical name
    assert hit.document_title == "Wei Fenghe visits Kazakhstan"
    assert ARTICLE[hit.start : hit.end] == hit.quote == "warned against interference"
    [speaker] = search_annotations(project.store, "qasym")
    assert speaker.speaker == "Qasym-Jomart Tokayev" and speaker.role == "speaker"
    [claim] = search_annotations(project.store, "moscow")
    assert claim.speaker == "Sergey Lavrov" and claim.target == "Astana talks"


def test_most_recently_added_first_and_limit(project: Project) -> None:
    latest = span(project.ana, project.doc, "Speaker", "Kazakhstan values")
    project.ana.update_annotation(project.a["wei"].id, note="edited later")  # keeps its place
    hits = search_annotations(project.store, "label:Speaker", limit=2)
    assert [h.annotation_id for h in hits] == [latest.id, project.a["minister"].id]


@pytest.mark.parametrize("max_names", [0, 5_000])
@pytest.mark.parametrize("common_name", [0, 10_000])
def test_common_and_rare_speaker_names_find_the_same_claims(
    project: Project, monkeypatch: pytest.MonkeyPatch, common_name: int, max_names: int
) -> None:
    # How the speaker: condition is written depends on how common the name is, and typed names
    # are matched as names or through the links' index; not the result.
    monkeypatch.setattr("annotator.core.search.annotations.COMMON_NAME", common_name)
    monkeypatch.setattr("annotator.core.search.typed_names.MAX_NAMES", max_names)
    assert found(project, 'label:Claim sentiment:negative speaker:"Wei Fenghe"') == {
        "forces",
        "warned",
    }
    assert found(project, "speaker:lavrov OR target:kazakhstan") == {"welcomed", "values"}
    assert found(project, "speaker:serg* target:astana") == {"welcomed"}
    assert found(project, "speaker:王") == {"wangyi"}
    assert found(project, 'speaker:"lavrov sergey"') == set()
    plan = _plan(project, 'speaker:"Wei Fenghe"')
    driver = "SCAN a" if common_name == 0 else "INDEX sqlite_autoindex_annotations_1 (id=?)"
    assert driver in plan, plan


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("label:Quote", "No label “Quote” in the codebook. Labels: Claim, Speaker, Target."),
        ("analyst:Zoe", "No analyst “Zoe” in this project. Analysts: Ana, Ben Olsen, reviewed."),
        ("sentiment:angry", "Sentiments: positive, negative, neutral, mixed, none."),
        ("colour:red", "Unknown field “colour:”"),
        ("speaker:", "“speaker:” needs a value right after the colon"),
        ("speaker:…", "speaker: needs words to look for"),
    ],
)
def test_bad_values_are_refused_with_the_values_that_exist(
    project: Project, query: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        search_annotations(project.store, query)
    assert message in str(caught.value)


def _plan(project: Project, query: str) -> str:
    sql, params = annotation_query_sql(project.store, parse(query), 200)
    rows = project.store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)
    return "\n".join(row[3] for row in rows)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("interference", [
            "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)",
            "search_annotations VIRTUAL TABLE INDEX 0:M",
        ]),
        ("支持", [
            "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)",
            "search_annotations VIRTUAL TABLE INDEX 0:M",
        ]),
        # A rare name: its links and spans by the indexes, then the claims by id.
        ('speaker:"Wei Fenghe" label:Claim', [
            "INDEX sqlite_autoindex_annotations_1 (id=?)",
            "search_annotations VIRTUAL TABLE INDEX 0:M",
            "SEARCH l USING INDEX links_by_target (target_id=?)",
        ]),
        # A typed name: the links carrying it by their names' index.
        ("speaker:lavrov label:Claim", [
            "INDEX sqlite_autoindex_annotations_1 (id=?)",
            "SEARCH l USING INDEX links_by_name (name=?)",
            "SEARCH l USING INDEX links_by_target (target_id=?)",
        ]),
        ("analyst:Ana", ["INDEX annotations_by_analyst (analyst_id=?)"]),
        ("doc:lavrov", ["INDEX annotations_by_document (document_id=?)"]),
    ],
)  # fmt: skip
def test_annotation_queries_use_indexes(project: Project, query: str, expected: list[str]) -> None:
    plan = _plan(project, query)
    for line in expected:
        assert line in plan, plan
    assert "SCAN a\n" not in plan + "\n" and "SCAN l\n" not in plan + "\n", plan


def test_broad_conditions_walk_the_newest_rows_and_stop_at_the_limit(project: Project) -> None:
    # label: and sentiment: match a large share of all annotations: reading rows newest first
    # (the table's own rowid order, no sort) until LIMIT is reached beats any lookup.
    plan = _plan(project, "label:Claim sentiment:negative")
    assert plan == "SCAN a", plan


# -- outlet:, author:, lang: (the annotation's document) -----------------------------------------


def test_source_fields_filter_by_the_annotations_document(fresh_store: Store) -> None:
    xinhua = add_from(fresh_store, ARTICLE, "Wei", outlet="Xinhua News Agency", language="zh-CN")
    tass = add_from(fresh_store, OTHER, "L", outlet="TASS", author="Ivan Petrov", language="ru")
    ana = Session(fresh_store, fresh_store.ensure_analyst("Ana"))
    claim = span(ana, xinhua, "Claim", "China firmly opposes external forces")
    speaker = span(ana, xinhua, "Speaker", "Wei Fenghe")
    welcomed = span(ana, tass, "Claim", "Moscow welcomed the talks", OTHER)

    def ids(query: str) -> set[str]:
        return {hit.annotation_id for hit in search_annotations(fresh_store, query)}

    assert ids("outlet:xinhua") == {claim.id, speaker.id}
    assert ids("label:Claim outlet:xinhua") == {claim.id}
    assert ids("lang:zh") == {claim.id, speaker.id}
    assert ids("author:petrov") == ids("lang:RU") == ids("outlet:ta*") == {welcomed.id}
    assert ids("label:Claim -lang:zh") == {welcomed.id}
    assert ids("welcomed OR outlet:xinhua") == {welcomed.id, claim.id, speaker.id}
    assert ids("outlet:reuters") == set()


def test_source_fields_are_listed_when_a_field_is_unknown(project: Project) -> None:
    with pytest.raises(ValidationError) as caught:
        search_annotations(project.store, "publisher:xinhua")
    for field in ("outlet:", "author:", "lang:"):
        assert field in str(caught.value)


@pytest.mark.parametrize("query", ["outlet:xinhua", "lang:zh", 'author:"liu xin"'])
def test_source_fields_find_annotations_by_their_documents_index(
    project: Project, query: str
) -> None:
    register(project.store.conn)
    plan = _plan(project, query)
    assert "INDEX annotations_by_document (document_id=?)" in plan, plan
    assert "SCAN a\n" not in plan + "\n", plan
