"""Keyboard and accessibility: every control has a name a screen reader can say, Tab reaches prompt → options →
Generate, every action with a key is listed in Help → Keyboard shortcuts, no two window-wide actions share a key."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QWidget

from imagestudio.core.paths import AppPaths
from imagestudio.ui.dialogs.shortcuts_dialog import ShortcutsDialog, collect
from tests.test_gui import _type_prompt_and_generate, _wait_for_thumbnail

pytestmark = pytest.mark.gui


def _focusable(root: QWidget) -> list[QWidget]:
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root) and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.window() is root
    ]


def _spoken_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name).strip() if iface is not None else ""


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for w in _focusable(root):
        if w.objectName() == "qt_scrollarea_viewport":
            continue
        if isinstance(w.parentWidget(), QAbstractButton | QAbstractSpinBox | QComboBox):  # parts of one control
            continue
        if not _spoken_name(w):
            missing.append(f"{type(w).__name__}({w.objectName() or '?'}) in {type(w.parentWidget()).__name__}")
    return missing


def test_every_focusable_control_in_the_main_window_has_an_accessible_name(make_app: Any) -> None:
    parts = make_app()
    assert _unnamed(parts.window) == []


def test_dialogs_have_accessible_names_too(make_app: Any) -> None:
    parts = make_app()
    menus = parts.window.menus
    parts.window.show_settings()
    for dialog in (menus.show_onboarding(), menus.show_presets(), menus.show_shortcuts(), parts.window.settings_dialog):
        assert _unnamed(dialog) == [], type(dialog).__name__
        dialog.close()
    menus.onboarding.provider_page.custom.setChecked(True)
    menus.onboarding.next()
    assert _unnamed(menus.onboarding) == []
    menus.onboarding.reject()


def test_tab_order_goes_prompt_then_options_then_generate(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    parts.window.activateWindow()
    editor = parts.window.prompt_editor
    options = getattr(editor, "options", editor)
    editor.prompt.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.prompt)
    visited: list[QWidget] = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
        if visited[-1] is editor.generate_button:
            break
    assert visited[-1] is editor.generate_button, [type(w).__name__ for w in visited]
    assert options.size_box in visited or options.size_box.lineEdit() in visited
    assert options.quality in visited and options.count in visited
    # and Generate works from the keyboard
    editor.prompt.setPlainText("a lighthouse at dusk")
    qtbot.keyClick(editor.generate_button, Qt.Key.Key_Space)
    _wait_for_thumbnail(qtbot, parts, 1)


def test_every_shortcut_is_listed_in_help_keyboard_shortcuts(make_app: Any) -> None:
    parts = make_app()
    window = parts.window
    dialog = window.menus.show_shortcuts()
    assert isinstance(dialog, ShortcutsDialog)
    listed = {(e.name, e.keys) for e in dialog.entries}
    native = QKeySequence.SequenceFormat.NativeText
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            if seq.isEmpty() or not action.text():
                continue
            assert any(seq.toString(native) in keys for _name, keys in listed), action.text()
    names = {name for name, _ in listed}
    assert {"Quit", "Keyboard shortcuts", "Go to prompt", "Choose a preset"} <= names
    assert any("Ctrl+Return" in keys or "Ctrl+Enter" in keys for _, keys in listed)  # Generate (a QShortcut)
    dialog.filter.setText("quit")
    visible = [r for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert [dialog.entries[r].name for r in visible] == ["Quit"]
    dialog.close()


def test_window_wide_shortcuts_do_not_clash(make_app: Any) -> None:
    parts = make_app()
    window_wide = (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    native = QKeySequence.SequenceFormat.NativeText
    keys = Counter(
        seq.toString(native)
        for action in parts.window.findChildren(QAction)
        if action.shortcutContext() in window_wide
        for seq in action.shortcuts()
        if not seq.isEmpty()
    )
    assert [k for k, n in keys.items() if n > 1] == []
    assert collect(parts.window)  # and the list is not empty


def test_pane_shortcuts_move_the_focus(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    window = parts.window
    window.activateWindow()
    go = {a.text().replace("&", ""): a for a in window.findChildren(QAction) if a.text().startswith("Go to")}
    go["Go to prompt"].trigger()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.prompt_editor.prompt)
    go["Go to gallery"].trigger()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.gallery.view)


def test_gallery_items_expose_prompt_and_date(qtbot: Any, make_app: Any, paths: AppPaths) -> None:
    parts = make_app()
    _type_prompt_and_generate(qtbot, parts, "a red fox running in snow")
    _wait_for_thumbnail(qtbot, parts, 1)
    model = parts.gallery_model
    text = model.data(model.index(0), Qt.ItemDataRole.AccessibleTextRole)
    assert "a red fox running in snow" in text
    assert any(ch.isdigit() for ch in text.splitlines()[-1])  # the date
    assert model.data(model.index(0), Qt.ItemDataRole.ToolTipRole) == text
