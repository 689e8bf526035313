"""Refine in conversation in the viewer (issue 20), clicked and typed like a person, with the demo provider: turns
become children in the lineage, "Back to parent" undoes a step, a turn from there makes a branch; the gallery's
right-click menu opens the Refine tab."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMenu

from imagestudio.core import lineage, refine
from imagestudio.core.clock import FixedClock
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.types import JobState
from tests.gui_images import add_image, png_bytes, wait_gallery
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _open(qtbot: Any, parts: Any) -> Any:
    view = parts.window.gallery.view
    view.setFocus()
    view.setCurrentIndex(parts.gallery_model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.current is not None, timeout=10000)
    tabs = viewer.side.tabBar()
    index = viewer.side.indexOf(viewer.refine)
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(index).center())
    assert viewer.side.currentWidget() is viewer.refine
    return viewer


def _turn(qtbot: Any, viewer: Any, text: str, *, keys: bool = False) -> Any:
    panel = viewer.refine
    before = viewer.current.id
    panel.instruction.setFocus()
    if text.isascii():
        qtbot.keyClicks(panel.instruction, text)
    else:  # Chinese arrives from the input method as a committed string, not as key presses
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(panel.instruction, event)
    assert panel.instruction.toPlainText() == text
    assert panel.estimate.text() == "$0.00" or panel.estimate.text().startswith(("$", "≈"))
    if keys:
        qtbot.keyClick(panel.instruction, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    else:
        qtbot.mouseClick(panel.send, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id != before, timeout=20000)
    image = viewer.current
    assert lineage.parents_of(image.params) == (before,)
    assert image.prompt == text and image.params["kind"] == "refine"
    assert panel.instruction.toPlainText() == ""
    return image


def test_refine_turns_back_to_parent_and_a_branch(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    parts.settings.update(provider="demo")
    root = add_image(arun, parts, "a red fox in the snow", png_bytes((512, 512)))
    wait_gallery(qtbot, parts, 1)
    viewer = _open(qtbot, parts)
    assert f"#{root.id}" in viewer.refine.source.text()
    assert not viewer.refine.back.isEnabled()  # the root has no parent
    one = _turn(qtbot, viewer, "make it dusk, keep the fox")
    assert one.params["response"]["image_sent"] is True  # made by the Images API: the image is sent
    two = _turn(qtbot, viewer, "加上飘雪", keys=True)
    assert two.params["previous_response_id"] == refine.stored_response(one)[0]
    # undo a step: back to the parent, then a branch from there
    assert viewer.refine.back.isEnabled()
    qtbot.mouseClick(viewer.refine.back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == one.id, timeout=10000)
    branch = _turn(qtbot, viewer, "add rain")
    assert branch.params["previous_response_id"] == refine.stored_response(one)[0]
    # the lineage shows the refine turns with their instructions, the branch under the same step
    viewer.side.setCurrentWidget(viewer.lineage)
    qtbot.waitUntil(lambda: viewer.lineage.item_for(branch.id) is not None, timeout=10000)
    one_item = viewer.lineage.item_for(one.id)
    assert one_item is not None and one_item.parent() is viewer.lineage.item_for(root.id)
    children = [one_item.child(i).text(0) for i in range(one_item.childCount())]
    assert children == [f"#{two.id}  Refine: 加上飘雪", f"#{branch.id}  Refine: add rain"]
    # the shown step is a refine turn: its instruction, not a word diff against the parent's text
    assert viewer.lineage.detail.text() == f"Refine turn #{branch.id} from #{one.id}, instruction:<br>add rain"


def test_gallery_menu_opens_the_refine_tab(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    add_image(arun, parts, "a blue kite", png_bytes((256, 256)))
    wait_gallery(qtbot, parts, 1)
    view = parts.window.gallery.view
    view.setCurrentIndex(parts.gallery_model.index(0))
    rect = view.visualRect(parts.gallery_model.index(0))
    chosen: list[str] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            return
        action = next(a for a in menu.actions() if a.text().replace("&", "").startswith("Refine in conversation"))
        menu.setActiveAction(action)
        chosen.append(action.text())
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(300, pick)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
    # the window system follows a right click with a context-menu event (QTest's click does not send it)
    global_pos = view.viewport().mapToGlobal(rect.center())
    QApplication.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, rect.center(), global_pos)
    )
    qtbot.waitUntil(lambda: bool(chosen), timeout=5000)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer is not None and viewer.isVisible(), timeout=10000)
    assert viewer.side.currentWidget() is viewer.refine


def _fox_on_the_simulator(qtbot: Any, make_app: Any, arun: Any, simulator: OpenAISimulator) -> tuple[Any, Any]:
    """The app refining through the simulator's Responses API, with one image in its gallery."""
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url, refine_text_model="gpt-4.1-mini")
    fox = add_image(arun, parts, "a red fox in the snow", png_bytes((256, 256)))
    wait_gallery(qtbot, parts, 1)
    return parts, fox


@pytest.mark.parametrize("how", ["click", "esc"])
def test_cancel_a_streaming_turn_keeps_the_instruction(
    qtbot: Any, make_app: Any, arun: Any, simulator: OpenAISimulator, how: str
) -> None:
    """A turn streaming from the simulator (held open after its first partial): Cancel (a real click, or Esc in the
    instruction) cancels the job through the queue; the request was sent, so the ledger has a "possibly charged"
    line; the panel is ready again with the instruction kept, and the viewer stays open."""
    parts, _fox = _fox_on_the_simulator(qtbot, make_app, arun, simulator)
    gate = simulator.image_tool.hold_next()
    try:
        viewer = _open(qtbot, parts)
        panel = viewer.refine
        assert not panel.cancel_button.isVisible()
        panel.instruction.setFocus()
        qtbot.keyClicks(panel.instruction, "make it dusk")
        qtbot.mouseClick(panel.send, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.cancel_button.isVisible() and not panel.send.isVisible(), timeout=5000)
        # the request is out and streaming: its first preview is shown
        qtbot.waitUntil(lambda: panel.preview.pixmap() is not None and not panel.preview.pixmap().isNull(),
                        timeout=20000)  # fmt: skip
        if how == "click":
            qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        else:
            panel.instruction.setFocus()
            qtbot.keyClick(panel.instruction, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    finally:
        gate.set()
    assert viewer.isVisible()  # Esc cancelled the turn, it did not close the viewer
    assert "Cancelled" in panel.status.text()
    assert panel.instruction.toPlainText() == "make it dusk"  # kept, to edit and send again
    assert panel.send.isVisible() and panel.send.isEnabled() and not panel.cancel_button.isVisible()
    jobs = [j for j in parts.controller.jobs() if j.kind == "refine"]
    assert [j.state for j in jobs] == [JobState.CANCELLED]
    ledger = Ledger(parts.paths.data, FixedClock(dt.datetime(2026, 12, 7)))
    [line] = [e for e in ledger.entries() if e.kind == "refine"]
    assert line.possibly_charged and line.cost_usd > 0
    assert not simulator.image_tool.turns


def test_an_answer_with_two_images_shows_the_last_and_keeps_both(
    qtbot: Any, make_app: Any, arun: Any, simulator: OpenAISimulator
) -> None:
    parts, root = _fox_on_the_simulator(qtbot, make_app, arun, simulator)
    simulator.image_tool.next_answer(images=2)  # the model calls the image tool twice
    viewer = _open(qtbot, parts)
    last = _turn(qtbot, viewer, "two takes: dusk and dawn")
    [turn] = simulator.image_tool.turns
    assert last.params["response"]["image_call_id"] == turn.call_ids[1]
    first_id = last.id - 1
    assert f"#{first_id}, #{last.id}" in viewer.refine.status.text()
    viewer.side.setCurrentWidget(viewer.lineage)
    qtbot.waitUntil(lambda: viewer.lineage.item_for(first_id) is not None, timeout=10000)
    root_item = viewer.lineage.item_for(root.id)
    assert root_item is not None and root_item.childCount() == 2  # siblings, none dropped


def test_cancel_before_the_turn_is_queued_still_cancels_it(
    qtbot: Any, make_app: Any, arun: Any, simulator: OpenAISimulator
) -> None:
    """Cancel clicked right after Send, before the job's row is written (its id is still 0): the cancel waits for
    the row and then ends the job; nothing is saved and the instruction stays."""
    parts, _fox = _fox_on_the_simulator(qtbot, make_app, arun, simulator)
    gate = simulator.image_tool.hold_next()
    try:
        viewer = _open(qtbot, parts)
        panel = viewer.refine
        panel.instruction.setFocus()
        qtbot.keyClicks(panel.instruction, "make it dusk")
        qtbot.mouseClick(panel.send, Qt.MouseButton.LeftButton)
        job = panel._job
        assert job is not None and job.id == 0  # not written yet
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not panel.busy, timeout=10000)
    finally:
        gate.set()
    assert job.id != 0 and job.state is JobState.CANCELLED and not job.image_ids
    assert panel.instruction.toPlainText() == "make it dusk"
    assert not simulator.image_tool.turns
