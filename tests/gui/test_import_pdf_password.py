"""A password-protected PDF imported from the window: the password is asked for (and asked
again when wrong), then the PDF is imported with it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QLineEdit
from reportlab.lib.pdfencrypt import StandardEncryption
from test_import_pdf import make_pdf, statement_page

from annotator.gui.window.main_window import MainWindow
from support import find_active_dialog


def _answer(answers: list[str], prompts: list[str]) -> None:
    """Type the next answer into the password dialog when it shows (Escape when none left)."""

    def fill() -> None:
        dialog = find_active_dialog(QInputDialog)
        if dialog is None:
            QTimer.singleShot(50, fill)
            return
        prompts.append(dialog.labelText())
        field = dialog.findChild(QLineEdit)
        assert field.echoMode() == QLineEdit.EchoMode.Password  # never shown on screen
        if not answers:
            QTest.keyClick(field, Qt.Key.Key_Escape)
            return
        QTest.keyClicks(field, answers.pop(0))
        QTest.keyClick(field, Qt.Key.Key_Return)
        if answers:  # the next prompt comes after the import tried this one
            QTimer.singleShot(50, fill)

    QTimer.singleShot(50, fill)


def test_a_protected_pdf_asks_for_its_password_then_imports(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window()
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(
        make_pdf([statement_page], encrypt=StandardEncryption("secret", ownerPassword="o"))
    )
    prompts: list[str] = []
    answers = ["wrong", "secret"]
    _answer(answers, prompts)
    outcome = window.import_paths([pdf])
    assert outcome is not None and not outcome.refused
    [(summary, _report)] = outcome.added
    assert "password-protected" in prompts[0] and "wrong" in prompts[1]
    assert window.current_document == summary.id
    assert "Minister" in window.view.text


def test_no_password_leaves_the_refusal_in_the_report(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = open_window()
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(
        make_pdf([statement_page], encrypt=StandardEncryption("secret", ownerPassword="o"))
    )
    prompts: list[str] = []
    _answer([], prompts)  # the analyst presses Escape
    outcome = window.import_paths([pdf])
    assert outcome is not None and not outcome.added and len(prompts) == 1
    assert "password-protected" in outcome.refused[0].reason
    assert window.store.documents.list() == []


def test_the_file_name_in_the_password_prompt_is_plain_text(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    window: MainWindow = open_window()
    pdf = tmp_path / "<b>statement<i>.pdf"
    pdf.write_bytes(
        make_pdf([statement_page], encrypt=StandardEncryption("secret", ownerPassword="o"))
    )
    formats: list[Qt.TextFormat] = []
    texts: list[str] = []

    def look() -> None:
        dialog = find_active_dialog(QInputDialog)
        if dialog is None:
            QTimer.singleShot(50, look)
            return
        for label in dialog.findChildren(QLabel):
            if label.text():
                formats.append(label.textFormat())
                texts.append(label.text())
        QTest.keyClick(dialog.findChild(QLineEdit), Qt.Key.Key_Escape)

    QTimer.singleShot(50, look)
    window.import_paths([pdf])
    assert any("<b>statement<i>.pdf" in text for text in texts)
    assert formats and all(f == Qt.TextFormat.PlainText for f in formats)
