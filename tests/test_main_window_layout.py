"""The gallery-first main window, driven with real events: the gallery's share of the width on a laptop and a
desktop screen, Generate and its estimate in view (also under a validation message), Settings from every route,
the thumbnail size (control and Ctrl+wheel) and the tiles' hover buttons, the jobs list following new jobs."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from imagestudio.core.paths import AppPaths
from imagestudio.core.types import JobState
from imagestudio.main import Composition
from tests.gui_images import add_image, png_bytes
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui

#: the window the app opens on each screen (ui/main_window.py fit_to_screen: the free area less a title bar),
#: and a maximised one on the large screen
SCREENS = {"1366x768": (1358, 732), "1920x1080": (1600, 1000), "1920x1080 maximised": (1920, 1044)}


def _at(qtbot: Any, parts: Composition, size: tuple[int, int]) -> None:
    window = parts.window
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    qtbot.waitUntil(lambda: window.gallery.view.viewport().width() > 0)


def wait_gallery(qtbot: Any, parts: Composition, rows: int) -> None:
    """``rows`` images in the gallery, their details loaded (the view asks for what it paints)."""
    model = parts.gallery_model

    def ready() -> bool:
        parts.window.gallery.view.viewport().repaint()
        return model.rowCount() >= rows and all(model.details(model.image_id(r)) is not None for r in range(rows))

    qtbot.waitUntil(ready, timeout=15000)


def _in_window(widget: QWidget) -> bool:
    """The whole widget is on screen inside the window, and nothing between clips it."""
    window = widget.window()
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    unclipped = widget.visibleRegion().boundingRect() == widget.rect()
    return widget.isVisible() and window.rect().contains(rect) and unclipped


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_gallery_gets_most_of_the_width_and_fills_it(qtbot: Any, make_app: Any, arun: Any, screen: str) -> None:
    parts = make_app()
    for i in range(9):
        add_image(arun, parts, f"tile {i}", png_bytes((64, 64), (20 * i, 90, 40)))
    wait_gallery(qtbot, parts, 9)
    _at(qtbot, parts, SCREENS[screen])
    window, view = parts.window, parts.window.gallery.view
    assert window.gallery.width() / window.width() >= 0.6
    assert view.width() / window.width() >= 0.6  # the thumbnails themselves, beside the library's sidebar
    # whole columns across the width: no strip beside them
    row = [view.visualRect(parts.gallery_model.index(i)) for i in range(9)]
    first_line = [r for r in row if r.y() == row[0].y()]
    assert len(first_line) >= 3
    assert view.viewport().width() - first_line[-1].right() <= len(first_line) + 2


def test_generate_and_the_estimate_stay_in_view_on_a_laptop_with_a_message_showing(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    _at(qtbot, parts, SCREENS["1366x768"])
    editor = parts.window.prompt_editor
    qtbot.waitUntil(lambda: editor.footer.estimate.text() != "")  # the figure beside Generate
    assert _in_window(editor.footer.estimate) and _in_window(editor.generate_button)
    # nothing typed: Generate refuses with a message; the button and the figure stay where they are
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.error.isVisible())
    assert _in_window(editor.error) and _in_window(editor.generate_button) and _in_window(editor.footer.estimate)
    # the fields most requests need are in view too, above the fold
    for field in (editor.prompt, editor.model, editor.size_box, editor.quality, editor.count):
        assert _in_window(field), field.accessibleName()
    assert not editor.options.output_format.isVisible()  # under "More options"
    qtbot.mouseClick(editor.more_options.toggle, Qt.MouseButton.LeftButton)
    assert editor.options.output_format.isVisible() and _in_window(editor.generate_button)


def test_the_estimate_follows_the_options(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    qtbot.waitUntil(lambda: editor.footer.estimate.text() != "")
    one = editor.footer.estimate.text()
    assert one.startswith("≈ $")  # gpt-image-2 at "auto" quality: an estimate, said so
    editor.count.setFocus()
    qtbot.keyClick(editor.count, Qt.Key.Key_Up)
    qtbot.keyClick(editor.count, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: editor.footer.estimate.text() not in ("", one))


def test_ctrl_comma_the_menu_and_the_banner_open_the_settings_window(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    window = parts.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert not window.settings_pane.isVisible()  # no permanent column
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.settings_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and window.settings_pane.isAncestorOf(QApplication.focusWidget()))
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "Settings" in [a.text().replace("&", "").rstrip("…") for a in window.file_menu.actions()]
    # the banner (no key yet, demo provider): "Add key…" opens it at the key field
    assert window.banner.isVisible()
    qtbot.mouseClick(window.banner.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.focusWidget() is window.settings_pane.key)


def _cell_height(parts: Composition) -> int:
    """A tile's height: the thumbnail's edge and the caption (its width fills the row with whole columns)."""
    return parts.window.gallery.view.visualRect(parts.gallery_model.index(0)).height()


def test_thumbnail_size_from_the_control_and_ctrl_wheel(qtbot: Any, make_app: Any, arun: Any, paths: AppPaths) -> None:
    parts = make_app()
    for i in range(4):
        add_image(arun, parts, f"tile {i}", png_bytes((64, 64), (20 * i, 90, 40)))
    wait_gallery(qtbot, parts, 4)
    _at(qtbot, parts, SCREENS["1366x768"])
    gallery = parts.window.gallery
    view, slider = gallery.view, gallery.thumb_slider
    start, cell = view.thumb_size, _cell_height(parts)
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: view.thumb_size > start)
    assert _cell_height(parts) > cell
    bigger = view.thumb_size
    # Ctrl+wheel towards the person: smaller, and the control follows
    at = QPointF(view.viewport().rect().center())
    for _ in range(3):
        wheel = QWheelEvent(
            at, QPointF(view.viewport().mapToGlobal(at.toPoint())), QPoint(0, 0), QPoint(0, -120),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(view.viewport(), wheel)
    qtbot.waitUntil(lambda: view.thumb_size < bigger)
    assert slider.value() == view.thumb_size and _cell_height(parts) < cell
    qtbot.waitUntil(lambda: parts.settings.current.thumb_size == view.thumb_size)  # kept for the next start
    # and from the keyboard, while the gallery has the focus
    view.setFocus()
    smaller = view.thumb_size
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.thumb_size > smaller and slider.value() == view.thumb_size
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.thumb_size == smaller


def test_a_tiles_hover_buttons_favourite_open_and_more(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    image = add_image(arun, parts, "a tile to favourite", png_bytes((64, 64)))
    wait_gallery(qtbot, parts, 1)
    _at(qtbot, parts, SCREENS["1366x768"])
    from imagestudio.ui.gallery.tile import action_rects

    view = parts.window.gallery.view
    cell = view.visualRect(parts.gallery_model.index(0))
    buttons = action_rects(cell, view.thumb_size)
    qtbot.mouseMove(view.viewport(), cell.center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=buttons["favourite"].center())
    qtbot.waitUntil(lambda: (d := parts.gallery_model.details(image.id)) is not None and d.favourite, timeout=5000)
    assert view.selected_ids() == []  # the button acted on its tile without selecting it
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=buttons["open"].center())
    media = parts.window.media
    assert media is not None
    qtbot.waitUntil(lambda: media.viewer is not None and media.viewer.isVisible())
    media.viewer.close()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=buttons["more"].center())
    qtbot.waitUntil(lambda: any(m.isVisible() for m in parts.window.gallery.findChildren(QMenu)))
    assert view.selected_ids() == [image.id]  # the menu acts on this image
    for menu in parts.window.gallery.findChildren(QMenu):
        menu.close()


def test_the_jobs_list_scrolls_to_a_new_job(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    _at(qtbot, parts, SCREENS["1366x768"])
    window = parts.window
    panel, editor = window.jobs_panel, window.prompt_editor
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)  # they wait: the rows stay
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "a lighthouse")
    for n in range(1, 9):
        qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=n: len(panel.order()) == n, timeout=5000)
    assert panel.list_area.verticalScrollBar().maximum() > 0  # more rows than fit
    qtbot.waitUntil(lambda: _row_in_view(panel, panel.order()[-1]))


def _row_in_view(panel: Any, job_id: int) -> bool:
    row, viewport = panel.row(job_id), panel.list_area.viewport()
    return viewport.rect().contains(QRect(row.mapTo(viewport, QPoint(0, 0)), row.size()))


def test_the_jobs_list_scrolls_to_a_job_that_failed(qtbot: Any, make_app: Any, simulator: OpenAISimulator) -> None:
    parts = make_app()
    _at(qtbot, parts, SCREENS["1366x768"])
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url, queue_concurrency=1)
    panel, editor = parts.window.jobs_panel, parts.window.prompt_editor
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "out of credit")
    for n in range(1, 7):
        qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=n: len(panel.order()) == n, timeout=5000)
    first = panel.order()[0]
    qtbot.waitUntil(lambda: _row_in_view(panel, panel.order()[-1]) and not _row_in_view(panel, first))
    simulator.fail_next(429, code="insufficient_quota")  # the first job to run fails (and is not retried)
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: parts.controller.job(first).state is JobState.FAILED, timeout=10000)
    qtbot.waitUntil(lambda: _row_in_view(panel, first))  # scrolled back up to it


def test_more_options_says_what_is_chosen_inside_while_it_is_closed(qtbot: Any, make_app: Any) -> None:
    editor = make_app().window.prompt_editor
    fold, background = editor.more_options, editor.options.background
    assert fold.toggle.text().startswith("More options: PNG")
    qtbot.mouseClick(fold.toggle, Qt.MouseButton.LeftButton)  # open: the choices themselves are in view
    assert fold.toggle.text() == "More options" and background.isVisible()
    background.setFocus()
    for _ in range(5):
        if background.currentData() == "transparent":
            break
        qtbot.keyClick(background, Qt.Key.Key_Down)
    assert background.currentData() == "transparent"
    qtbot.mouseClick(fold.toggle, Qt.MouseButton.LeftButton)  # closed again: said on the fold
    assert not background.isVisible()
    assert fold.toggle.text() == f"More options: PNG · {background.currentText()}"
