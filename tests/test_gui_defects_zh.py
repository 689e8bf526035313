"""Texts the Chinese interface showed in English (issue 17): the size error, "Base URL", the provider "demo"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel

from imagestudio.app import i18n
from imagestudio.core.paths import AppPaths
from imagestudio.core.secrets import KeyStore
from imagestudio.main import compose
from tools import translations

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qm")
    translations.release(translations.TS, folder / "imagestudio_zh_CN.qm")
    return folder


@pytest.fixture
def chinese_app(qtbot: Any, arun: Any, catalogue: Path, paths: AppPaths) -> Iterator[Any]:
    installed = i18n.install("zh_CN", ours=catalogue)
    parts = compose(paths, KeyStore(environ={}), demo_latency=0.05, language="zh_CN")
    parts.window.show()
    qtbot.waitExposed(parts.window)
    arun(parts.start())
    try:
        yield parts
    finally:
        arun(parts.shutdown())
        parts.window.close()
        installed.uninstall()
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_size_error_base_url_and_demo_provider_are_chinese(qtbot: Any, chinese_app: Any) -> None:
    parts = chinese_app
    editor = parts.window.prompt_editor
    size_box = editor.size_box
    size_box.setFocus()
    size_box.lineEdit().selectAll()
    qtbot.keyClicks(size_box.lineEdit(), "1000x7")
    note = editor.options.size_note
    assert note.isVisibleTo(editor) and _has_chinese(note.text()), note.text()
    assert "multiples" not in note.text() and "pixels" not in note.text()

    pane = parts.window.settings_pane
    [label] = [w for w in pane.findChildren(QLabel) if w.buddy() is pane.base_url]
    assert label.text() == "基础 URL(&B)"
    assert pane.base_url.accessibleName() == "基础 URL"

    # a demo job's row names its provider in Chinese
    pane.provider.setCurrentIndex(pane.provider.findData("demo"))
    size_box.lineEdit().selectAll()
    qtbot.keyClicks(size_box.lineEdit(), "1024x1024")
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "a red fox in the snow")  # keyClicks types Latin-1 only
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(parts.controller.jobs()), timeout=10000)
    job = parts.controller.jobs()[0]
    row = parts.window.jobs_panel.row(job.id)
    assert row.state.text().endswith("· 演示"), row.state.text()
    assert "demo" not in row.state.text()


def test_keyboard_shortcuts_in_chinese_show_no_mnemonic_markers(qtbot: Any, chinese_app: Any) -> None:
    parts = chinese_app
    parts.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parts.window)
    qtbot.keyClick(parts.window, Qt.Key.Key_F1)
    dialog = parts.window.menus.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    marked = [e for e in dialog.entries if re.search(r"[(（][A-Z][)）]", e.name + e.place)]
    assert marked == []  # "导出", not "导出(E)"
    assert any(e.name == "收藏" and e.keys == "F" and e.place == "查看器" for e in dialog.entries)
    dialog.close()
