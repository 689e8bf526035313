"""Issue 17's smaller defects, each tried with real clicks and keys: the lineage diff keeps its spaces, the File
menu's order, the Profiles dialog's mnemonics, untranslated texts, the Base URL field, quitting with a paused
queue."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMenu

from tests.gui_images import add_image, png_bytes, wait_gallery
from tools import translations

pytestmark = pytest.mark.gui


def _active_window(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


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


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def _mnemonics(dialog: Any) -> list[str]:
    texts = [b.text() for b in dialog.findChildren(QAbstractButton) if b.isVisibleTo(dialog)]
    texts += [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    return [m for m in map(_mnemonic, texts) if m]


def test_the_profiles_dialogs_mnemonics_are_unique_and_work(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    box = parts.window.profiles_box
    qtbot.mouseClick(box.manage, Qt.MouseButton.LeftButton)
    dialog = box.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    letters = _mnemonics(dialog)
    assert len(letters) >= 12 and len(letters) == len(set(letters)), sorted(letters)
    qtbot.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert dialog.name.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert dialog.kind.hasFocus()
    # the Chinese catalogue gives every one of them its own letter too
    root = ET.parse(translations.TS).getroot()
    context = next(c for c in root.iter("context") if c.findtext("name") == "ProfilesDialog")
    zh = [
        _mnemonic(m.findtext("translation") or "") for m in context.iter("message") if "&" in m.findtext("source", "")
    ]
    zh_letters = [m for m in zh if m]
    assert len(zh_letters) == len(set(zh_letters)), sorted(zh_letters)


def _field_colour(field: Any) -> str:
    image = field.grab().toImage()
    return image.pixelColor(image.width() - 6, image.height() // 2).name()  # inside the frame, right of any text


def test_the_base_url_field_is_greyed_with_a_reason_unless_custom(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    parts.window.activateWindow()
    pane = parts.window.settings_pane
    combo, field, hint = pane.provider, pane.base_url, pane.base_url_hint
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert combo.currentData() == "openai"
    assert not field.isEnabled()
    assert hint.isVisibleTo(pane) and "OpenAI" in hint.text() and "custom server" in hint.text()
    assert field.toolTip() == hint.text()
    greyed = _field_colour(field)
    assert greyed != _field_colour(pane.key)  # the enabled key field beside it looks different
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == "demo" and not field.isEnabled() and "offline" in hint.text()
    qtbot.keyClick(combo, Qt.Key.Key_End)
    assert combo.currentData() == "custom" and field.isEnabled() and not hint.isVisibleTo(pane)
    assert _field_colour(field) == _field_colour(pane.key) != greyed


def test_an_empty_search_says_so_and_offers_everything_again(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    gallery = parts.window.gallery
    empty = gallery.empty_state
    qtbot.waitUntil(lambda: empty.isVisible(), timeout=5000)  # a new library: what to do first
    assert empty.title.text() == "No images yet" and "Generate" in empty.hint.text()
    assert not empty.show_all.isVisible()
    add_image(arun, parts, "a lighthouse at dusk", png_bytes((300, 200)))
    wait_gallery(qtbot, parts, 1)
    assert not empty.isVisible()
    search = gallery.search.text
    search.setFocus()
    qtbot.keyClicks(search, "zebra")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: empty.isVisible(), timeout=5000)
    assert empty.title.text() == "No images match “zebra”" and "fewer" in empty.hint.text()
    assert empty.geometry() == gallery.view.viewport().rect()  # over the whole pane, not a blank one
    qtbot.mouseClick(empty.show_all, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: parts.gallery_model.rowCount() == 1, timeout=5000)
    assert search.text() == "" and not empty.isVisible()
    # the empty trash says what it is
    sidebar = gallery.sidebar
    trash = sidebar.trash_item
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=sidebar.visualItemRect(trash).center())
    qtbot.waitUntil(lambda: empty.isVisible(), timeout=5000)
    assert empty.title.text() == "The trash is empty"


def _right_click_first(qtbot: Any, parts: Any) -> Any:
    view = parts.window.gallery.view
    rect = view.visualRect(parts.gallery_model.index(0))
    # through the window (as the window system delivers them): Qt makes the context-menu event from the press
    at = view.viewport().mapTo(parts.window, rect.center())
    handle = parts.window.windowHandle()
    QTest.mouseClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseClick(handle, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)

    def shown() -> QMenu | None:
        menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
        return menus[0] if menus else None

    qtbot.waitUntil(lambda: shown() is not None, timeout=3000)
    return shown()


def _click_menu_item(qtbot: Any, menu: Any, text: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_the_context_menu_opens_exports_reuses_and_shows_favourite_state(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    image = add_image(arun, parts, "a lighthouse at dusk", png_bytes((300, 200)))
    wait_gallery(qtbot, parts, 1)
    parts.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parts.window)
    menu = _right_click_first(qtbot, parts)
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[:4] == ["Open in viewer", "Edit selected", "Export…", "Reuse settings"]
    favourite = next(a for a in menu.actions() if a.text() == "Favourite")
    assert favourite.isCheckable() and not favourite.isChecked()
    _click_menu_item(qtbot, menu, "Favourite")
    qtbot.waitUntil(lambda: parts.library.library.db.get(image.id).favourite, timeout=5000)

    def shown_starred() -> bool:  # the tile shows the new state (its row is read again on the next paint)
        parts.window.gallery.view.viewport().repaint()
        details = parts.gallery_model.details(image.id)
        return details is not None and details.favourite

    qtbot.waitUntil(shown_starred, timeout=5000)
    menu = _right_click_first(qtbot, parts)
    favourite = next(a for a in menu.actions() if a.text() == "Favourite")
    assert favourite.isChecked()  # the menu shows the state
    _click_menu_item(qtbot, menu, "Reuse settings")
    editor = parts.window.prompt_editor
    qtbot.waitUntil(lambda: editor.prompt.toPlainText() == "a lighthouse at dusk", timeout=5000)
    assert editor.drafts.tabs.count() == 2 and "Reused settings" in editor.notice.text()
    menu = _right_click_first(qtbot, parts)
    _click_menu_item(qtbot, menu, "Export…")
    qtbot.waitUntil(lambda: parts.window.media.export_dialog is not None, timeout=5000)
    parts.window.media.export_dialog.reject()
    parts.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parts.window)
    menu = _right_click_first(qtbot, parts)
    _click_menu_item(qtbot, menu, "Open in viewer")
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer is not None and viewer.isVisible() and viewer.current_id == image.id)


def test_the_export_dialog_keeps_its_example_name_in_view_and_opens_the_folder(
    qtbot: Any, make_app: Any, arun: Any, tmp_path: Any
) -> None:
    parts = make_app()
    for i in range(3):
        add_image(arun, parts, f"lighthouse {i} at dusk by a long coast road", png_bytes((400, 300), (40 * i, 90, 90)))
    wait_gallery(qtbot, parts, 3)
    _active_window(qtbot, parts.window)
    view = parts.window.gallery.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # Export…
    qtbot.waitUntil(lambda: parts.window.media.export_dialog is not None, timeout=10000)
    dialog = parts.window.media.export_dialog
    qtbot.waitExposed(dialog)
    dialog.template.selectAll()
    qtbot.keyClicks(dialog.template, "{date}-{time}-{model}-{prompt}-{width}x{height}-{id}")
    preview = dialog.preview

    def name_in_view() -> bool:  # the example name's every line fits in the label
        return preview.isVisible() and preview.height() >= preview.heightForWidth(preview.width())

    assert preview.text().startswith("e.g. ") and name_in_view()
    out = tmp_path / "exported"
    dialog.directory.selectAll()
    qtbot.keyClicks(dialog.directory, str(out))
    opened: list[QUrl] = []
    dialog.open_url = opened.append
    assert not dialog.open_folder.isVisible()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.open_folder.isVisible(), timeout=15000)  # offered once files are written
    assert name_in_view() and dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())
    assert len(list(out.iterdir())) == 3
    qtbot.mouseClick(dialog.open_folder, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(out))]
    dialog.reject()
