"""Every command's text, shortcut and menu in one registry: menus, key bindings and the
shortcut sheet (F1) are all built from it, so a key is changed in one place.

Label keys (1, 2, 3 by default) come from the project's codebook, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcuts: tuple[str, ...] = ()
    menu: str = ""  # "" = not in a menu (keyboard only)
    #: "window": anywhere in the window; "view": only while the reading view has focus, so
    #: digits and letters still type into the filter boxes and the inspector.
    scope: str = "window"
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_project", "&New project…", ("Ctrl+N",), "&File"),
    ActionSpec("open_project", "Open pro&ject…", ("Ctrl+Shift+P",), "&File"),
    ActionSpec("import_files", "Import &files…", ("Ctrl+O",), "&File"),
    ActionSpec("import_folder", "Import f&older…", ("Ctrl+Shift+O",), "&File"),
    ActionSpec("import_web", "Import from &web addresses…", (), "&File"),
    ActionSpec("import_qda", "Import Q&DA project (.qdpx)…", (), "&File"),
    ActionSpec("import_report", "Import &report of this document", (), "&File"),
    ActionSpec("merge", "&Merge colleague's project…", (), "&File"),
    ActionSpec("sync", "S&ync with team hub", ("Ctrl+Shift+Y",), "&File"),
    ActionSpec("export", "&Export annotations…", ("Ctrl+E",), "&File"),
    ActionSpec("print_report", "&Printable report of this document…", ("Ctrl+P",), "&File"),
    ActionSpec("backup", "&Back up now", (), "&File"),
    ActionSpec("restore", "Restore from bac&kup…", (), "&File"),
    ActionSpec("check", "&Check project", (), "&File"),
    ActionSpec("analyst", "&Analyst name…", (), "&File"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "&File"),
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "&Edit"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "&Edit"),
    ActionSpec("delete", "&Delete annotation", ("Delete", "Backspace"), "&Edit", scope="view"),
    ActionSpec("deselect", "Deselect annotation", ("Escape",), "", scope="view"),
    ActionSpec("start_left", "Move start one word left", ("Alt+Left",), "&Edit", scope="view"),
    ActionSpec("start_right", "Move start one word right", ("Alt+Right",), "&Edit", scope="view"),
    ActionSpec("end_left", "Move end one word left", ("Alt+Shift+Left",), "&Edit", scope="view"),
    ActionSpec("end_right", "Move end one word right", ("Alt+Shift+Right",), "&Edit", "view"),
    ActionSpec("clear_sentiment", "Clear sentiment", ("Alt+0",), "", scope="view"),
    ActionSpec("codebook", "&Codebook…", ("Ctrl+Shift+K",), "&Edit"),
    ActionSpec("tag_occurrences", "Tag every &occurrence…", ("Ctrl+Shift+T",), "&Edit"),
    ActionSpec("mark_done", "Mark document as &done / not done", ("Ctrl+D",), "&Edit"),
    ActionSpec("find", "&Find in document…", ("Ctrl+F",), "&Go"),
    ActionSpec("search", "&Search all documents…", ("Ctrl+Shift+F",), "&Go"),
    ActionSpec("find_next", "Find &next", ("F3",), "&Go"),
    ActionSpec("find_previous", "Find &previous", ("Shift+F3",), "&Go"),
    ActionSpec("next_annotation", "Next &annotation", ("Alt+Down",), "&Go"),
    ActionSpec("previous_annotation", "Previous a&nnotation", ("Alt+Up",), "&Go"),
    ActionSpec("next_document", "Next &document", ("Ctrl+PgDown",), "&Go"),
    ActionSpec("previous_document", "Previous d&ocument", ("Ctrl+PgUp",), "&Go"),
    ActionSpec("refresh", "&Refresh (changes made elsewhere)", ("F5",), "&View"),
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "&View"),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-",), "&View"),
    ActionSpec("zoom_reset", "&Actual size", ("Ctrl+0",), "&View"),
    ActionSpec("snap", "&Snap selections to whole words", (), "&View", checkable=True),
    ActionSpec("colour_by_layer", "&Colour by analyst", ("Ctrl+Shift+L",), "&View", checkable=True),
    ActionSpec("analysis", "A&nalysis", ("Ctrl+Shift+A",), "&View"),
    ActionSpec("talking_points", "&Talking points", ("Ctrl+Shift+J",), "&View"),
    ActionSpec("review", "&Review two layers", ("Ctrl+Shift+R",), "&Review", checkable=True),
    ActionSpec("next_disagreement", "&Next disagreement", ("F8",), "&Review"),
    ActionSpec("previous_disagreement", "&Previous disagreement", ("Shift+F8",), "&Review"),
    ActionSpec("keep_first", "Keep &first", ("Ctrl+1",), "&Review"),
    ActionSpec("keep_second", "Keep &second", ("Ctrl+2",), "&Review"),
    ActionSpec("keep_both", "Keep &both", ("Ctrl+3",), "&Review"),
    ActionSpec("reject", "Re&ject both", ("Ctrl+4",), "&Review"),
    ActionSpec("keep_edit", "Keep and &edit", ("Ctrl+5",), "&Review"),
    ActionSpec("accept_agreed", "Accept all &agreed", (), "&Review"),
    ActionSpec("both_done", "Only documents both marked &done", (), "&Review", checkable=True),
    ActionSpec("agreement", "A&greement…", ("Ctrl+Shift+G",), "&Review"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "&Help"),
    ActionSpec("about", "&About Annotator", (), "&Help"),
)

#: Sentiment values get Alt+1 … Alt+9 in codebook order.
SENTIMENT_KEY = "Alt+{}"

BY_ID = {spec.id: spec for spec in ACTIONS}
