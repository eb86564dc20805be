"""An annotation's discussion: its comments in order, a box for a reply, delete for one's own.

Like the inspector it never changes data: it asks (signals) and is shown what was saved. A
reply being typed belongs to its annotation: selecting another one keeps the draft aside and
brings it back when that annotation is selected again.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import Comment

CommentIdRole = Qt.ItemDataRole.UserRole


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


class CommentThread(QWidget):
    #: (annotation id, text) to add to the thread.
    comment_requested = Signal(str, str)
    #: A comment id the author wants deleted.
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._annotation_id: str | None = None
        self._me = ""
        self._drafts: dict[str, str] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("commentList")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentItemChanged.connect(lambda *_: self._update_delete())
        self.reply = QPlainTextEdit(self)
        self.reply.setObjectName("commentReply")
        self.reply.setTabChangesFocus(True)
        self.reply.setPlaceholderText("Reply… (Ctrl+Return to post)")
        self.reply.setMaximumHeight(self.reply.fontMetrics().lineSpacing() * 4)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.reply, self._post).setContext(
                Qt.ShortcutContext.WidgetShortcut
            )
        self.post = QPushButton("Comment", self)
        self.post.setObjectName("commentPost")
        self.post.clicked.connect(self._post)
        self.delete = QPushButton("Delete my comment", self)
        self.delete.setObjectName("commentDelete")
        self.delete.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete)
        buttons.addStretch(1)
        buttons.addWidget(self.post)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.reply)
        layout.addLayout(buttons)
        self._update_delete()

    def show_thread(
        self,
        annotation_id: str | None,
        comments: list[Comment],
        names: dict[str, str],
        me: str,
    ) -> None:
        """Show an annotation's thread (plain text: comments are never rendered as HTML)."""
        if annotation_id != self._annotation_id:
            if self._annotation_id is not None and self.reply.toPlainText().strip():
                self._drafts[self._annotation_id] = self.reply.toPlainText()
            self.reply.setPlainText(self._drafts.pop(annotation_id, "") if annotation_id else "")
        self._annotation_id = annotation_id
        self._me = me
        self.list.clear()
        for comment in comments:
            author = names.get(comment.author_id, "?")
            item = QListWidgetItem(f"{author} · {_when(comment.created)}\n{comment.body}")
            item.setData(CommentIdRole, comment.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, comment.author_id)
            item.setToolTip("")
            self.list.addItem(item)
        self.list.setVisible(bool(comments))
        self._update_delete()

    def count(self) -> int:
        return self.list.count()

    def _post(self) -> None:
        text = self.reply.toPlainText()
        if self._annotation_id is None or not text.strip():
            return
        self.comment_requested.emit(self._annotation_id, text)

    def posted(self) -> None:
        """The comment was saved: clear the box (a refused one stays to be corrected)."""
        self.reply.clear()

    def _delete(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.delete_requested.emit(str(item.data(CommentIdRole)))

    def _update_delete(self) -> None:
        item = self.list.currentItem()
        own = item is not None and item.data(Qt.ItemDataRole.UserRole + 1) == self._me
        self.delete.setEnabled(own)
        self.delete.setVisible(self.list.count() > 0)
