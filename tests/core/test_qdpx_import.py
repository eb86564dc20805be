"""Import of a .qdpx written by another program (made by hand following REFI-QDA 1.5)."""

from __future__ import annotations

from pathlib import Path

from qdpx_support import write_qdpx

from annotator.core.qdpx import import_qdpx
from annotator.core.store import Store

ANA = "{2B7963B6-AA9E-491A-B001-0DED2D35620F}"
BEN = "98d6fc34-102d-4215-8c58-b7170e6321b3"
FOLDER = "1a6e4f8b-0000-4000-8000-000000000001"
POLICY = "1a6e4f8b-0000-4000-8000-000000000002"
CHINA = "1A6E4F8B-0000-4000-8000-000000000003"
TONE = "1a6e4f8b-0000-4000-8000-000000000004"
SOURCE = "acd630d1-1dde-4661-ac92-79d8bf18ff86"
OUTLET = "5d1b0d52-0000-4000-8000-000000000010"
REGION = "5d1b0d52-0000-4000-8000-000000000011"

#: The text as the other program wrote it: a byte-order mark, Windows line endings, emoji
#: and CJK before the coded passages (positions count code points; the BOM is not counted).
RAW = "Title 🌏\r\n\r\n习近平 met the press.\r\nThe tone was warm 😊 and calm.\r\n"


def _g(n: int) -> str:
    return f"7e57c0de-0000-4000-8000-{n:012d}"


def _span(part: str) -> tuple[int, int]:
    start = RAW.index(part)
    return start, start + len(part)


def _project_xml() -> str:
    leader = _span("习近平")
    tone = _span("warm 😊 and calm")
    both = _span("met the press.\r\nThe tone")  # spans a CRLF
    return f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Hand made" origin="Another QDA 2.0">
  <Users>
    <User guid="{ANA}" name="Ana Ruiz"/>
    <User guid="{BEN}" name="Ben Cho"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="{FOLDER}" name="Politics" isCodable="false" color="#336699">
      <Code guid="{POLICY}" name="Foreign policy" isCodable="true" color="#c3c">
        <Description>Relations abroad</Description>
        <Code guid="{CHINA}" name="China" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="{TONE}" name="Tone" isCodable="true" color="#AABBCC"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{OUTLET}" name="Outlet" typeOfVariable="Text"/>
    <Variable guid="{REGION}" name="Region" typeOfVariable="Text"/>
  </Variables>
  <Cases><Case guid="{_g(90)}" name="Press conferences"/></Cases>
  <Sources>
    <TextSource guid="{SOURCE}" name="Press conference" creatingUser="{ANA}"
        creationDateTime="2018-10-04T22:56:11" plainTextPath="internal://{SOURCE}.txt"
        richTextPath="internal://c3e586ce-519f-4c46-89a8-ad9187723f16.docx">
      <PlainTextSelection guid="{_g(1)}" name="Leader" startPosition="{leader[0]}"
          endPosition="{leader[1]}" creatingUser="{ANA}" creationDateTime="2018-10-05T10:00:00Z">
        <Description>Named by title</Description>
        <Coding guid="{_g(2)}" creatingUser="{ANA}"><CodeRef targetGUID="{CHINA}"/></Coding>
        <Coding guid="{_g(3)}" creatingUser="{BEN}"><CodeRef targetGUID="{POLICY}"/></Coding>
        <NoteRef targetGUID="{_g(50)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{_g(4)}" startPosition="{tone[0]}" endPosition="{tone[1]}"
          creatingUser="{BEN}">
        <Coding guid="{_g(5)}"><CodeRef targetGUID="{TONE}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{_g(6)}" startPosition="{both[0]}" endPosition="{both[1]}"
          creatingUser="{BEN}">
        <Coding guid="{_g(7)}"><CodeRef targetGUID="{TONE}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{_g(8)}" name="Too far" startPosition="40" endPosition="4000"
          creatingUser="{BEN}">
        <Coding guid="{_g(9)}"><CodeRef targetGUID="{TONE}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{_g(10)}" startPosition="0" endPosition="5" creatingUser="{BEN}">
        <Coding guid="{_g(11)}"><CodeRef targetGUID="{_g(99)}"/></Coding>
      </PlainTextSelection>
      <Coding guid="{_g(12)}"><CodeRef targetGUID="{TONE}"/></Coding>
      <VariableValue><VariableRef targetGUID="{OUTLET}"/>
        <TextValue>Xinhua</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{REGION}"/>
        <TextValue>Asia</TextValue></VariableValue>
    </TextSource>
    <PictureSource guid="{_g(20)}" name="Photo" path="internal://{_g(20)}.jpg">
      <PictureSelection guid="{_g(21)}" firstX="1" firstY="1" secondX="9" secondY="9"/>
    </PictureSource>
  </Sources>
  <Notes>
    <Note guid="{_g(50)}" name="Memo" creatingUser="{ANA}">
      <PlainTextContent>Check the 中文 name</PlainTextContent>
    </Note>
  </Notes>
  <Links><Link guid="{_g(60)}" name="is related to" originGUID="{POLICY}" targetGUID="{TONE}"/>
  </Links>
  <Sets><Set guid="{_g(70)}" name="Important"><MemberCode targetGUID="{TONE}"/></Set></Sets>
  <Graphs><Graph guid="{_g(80)}" name="Map"/></Graphs>
</Project>"""


def _file(tmp_path: Path) -> Path:
    return write_qdpx(
        tmp_path / "other.qdpx",
        _project_xml(),
        {f"sources/{SOURCE}.txt": b"\xef\xbb\xbf" + RAW.encode("utf-8")},
    )


def test_codings_land_on_the_right_characters(fresh_store: Store, tmp_path: Path) -> None:
    report = import_qdpx(fresh_store, _file(tmp_path), analyst_id=None, fallback_analyst="Me")
    doc = fresh_store.documents.list()[0]
    text = fresh_store.documents.text(doc.id)
    assert text == RAW.replace("\r\n", "\n")  # normalised like every import
    assert (doc.title, doc.outlet) == ("Press conference", "Xinhua")
    labels = {lb.id: lb for lb in fresh_store.codebook.get().labels}
    names = {a.id: a.name for a in fresh_store.analysts()}
    got = sorted(
        (names[a.analyst_id], labels[a.label_id].name, a.quote, a.note)
        for a in fresh_store.annotations.for_document(doc.id)
    )
    assert got == [
        (
            "Ana Ruiz",
            "Politics / Foreign policy / China",
            "习近平",
            "Named by title\n\nCheck the 中文 name",
        ),
        ("Ben Cho", "Politics / Foreign policy", "习近平", ""),
        ("Ben Cho", "Tone", "met the press.\nThe tone", ""),
        ("Ben Cho", "Tone", "warm 😊 and calm", ""),
    ]
    for a in fresh_store.annotations.for_document(doc.id):
        assert text[a.start : a.end] == a.quote
    assert report.analysts_added == ["Ana Ruiz", "Ben Cho"]


def test_nested_codes_become_labels_with_their_path_and_colour(
    fresh_store: Store, tmp_path: Path
) -> None:
    before = [lb.name for lb in fresh_store.codebook.get().labels]
    import_qdpx(fresh_store, _file(tmp_path), analyst_id=None, fallback_analyst="Me")
    labels = {lb.name: lb for lb in fresh_store.codebook.get().labels}
    assert [n for n in labels if n not in before] == [
        "Politics / Foreign policy",
        "Politics / Foreign policy / China",
        "Tone",
    ]  # the folder (not codable) is only a part of its children's names
    assert labels["Politics / Foreign policy"].color == "#cc33cc"
    assert labels["Politics / Foreign policy / China"].color == "#cc33cc"  # its parent's
    assert labels["Tone"].color == "#aabbcc"
    assert labels["Politics / Foreign policy"].description == "Relations abroad"


def test_what_cannot_be_mapped_is_listed(fresh_store: Store, tmp_path: Path) -> None:
    report = import_qdpx(fresh_store, _file(tmp_path), analyst_id=None, fallback_analyst="Me")
    text = report.summary()
    assert not report.complete
    assert "Selection Too far in “Press conference”: positions 40–4000 do not fit" in text
    assert "a code the file does not define" in text
    for expected in (
        "picture source “Photo”",
        "1 coding of the whole document",
        "1 case",
        "1 graph",
        "set “Important”",
        "Link is related to",
        "variable “Region”",
        "formatted copy of “Press conference”",
        "line endings normalised (CRLF)",
        "names of 1 selection",
    ):
        assert expected in text, expected
