"""Status and feedback: jobs count and cost in the status bar, import and library check with progress and
Cancel, notifications instead of modal boxes, states in words as well as colour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from imagestudio.core.library import importer, integrity
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Totals
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import JobState
from imagestudio.main import Composition
from imagestudio.ui.notifications import Notification
from tests.simulator import OpenAISimulator
from tests.test_library_import import png

pytestmark = pytest.mark.gui


def test_status_bar_counts_running_and_waiting_jobs(qtbot: Any, make_app: Any, simulator: OpenAISimulator) -> None:
    simulator.latency = 120.0  # running until cancelled, however slow this machine is
    parts: Composition = make_app()
    jobs = parts.window.feedback.jobs
    assert jobs.text() == "No jobs running"
    assert jobs.parentWidget() is not None and jobs.isVisible()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    editor = parts.window.prompt_editor
    editor.prompt.setPlainText("slow one")
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 running" in jobs.text(), timeout=30000)
    assert jobs.accessibleDescription() == jobs.text()
    parts.controller.cancel(parts.controller.jobs()[0].id)
    qtbot.waitUntil(lambda: parts.controller.jobs()[0].state is JobState.CANCELLED, timeout=30000)
    qtbot.waitUntil(lambda: jobs.text() == "No jobs running", timeout=10000)


def test_budget_states_are_written_not_only_coloured(make_app: Any) -> None:
    label = make_app().window.cost_label
    label.show_totals(Totals(1.0, 8.5, 0, 10.0))
    assert "Budget almost spent" in label.text() and "Budget almost spent" in label.accessibleDescription()
    label.show_totals(Totals(1.0, 10.5, 0, 10.0))
    assert "Budget spent" in label.text()
    label.show_totals(Totals(1.0, 2.0, 0, 10.0))
    assert "Budget" not in label.text() and label.styleSheet() == ""


def test_import_shows_progress_and_can_be_cancelled(qtbot: Any, make_app: Any, arun: Any, tmp_path: Path) -> None:
    parts = make_app()
    actions = parts.window.gallery.menu.actions
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(201):  # one more than a batch: Cancel takes effect at the batch boundary
        (folder / f"{i:03}.png").write_bytes(png((i, 255 - i, 7), size=(16, 16)))
    progress = parts.window.feedback.progress
    assert progress is not None and progress.isHidden()
    seen: list[tuple[str, int, int]] = []

    def on_progress(name: str, done: int, total: int) -> None:
        seen.append((name, done, total))
        if total:
            assert progress.isVisible() and progress.label.text() == "Importing…"
            progress.cancel_button.click()  # the person presses Cancel in the status bar

    actions.progress.connect(on_progress)
    report = arun(actions.import_paths([str(folder)]))
    assert ("import", 0, 201) in seen
    assert report.count("imported") == 200  # the first batch was committed, the rest never started
    assert progress.isHidden()
    assert not actions.running("import")


def test_import_problems_are_a_notification_with_details(qtbot: Any, make_app: Any, tmp_path: Path) -> None:
    parts = make_app()
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not really a png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    drop = QDropEvent(
        QPointF(QPoint(20, 20)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    parts.window.gallery.view.dropEvent(drop)
    area = parts.window.feedback.notifications
    qtbot.waitUntil(lambda: bool(area.cards()), timeout=5000)
    card = area.cards()[0]
    assert isinstance(card, Notification) and "Import finished" in card.text.text()
    menu = parts.window.gallery.menu
    assert menu.report_box is not None and not menu.report_box.isVisible()  # no modal box in the way
    assert card.details_button is not None
    qtbot.mouseClick(card.details_button, Qt.MouseButton.LeftButton)
    assert menu.report_box.isVisible() and "broken.png: not an image" in menu.report_box.detailedText()
    menu.report_box.close()
    qtbot.waitUntil(lambda: not area.cards())


def test_check_library_from_the_file_menu(qtbot: Any, make_app: Any, paths: AppPaths) -> None:
    parts = make_app()
    feedback = parts.window.feedback
    assert feedback.check_action is not None and feedback.check_action in parts.window.file_menu.actions()
    feedback.check_action.trigger()
    dialog = feedback.check_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    assert dialog.output.toPlainText().splitlines() == ["Checked 0 image(s).", "No problems found."]
    dialog.close()


def test_a_cancelled_check_repairs_nothing(paths: AppPaths, tmp_path: Path) -> None:
    library = Library(paths)
    try:
        (tmp_path / "one.png").write_bytes(png((1, 2, 3)))
        assert importer.import_paths(library, [tmp_path / "one.png"]).count("imported") == 1
        for thumb in paths.thumbs.rglob("*.jpg"):
            thumb.unlink()  # something a repair would fix
        steps: list[tuple[int, int]] = []
        report = integrity.check(
            library, repair=True, progress=lambda d, t: steps.append((d, t)), cancelled=lambda: True
        )
        assert report.cancelled and report.fixed == [] and steps == []
        assert not list(paths.thumbs.rglob("*.jpg"))
    finally:
        library.close()
