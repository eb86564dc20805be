"""The generated corpus for benchmarks/workspace.py: a realistic 1 MB article (seeded, so
every run measures the same text) and projects holding it with planned annotations."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from annotator.core.importing import ExtractedDocument, ImportReport
from annotator.core.records import Analyst, AnnotationId, DocumentId
from annotator.core.session import Session
from annotator.core.store import Store

LABEL_NAMES = ("Claim", "Speaker", "Target")
#: Span length in words per label, for the generated annotations and the timed additions.
SPAN_WORDS = {"Claim": (6, 40), "Speaker": (1, 3), "Target": (1, 4)}

# -- text ----------------------------------------------------------------------------------


def _vocabulary(words: str) -> tuple[str, ...]:
    return tuple(words.split())


FUNCTION_WORDS = _vocabulary(
    "the of and to in a that is for on with as was by at from it its be has have are this "
    "which said will not but an or their they were had been also more would about than "
    "after over into its who there such these those between under while against during "
    "other all new some most only may can could should must both each since before"
)

CONTENT_WORDS = _vocabulary(
    "government minister ministry defence cooperation security region regional partnership "
    "military exercise exercises agreement agreements talks visit official officials state "
    "states country countries nation national international president foreign policy "
    "relations economic economy trade investment investments energy pipeline oil gas "
    "market markets growth development infrastructure railway corridor border borders "
    "stability peace conflict crisis sanctions pressure interference external forces "
    "sovereignty territory integrity support strategic comprehensive mutual trust "
    "bilateral multilateral organization summit meeting meetings statement statements "
    "spokesperson spokesman press conference reporters interview analysts analyst experts "
    "expert observers commentators media newspaper editorial report reports data figures "
    "percent billion million dollars yuan tenge budget spending loans debt projects "
    "project construction plant factory workers companies company enterprises firms "
    "protests protesters unrest violence police troops peacekeepers mission deployment "
    "withdrawal deployment alliance alliances bloc partners partner neighbours neighbour "
    "neighbouring steppe capital city cities province provinces people public citizens "
    "voters election elections parliament reform reforms constitution law laws court "
    "decision decisions measures measure steps step efforts effort challenge challenges "
    "threat threats risk risks opportunity opportunities future history historical "
    "friendship friendly firmly strongly clearly openly recently repeatedly jointly "
    "important significant major key serious difficult successful peaceful political "
    "diplomatic western eastern central asian european american chinese russian "
    "kazakh global domestic local regional joint common shared long-term short-term "
    "high-level so-called well-known emphasised stressed noted added warned urged "
    "called expressed welcomed opposed rejected supported praised criticised accused "
    "described announced signed agreed discussed reached promised pledged vowed "
    "China’s country’s Beijing’s Kazakhstan’s government’s world’s region’s don’t isn’t "
    "week month year years today yesterday Monday Tuesday Wednesday Thursday Friday"
)

PEOPLE = (
    "Wei Fenghe",
    "Qasym-Jomart Tokayev",
    "Tokayev",
    "Nursultan Nazarbayev",
    "Xi Jinping",
    "Zhao Lijian",
    "Wang Yi",
    "Sergey Lavrov",
    "Recep Tayyip Erdoğan",
    "Antony Blinken",
    "Ursula von der Leyen",
    "Mukhtar Tileuberdi",
    "Łukasz Nowak",
    "José Núñez",
)
PLACES = (
    "Kazakhstan",
    "Nur-Sultan",
    "Almaty",
    "Astana",
    "Beijing",
    "Moscow",
    "Washington",
    "Brussels",
    "Ankara",
    "Ürümqi",
    "Zürich",
    "Kraków",
    "São Paulo",
    "Ōsaka",
    "Düsseldorf",
    "Łódź",
)
EMOJI = ("🇰🇿", "🇨🇳", "📈", "🙂", "🤝", "🌏")  # astral: two UTF-16 units each (flags: four)

FUNCTION_SHARE = 0.79  # share of function words: 1 MB then holds about 170,000 words
WORD = re.compile(r"\w+(?:[’']\w+)*")


def make_text(rng: random.Random, target_chars: int) -> str:
    """News-like paragraphs of 60-200 words, "\\n"-separated, until `target_chars` is reached."""
    paragraphs: list[str] = []
    total = 0
    next_emoji = rng.randint(2000, 5000)
    words_so_far = 0
    while total < target_chars:
        wanted = rng.randint(60, 200)
        sentences: list[str] = []
        count = 0
        while count < wanted:
            n = min(rng.randint(8, 30), max(4, wanted - count))
            tokens: list[str] = []
            for i in range(n):
                r = rng.random()
                if r < 0.04:
                    token = rng.choice(PLACES)
                elif r < 0.06:
                    token = rng.choice(PEOPLE)
                elif r < FUNCTION_SHARE:
                    token = rng.choice(FUNCTION_WORDS)
                else:
                    token = rng.choice(CONTENT_WORDS)
                if i < n - 1 and rng.random() < 0.06:
                    token += ","
                tokens.append(token)
            if words_so_far + count + n >= next_emoji:
                tokens.append(rng.choice(EMOJI))
                next_emoji += rng.randint(2000, 5000)
            tokens[0] = tokens[0][0].upper() + tokens[0][1:]
            sentence = " ".join(tokens)
            if rng.random() < 0.15:
                sentence = f"“{sentence.rstrip(',')},” said {rng.choice(PEOPLE)}."
            else:
                sentence = sentence.rstrip(",") + "."
            sentences.append(sentence)
            count += len(sentence.split())
        words_so_far += count
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


@dataclass
class Words:
    """Word spans of a text (code points) and, per word, the index of its paragraph's last word."""

    starts: list[int]
    ends: list[int]
    para_last: list[int]

    @classmethod
    def of(cls, text: str) -> Words:
        starts: list[int] = []
        ends: list[int] = []
        for match in WORD.finditer(text):
            starts.append(match.start())
            ends.append(match.end())
        para_last = [0] * len(starts)
        last = len(starts) - 1
        for i in range(len(starts) - 1, -1, -1):
            if i < len(starts) - 1 and "\n" in text[ends[i] : starts[i + 1]]:
                last = i
            para_last[i] = last
        return cls(starts, ends, para_last)


# -- projects --------------------------------------------------------------------------------


@dataclass
class Planned:
    label: str
    first: int  # word indexes
    last: int
    sentiment: str | None = None
    speaker_name: str | None = None
    parent: int | None = None  # the claim a nested speaker or target sits in
    id: str = ""


@dataclass
class Project:
    store: Store
    analyst: Analyst
    big: DocumentId
    small: DocumentId
    annotations: int
    links: int
    seconds: float


def plan_annotations(words: Words, count: int, rng: random.Random) -> list[Planned]:
    """Word-aligned spans over the whole text: half claims, speakers and targets often nested."""
    sentiments = ("positive", "negative", "neutral", "mixed", None, None)
    planned: list[Planned] = []
    last_claim: int | None = None
    for _ in range(count):
        label = rng.choices(LABEL_NAMES, weights=(2, 1, 1))[0]
        parent = None
        if label != "Claim" and last_claim is not None and rng.random() < 0.4:
            claim = planned[last_claim]
            first = rng.randint(claim.first, claim.last)
            limit = claim.last
            parent = last_claim
        else:
            first = rng.randrange(len(words.starts))
            limit = words.para_last[first]
        low, high = SPAN_WORDS[label]
        last = min(first + rng.randint(low, high) - 1, limit)
        item = Planned(label, first, last, parent=parent)
        if label == "Claim":
            item.sentiment = rng.choice(sentiments)
            last_claim = len(planned)
        elif label == "Speaker" and rng.random() < 0.5:
            item.speaker_name = rng.choice(PEOPLE)
        elif label == "Target" and rng.random() < 0.3:
            item.sentiment = rng.choice(sentiments)
        planned.append(item)
    return planned


def add_document(store: Store, title: str, text: str) -> DocumentId:
    report = ImportReport(
        source=f"{title}.txt", format="text", encoding="utf-8", encoding_detected=False
    )
    extracted = ExtractedDocument(
        source=Path(f"{title}.txt"), title=title, text=text, published=None, report=report
    )
    summary, _ = store.documents.add(extracted, analyst_id=None)
    return summary.id


def build_project(
    path: Path, text: str, small_text: str, words: Words, count: int, seed: int
) -> Project:
    """A project as an analyst would leave it: annotations, links, history and undo log.

    Everything goes through Session (validated rows, history, undo log capped as in use), but
    inside one outer transaction, so thousands of annotations take seconds, not minutes.
    """
    began = time.perf_counter()
    store = Store.open(path)
    analyst = store.ensure_analyst("Bench")
    big = add_document(store, "Large article", text)
    small = add_document(store, "Short article", small_text)
    session = Session(store, analyst)
    codebook = store.codebook.get()
    label_ids = {name: codebook.by_name(name).id for name in LABEL_NAMES}
    rng = random.Random(seed)
    planned = plan_annotations(words, count, rng)
    with store.transaction():
        for item in planned:
            annotation, _ = session.create_annotation(
                document_id=big,
                label_id=label_ids[item.label],
                start=words.starts[item.first],
                end=words.ends[item.last],
                sentiment=item.sentiment,
                speaker_name=item.speaker_name,
            )
            item.id = annotation.id
        for item in planned:
            if item.parent is None or rng.random() < 0.3:
                continue
            kind = "said_by" if item.label == "Speaker" else "about"
            session.set_link(
                source_id=AnnotationId(planned[item.parent].id),
                kind=kind,
                target_id=AnnotationId(item.id),
            )
    links = len(store.annotations.links_for_document(big))  # one per claim and kind remains
    return Project(store, analyst, big, small, len(planned), links, time.perf_counter() - began)
