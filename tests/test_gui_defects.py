"""Issue 17's smaller defects, each tried with real clicks and keys: the lineage diff keeps its spaces, the File
menu's order, the Profiles dialog's mnemonics, untranslated texts, the Base URL field, quitting with a paused
queue."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from tests.gui_images import add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def _open_first_with_enter(qtbot: Any, parts: Any) -> Any:
    view = parts.window.gallery.view
    view.setFocus()
    view.setCurrentIndex(parts.gallery_model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: viewer.current is not None, timeout=10000)
    return viewer


def test_the_lineage_diff_keeps_the_spaces_between_words(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    root = add_image(arun, parts, "a red fox running in the snow", png_bytes((300, 200)))
    add_image(arun, parts, "a red fox walking in the snow", png_bytes((300, 200), (9, 9, 9)), parents=(root.id,))
    wait_gallery(qtbot, parts, 2)
    viewer = _open_first_with_enter(qtbot, parts)
    side = viewer.side
    tab_bar = side.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(1).center())
    assert side.currentWidget() is viewer.lineage
    qtbot.waitUntil(lambda: "line-through" in viewer.lineage.detail.text(), timeout=10000)
    shown = QTextDocument()
    shown.setHtml(viewer.lineage.detail.text())
    assert shown.toPlainText().endswith("a red fox running walking in the snow")
    assert "running</span> <span" in viewer.lineage.detail.text()  # the space is outside the strike-through


def test_check_library_is_above_quit_which_is_last(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    bar = parts.window.menuBar()
    file_action = bar.actions()[0]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_action).center())
    menu = file_action.menu()
    qtbot.waitUntil(menu.isVisible)
    items = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert items[-1] == "Quit"
    assert items.index("Check library…") < items.index("Quit")
    menu.hide()
