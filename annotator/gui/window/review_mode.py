"""Review mode: the review panel, the two layers it compares, and the decisions it records.

Entering it shows only the two compared layers (and the reviewed layer) coloured by layer;
leaving it restores what the analyst had chosen. Every decision goes the one path: Session
operation → Change → `Workspace.apply_change` → the panel is compared again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from annotator.core.records import (
    REVIEWED_LAYER_ID,
    AnalystId,
    Annotation,
    AnnotationId,
    DocumentId,
)
from annotator.core.review import Item, compare_layers, item_status
from annotator.core.session import Change
from annotator.gui.panels.annotation_table import one_line
from annotator.gui.panels.review_panel import ReviewPanel

if TYPE_CHECKING:
    from annotator.gui.window.hosts import ReviewHost

#: Rows of the annotation table that stay in view while reviewing, and of the review list.
TABLE_ROWS = 8
LIST_ROWS = 7

#: Window actions that only work while reviewing.
REVIEW_ACTIONS = (
    "next_disagreement",
    "previous_disagreement",
    "keep_first",
    "keep_second",
    "keep_both",
    "reject",
    "keep_edit",
    "accept_agreed",
)


class ReviewMode(QObject):
    def __init__(self, window: ReviewHost) -> None:
        super().__init__(window.window())
        self.window = window
        self.panel = ReviewPanel(window.window())
        self.panel.hide()
        self.first = self.second = ""
        self.items: list[Item] = []
        self._agreed: list[Item] = []
        self._before: tuple[frozenset[str], bool] | None = None  # layers shown before review
        self._document: DocumentId | None = None  # whose disagreements the list shows
        # Where the current row was when it left the list (decided into agreement, deleted
        # elsewhere): F8 goes on from there. None while a row is current.
        self._gap: int | None = None
        self.panel.layers_chosen.connect(self._layers_chosen)
        self.panel.item_chosen.connect(self._show_item)
        self.panel.decision_requested.connect(self.decide)
        self.panel.agreed_requested.connect(self.accept_agreed)
        self.panel.close_requested.connect(self.stop)
        window.workspace.loaded.connect(self._refresh)

    @property
    def active(self) -> bool:
        return self._before is not None

    # -- entering and leaving ---------------------------------------------------------------

    def toggle(self) -> None:
        if self.active:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        workspace = self.window.workspace
        if workspace.document is None:
            self.window.statusBar().showMessage("Open a document to review it.", 6000)
            self._sync_actions()
            return
        self._before = (workspace.hidden_layers, workspace.colour_by_layer)
        if not self.first or not self.second:
            self.first, self.second = self._default_layers()
        self._fill_layers()
        self._show_layers()
        self.filter_documents()
        self.panel.show()
        self._refresh(first_row=True)
        self._fit_splitter()
        self.panel.list.setFocus(Qt.FocusReason.OtherFocusReason)
        self._sync_actions()

    def stop(self) -> None:
        if self._before is not None:
            hidden, colour = self._before
            self._before = None
            self.window.workspace.show_layers(hidden, colour_by_layer=colour)
        self.window.documents.require_finished(None)
        self.panel.hide()
        self._sync_actions()
        self.window.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_splitter(self) -> None:
        """Room for the panel without squeezing the table: the table keeps TABLE_ROWS rows
        (more if the analyst made it taller), the panel shows LIST_ROWS, the text the rest."""
        center = self.window.center  # reader, this panel, the table
        sizes = center.sizes()
        total = sum(sizes)
        table = self.window.table
        view = table.view
        layout = table.layout()
        chrome = (
            table.filter_edit.sizeHint().height()
            + (layout.spacing() if layout is not None else 0)
            + view.horizontalHeader().sizeHint().height()
            + 2 * view.frameWidth()
        )
        row = view.verticalHeader().defaultSectionSize()
        table_height = max(sizes[2], chrome + TABLE_ROWS * row + row // 2)
        panel_height = self.panel.height_for_rows(LIST_ROWS)
        reader = max(total - table_height - panel_height, total // 3)
        center.setSizes([reader, panel_height, max(total - reader - panel_height, 0)])

    def _sync_actions(self) -> None:
        actions = self.window.actions_by_id
        actions["review"].setChecked(self.active)
        for key in REVIEW_ACTIONS:
            actions[key].setEnabled(self.active)

    def _default_layers(self) -> tuple[str, str]:
        """The two analysts with most spans in the open document (else one and the reviewed)."""
        counts: dict[str, int] = {}
        for a in self.window.workspace.state.all():
            if a.analyst_id != REVIEWED_LAYER_ID:
                counts[a.analyst_id] = counts.get(a.analyst_id, 0) + 1
        ranked = sorted(counts, key=lambda k: -counts[k])
        people = [a.id for a in self.window.store.analysts()]
        ranked += [p for p in people if p not in ranked]
        ranked.append(REVIEWED_LAYER_ID)
        return ranked[0], ranked[1]

    def _fill_layers(self) -> None:
        workspace = self.window.workspace
        self.panel.set_layers(
            self.window.store.layers(), self.first, self.second, workspace.layer_colours()
        )

    def _show_layers(self) -> None:
        shown = {self.first, self.second, REVIEWED_LAYER_ID}
        hidden = frozenset(a.id for a in self.window.store.layers() if a.id not in shown)
        self.window.workspace.show_layers(hidden, colour_by_layer=True)

    def _layers_chosen(self, first: str, second: str) -> None:
        if first == second:
            self.window.statusBar().showMessage("Choose two different layers to compare.", 6000)
            self._fill_layers()  # back to the pair being compared
            return
        self.first, self.second = first, second
        self._show_layers()
        self.filter_documents()
        self._refresh(first_row=True)

    def filter_documents(self) -> None:
        """The document list: only documents both compared layers marked done, while reviewing
        with Review ▸ Only documents both marked done checked."""
        if not self.active or not self.window.actions_by_id["both_done"].isChecked():
            self.window.documents.require_finished(None)
            return
        names: dict[str, str] = {a.id: a.name for a in self.window.store.layers()}
        wanted = frozenset(names.get(layer, layer) for layer in (self.first, self.second))
        self.window.documents.require_finished(wanted)

    # -- the list ---------------------------------------------------------------------------

    def _refresh(self, *, first_row: bool = False) -> None:
        """Compare the two layers of the open document again (after any change).

        The current row stays on its disagreement and the list where it was scrolled; the
        first row is chosen only on entering review, for other layers or another document.
        """
        workspace = self.window.workspace
        if not self.active or workspace.document is None:
            return
        document = workspace.document.id
        first_row = first_row or document != self._document
        self._document = document
        row = self.panel.current_row()
        compared = compare_layers(workspace.state, AnalystId(self.first), AnalystId(self.second))
        decisions = self.window.store.reviews.for_document(document)
        self.items = [it for it in compared if not it.agreed]
        self._agreed = [
            it
            for it in compared
            if it.agreed
            and not item_status(it, decisions)
            and all(a.analyst_id != REVIEWED_LAYER_ID for a in it.sides())  # in it already
        ]
        kept = self.panel.set_items(
            self.items,
            [item_status(it, decisions) for it in self.items],
            self._describe,
            agreed_open=len(self._agreed),
        )
        if first_row:
            self._gap = None
            self.panel.select_row(0)
        elif not kept:
            self._gap = row
            self.window.statusBar().showMessage(
                "That disagreement is no longer in the list. F8 goes on to the next one.", 6000
            )
        elif self.panel.current_row() >= 0:
            self._gap = None

    def _describe(self, annotation: Annotation) -> str:
        state = self.window.workspace.state
        label = state.label_of(annotation)
        parts = [label.name if label else "?"]
        if annotation.sentiment:
            parts.append(annotation.sentiment)
        if state.role_of(annotation) == "claim":
            speaker, target = state.speaker_of(annotation.id), state.target_of(annotation.id)
            if speaker:
                parts.append(f"said by {speaker}")
            if target:
                parts.append(f"about {target}")
        parts.append(f"“{one_line(annotation.quote, 30)}”")
        return " · ".join(parts)

    def _show_item(self, row: int) -> None:
        if 0 <= row < len(self.items):
            side = self.items[row].sides()[0]
            self.window.workspace.select(side.id)

    def step(self, direction: int) -> None:
        """To the next (1) or previous (-1) disagreement not yet decided, wrapping around."""
        if not self.items:
            self.window.statusBar().showMessage("No disagreements in this document.", 6000)
            return
        decisions = self.window.store.reviews.for_document(self.items[0].sides()[0].document_id)
        row = self.panel.current_row()
        if row < 0 and self._gap is not None:  # the row that left stood before this one
            row = self._gap - 1 if direction > 0 else self._gap
        count = len(self.items)
        for offset in range(1, count + 1):
            candidate = (row + direction * offset) % count
            if item_status(self.items[candidate], decisions) is None:
                self.panel.select_row(candidate)
                return
        self.window.statusBar().showMessage("Every disagreement here is decided.", 6000)

    # -- deciding ---------------------------------------------------------------------------

    def decide(self, decision: str) -> None:
        """Decide the current row of the list, the one the analyst sees; the list stays on it,
        showing the decision (F8 goes on to the next undecided)."""
        row = self.panel.current_row()
        if not self.active or not 0 <= row < len(self.items):
            self.window.statusBar().showMessage("Choose a disagreement in the list first.", 6000)
            return
        item = self.items[row]
        edit_side = "first" if item.first is not None else "second"
        made: list[AnnotationId] = []

        def run() -> Change:
            decisions, change = self.window.workspace.session.review(
                self.window.workspace.state,
                [(item, decision)],
                first_layer=AnalystId(self.first),
                second_layer=AnalystId(self.second),
                edit_side=edit_side,
            )
            made.extend(decisions[0].results)
            return change

        if not self.window.workspace.perform(run):
            # Refused, e.g. changed elsewhere meanwhile: read the document again and compare.
            self.window.refresh(force=True)
            return
        if self.panel.current_row() < 0:  # e.g. one layer is the reviewed one: now agreed
            self.window.statusBar().showMessage(
                "Decided: the two layers agree there now, so it left the list. "
                "F8 goes on to the next disagreement.",
                8000,
            )
        if made:  # the reviewed copy the decision made is what the text and inspector show
            self.window.workspace.select(made[0], scroll=False)
        if decision == "edit" and made:
            self.window.inspector.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept_agreed(self) -> None:
        """Every span both layers agree on, not yet accepted, into the reviewed layer."""
        if not self.active or not self._agreed:
            return
        agreed = list(self._agreed)
        workspace = self.window.workspace
        active = workspace.active
        workspace.perform(
            lambda: workspace.session.review(
                workspace.state,
                [(it, "agreed") for it in agreed],
                first_layer=AnalystId(self.first),
                second_layer=AnalystId(self.second),
            )[1]
        )
        # The copies are made where they are; the analyst stays on what they had selected.
        if active is not None and workspace.state.get(active) is not None:
            workspace.select(active, scroll=False)
