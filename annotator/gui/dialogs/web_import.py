"""File ▸ Import from web addresses…: a box of addresses (pages, PDFs, feeds), fetched and
imported in the background behind the same progress dialog and Cancel as file imports.

Only what is typed is fetched (and the articles a feed lists); see `annotator.core.fetching`.
Cancel stops the fetch under way at once and takes back what the run added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.records import AnalystId
from annotator.core.store import Store
from annotator.gui.background import JobProgress, own_store, run_with_progress
from annotator.gui.reading.plain_text import plain_label

if TYPE_CHECKING:  # the fetcher and the importers load when an import starts
    from annotator.core.ingest import IngestOutcome
    from annotator.gui.window.main_window import MainWindow


class WebImportDialog(QDialog):
    """Addresses, one per line, and whether to keep the whole page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("webImport")
        self.setWindowTitle("Import from web addresses")
        self.resize(640, 380)
        intro = plain_label(
            "Web addresses of articles, PDFs or feeds (RSS, Atom), one per line. A feed "
            "brings in every article it lists. Nothing else is fetched."
        )
        intro.setWordWrap(True)
        self.addresses_box = QPlainTextEdit(self)
        self.addresses_box.setObjectName("webAddresses")
        self.addresses_box.setPlaceholderText(
            "https://www.example.org/news/2024/03/05/article\nhttps://www.example.org/feed.xml"
        )
        self.addresses_box.setTabChangesFocus(True)
        self.full_page = QCheckBox("Whole page (not only the article)", self)
        self.full_page.setObjectName("webFullPage")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = QPushButton("Import", self)
        self.import_button.setObjectName("webImportButton")
        self.import_button.setDefault(True)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.addresses_box, 1)
        layout.addWidget(self.full_page)
        layout.addWidget(buttons)
        self.addresses_box.textChanged.connect(self._update)
        self._update()

    def addresses(self) -> list[str]:
        """The lines typed: blank lines and # comments left out."""
        lines = (line.strip() for line in self.addresses_box.toPlainText().splitlines())
        return [line for line in lines if line and not line.startswith("#")]

    def _update(self) -> None:
        self.import_button.setEnabled(bool(self.addresses()))


def fetch_with_progress(
    parent: QWidget | None,
    store: Store,
    addresses: Sequence[str],
    *,
    analyst_id: AnalystId,
    full_page: bool = False,
) -> IngestOutcome:
    """Fetch and import `addresses` off the GUI thread, with a cancellable progress dialog.

    Each document is its own commit; Cancel cuts the fetch under way and takes back what
    this run added. Raises an AnnotatorError with the message to show.
    """
    project = store.path
    wanted = list(addresses)

    def work(progress: JobProgress) -> IngestOutcome:
        from annotator.core.fetching.http import HttpClient
        from annotator.core.fetching.sources import web_sources
        from annotator.core.importing import ReadOptions
        from annotator.core.ingest import import_sources
        from annotator.core.search import sync_index

        client = HttpClient(should_stop=lambda: progress.cancelled)

        def looking(index: int, total: int, name: str) -> bool:
            return progress(index, total, f"Fetching {name} ({index + 1} of {total})")

        def step(index: int, total: int, name: str) -> bool:
            text = f"Importing {name} ({index + 1} of {total})" if name else ""
            return progress(index, total, text)

        found, refused = web_sources(
            wanted, options=ReadOptions(full_page=full_page), client=client, progress=looking
        )
        with own_store(project) as own:
            # Cancelled while looking: import_sources sees it at once and adds nothing.
            outcome = import_sources(
                own, found, analyst_id=analyst_id, progress=step, refused=refused
            )
            progress(0, 0, "Indexing the new documents for search…")
            sync_index(own)
            return outcome

    return run_with_progress(parent, "Importing from the web", work)


def import_from_web(window: MainWindow) -> IngestOutcome | None:
    """Ask for addresses, fetch and import them, show the outcome as a file import does."""
    dialog = WebImportDialog(window)
    try:
        if not dialog.exec() or not dialog.addresses():
            return None
        addresses, full_page = dialog.addresses(), dialog.full_page.isChecked()
    finally:
        dialog.deleteLater()
    try:
        outcome = fetch_with_progress(
            window, window.store, addresses, analyst_id=window.analyst.id, full_page=full_page
        )
    except AnnotatorError as exc:
        window.show_error("Import failed", str(exc))
        return None
    window.show_import_outcome(outcome)
    return outcome
