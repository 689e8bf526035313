"""Chinese interface: the .ts covers every tr() text in the code, the .qm builds and loads with Qt's own zh_CN,
and the composed main window (menus, dialogs) shows no English text that should have been translated."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from imagestudio.app import i18n
from imagestudio.core.paths import AppPaths
from imagestudio.core.secrets import KeyStore
from imagestudio.main import compose
from tools import translations

pytestmark = pytest.mark.gui

#: words that are the same in Chinese: names, formats, keys, units
ALLOWED = {
    "imagestudio", "openai", "api", "url", "base", "png", "jpeg", "jpg", "webp", "gif", "svg", "demo", "c2pa", "exif",
    "xmp", "iptc", "digitalsourcetype", "trainedalgorithmicmedia", "srgb", "ctrl", "enter", "return", "shift", "del",
    "gpt", "image", "sunburst", "flare", "luna", "http", "https", "key", "keys", "sk", "token", "tokens", "json",
    "auto", "chatgpt", "billing", "create", "new", "zip", "csv",
    "secret", "platform", "com", "org", "www", "ledger", "openai_api_key", "ids", "qt", "esc", "tab", "space",
    "english",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_']{2,}")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .qm built from the committed .ts by pyside6-lrelease, as `make translations` does."""
    folder = tmp_path_factory.mktemp("qm")
    translations.release(translations.TS, folder / "imagestudio_zh_CN.qm")
    return folder


@pytest.fixture
def chinese(catalogue: Path) -> Iterator[i18n.InstalledLanguage]:
    installed = i18n.install("zh_CN", ours=catalogue)
    yield installed
    installed.uninstall()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def test_every_translatable_text_in_the_code_is_translated(tmp_path: Path) -> None:
    """lupdate over today's code into a copy of the .ts: a new or changed text shows up unfinished."""
    ts = tmp_path / "check.ts"
    shutil.copy(translations.TS, ts)
    translations.update(ts)
    missing = translations.unfinished(ts)
    assert missing == [], "run `make update-translations` and translate:\n" + "\n".join(map(str, missing))


def test_committed_ts_has_no_unfinished_or_obsolete_entries() -> None:
    assert translations.unfinished(translations.TS) == []
    text = translations.TS.read_text(encoding="utf-8")
    assert 'type="vanished"' not in text and 'type="obsolete"' not in text


def test_chinese_catalogues_load_ours_and_qts(qapp: Any, chinese: i18n.InstalledLanguage) -> None:
    assert chinese.language == "zh_CN" and chinese.missing == []
    assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
    assert QCoreApplication.translate("GalleryPane", "%n image(s)", "", 3) == "3 张图片"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts & {"取消", "取消(C)"} and not texts & {"Cancel", "OK"}  # Qt's own qtbase_zh_CN
    assert QLocale().language() is QLocale.Language.Chinese
    assert i18n.format_usd(1234.5) == "$1,234.50"
    assert "2025" in i18n.format_datetime(datetime(2025, 3, 4, 14, 5))


def test_language_follows_the_system_unless_overridden() -> None:
    assert i18n.resolve_language("system", QLocale("zh_CN")) == "zh_CN"
    assert i18n.resolve_language("system", QLocale("zh_TW")) == "zh_CN"
    assert i18n.resolve_language("system", QLocale("de_DE")) == "en"
    assert i18n.resolve_language("en", QLocale("zh_CN")) == "en"
    assert i18n.resolve_language("zh_CN", QLocale("en_GB")) == "zh_CN"


def test_a_missing_catalogue_is_logged_not_fatal(qapp: Any, tmp_path: Path) -> None:
    installed = i18n.install("zh_CN", ours=tmp_path, qt_translations=tmp_path)
    try:
        assert installed.missing == ["qtbase_zh_CN", "imagestudio_zh_CN"]
        assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    finally:
        installed.uninstall()
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def _texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text a person can see or hear in ``root``."""
    for w in [root, *root.findChildren(QWidget)]:
        kind = type(w).__name__
        yield kind + ".accessibleName", w.accessibleName()
        yield kind + ".accessibleDescription", w.accessibleDescription()
        yield kind + ".toolTip", w.toolTip()
        if w.isWindow():
            yield kind + ".windowTitle", w.windowTitle()
        if isinstance(w, QLabel):
            yield kind + ".text", re.sub(r"<[^>]+>", " ", w.text())
        if isinstance(w, QAbstractButton):
            yield kind + ".text", w.text()
        if isinstance(w, QGroupBox):
            yield kind + ".title", w.title()
        if isinstance(w, QLineEdit | QPlainTextEdit):
            yield kind + ".placeholder", w.placeholderText()
        if isinstance(w, QComboBox) and not w.isEditable():
            for i in range(w.count()):
                yield kind + ".item", w.itemText(i)
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield kind + ".tab", w.tabText(i)
        if isinstance(w, QMenu):
            yield kind + ".title", w.title()
    for action in root.findChildren(QAction):
        yield "QAction.text", action.text()
        yield "QAction.toolTip", action.toolTip() if action.toolTip() != action.text().replace("&", "") else ""


def _english(root: QWidget) -> list[str]:
    found = []
    for where, text in _texts(root):
        words = [w for w in WORD.findall(re.sub(r"https?://\S+|\{\w+\}|gpt-[\w.-]+", " ", text or ""))]
        if [w for w in words if w.lower() not in ALLOWED]:
            found.append(f"{where}: {text!r}")
    return sorted(set(found))


def test_main_window_and_dialogs_show_no_english_under_zh_cn(
    qtbot: Any, paths: AppPaths, qloop: Any, arun: Any, chinese: i18n.InstalledLanguage
) -> None:
    parts = compose(paths, KeyStore(environ={}), demo_latency=0.05, language="zh_CN")
    try:
        parts.window.show()
        qtbot.waitExposed(parts.window)
        arun(parts.start())
        assert _english(parts.window) == []
        menus = parts.window.menus
        parts.window.show_settings()  # its own window now, not a column of the main one
        dialogs = (menus.show_onboarding(), menus.show_presets(), menus.show_shortcuts(), parts.window.settings_dialog)
        for dialog in dialogs:
            assert _english(dialog) == [], type(dialog).__name__
        wizard = menus.onboarding
        wizard.next()  # the key page
        assert _english(wizard) == []
        wizard.reject()
        assert "头像" in [menus.picker.combo.itemText(i) for i in range(menus.picker.combo.count())]
    finally:
        arun(parts.shutdown())
        parts.window.close()
