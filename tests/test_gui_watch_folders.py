"""Watch folders in the real window, with real input: File → Watch folders… (keys), Add folder… with the path
typed into Qt's folder chooser, Scan now, Pause / Resume, Include subfolders, Remove; the log and the state
columns; and a file that appears in a watched folder of the running app shows up in its gallery (polling and
file-system hints, the settle time on a FixedClock) with the status-bar notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QGroupBox, QLabel, QLineEdit, QMenu, QPushButton

from imagestudio.app import watch_service
from imagestudio.core.clock import FixedClock
from imagestudio.core.library.library import Library
from imagestudio.core.library.watch import SETTLE_S, WatchStore
from imagestudio.core.paths import AppPaths
from imagestudio.main import Composition
from imagestudio.ui.dialogs.watch_folders_dialog import WatchFoldersDialog
from tests.test_a11y import _unnamed
from tests.test_library_import import png

pytestmark = pytest.mark.gui
T0 = 1_767_225_600.0


def _gallery_prompts(parts: Composition) -> list[str]:
    model = parts.gallery_model
    ids = [model.image_id(r) for r in range(model.rowCount())]
    return [im.prompt for im in parts.library.library.db.get_many(ids)]


def _rows(tree: Any) -> list[list[str]]:
    return [[tree.topLevelItem(i).text(c) for c in range(tree.columnCount())] for i in range(tree.topLevelItemCount())]


def _open_dialog(qtbot: Any, parts: Composition) -> WatchFoldersDialog:
    window = parts.window
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # the File menu
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_W)  # &Watch folders…
    assert parts.watch_ui is not None
    qtbot.waitUntil(lambda: parts.watch_ui is not None and parts.watch_ui.dialog is not None)
    dialog = parts.watch_ui.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _choose(qtbot: Any, dialog: WatchFoldersDialog, folder: Path) -> None:
    dialog.native_chooser = False
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.chooser is not None and dialog.chooser.isVisible())
    chooser = dialog.chooser
    assert isinstance(chooser, QFileDialog)
    edit = chooser.findChild(QLineEdit, "fileNameEdit")
    assert edit is not None
    chooser.activateWindow()  # as a window manager would: typing goes to the chooser's name field
    qtbot.waitUntil(lambda: QApplication.activeWindow() is chooser)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    qtbot.keyClicks(edit, str(folder))
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_watch_folders_dialog_with_real_input(qtbot: Any, make_app: Any, tmp_path: Path) -> None:
    clock = FixedClock(T0)
    parts = make_app(clock=clock)
    inbox = tmp_path / "Downloads"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "ChatGPT Image one.png").write_bytes(png((220, 30, 30)))
    (inbox / "sub" / "nested.png").write_bytes(png((30, 220, 30)))
    (inbox / "fake.png").write_text("not an image")
    dialog = _open_dialog(qtbot, parts)
    assert _rows(dialog.list) == []
    assert _unnamed(dialog) == []  # every control says what it is to a screen reader

    _choose(qtbot, dialog, inbox)
    qtbot.waitUntil(lambda: [r[0] for r in _rows(dialog.list)] == [str(inbox)])
    qtbot.waitUntil(lambda: "2 waiting until complete" in _rows(dialog.list)[0][1])  # seen once, not yet imported
    assert _gallery_prompts(parts) == []

    clock.advance(SETTLE_S + 1)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _gallery_prompts(parts) == ["ChatGPT Image one"])
    qtbot.waitUntil(lambda: len(_rows(dialog.log)) == 2)
    log = {r[2]: (r[1], r[3]) for r in _rows(dialog.log)}
    assert log["fake.png"] == ("Skipped", "not an image")  # names relative to the watched folder
    assert log["ChatGPT Image one.png"][0] == "Imported"
    assert parts.window.statusBar().currentMessage() == "1 image imported from Downloads"
    assert _rows(dialog.list)[0][1] == "Watching" and _rows(dialog.list)[0][3] == "1"

    marked = dialog.log.topLevelItem(0)
    assert marked is not None
    marked.setData(0, Qt.ItemDataRole.UserRole + 1, "still the same row")
    scans, reloads = (parts.watch.scans if parts.watch else 0), dialog.reloads
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)  # nothing new: the log is left as it is
    qtbot.waitUntil(lambda: parts.watch is not None and parts.watch.scans > scans)
    qtbot.waitUntil(lambda: dialog.reloads > reloads)
    same = dialog.log.topLevelItem(0)
    assert same is not None and same.data(0, Qt.ItemDataRole.UserRole + 1) == "still the same row"

    qtbot.mouseClick(dialog.recursive, Qt.MouseButton.LeftButton)  # Include subfolders
    qtbot.waitUntil(lambda: "with subfolders" in _rows(dialog.list)[0][1])
    qtbot.waitUntil(lambda: "1 waiting" in _rows(dialog.list)[0][1])
    clock.advance(SETTLE_S + 1)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sorted(_gallery_prompts(parts)) == ["ChatGPT Image one", "nested"])

    qtbot.mouseClick(dialog.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _rows(dialog.list)[0][1].startswith("Paused"))
    assert dialog.pause_button.text().replace("&", "") == "Resume"
    (inbox / "later.png").write_bytes(png((30, 30, 220)))
    for _ in range(2):
        clock.advance(SETTLE_S + 1)
        scans = parts.watch.scans if parts.watch else 0
        qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda scans=scans: parts.watch is not None and parts.watch.scans > scans)
    assert "later" not in _gallery_prompts(parts)  # paused: not looked at
    qtbot.mouseClick(dialog.pause_button, Qt.MouseButton.LeftButton)  # Resume (scans at once: notes the file)
    qtbot.waitUntil(lambda: "1 waiting" in _rows(dialog.list)[0][1])
    clock.advance(SETTLE_S + 1)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "later" in _gallery_prompts(parts))

    away = inbox.rename(tmp_path / "unplugged")  # a drive unplugged, a folder deleted
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _rows(dialog.list)[0][1].startswith("Folder not found — tried again at each scan"))
    assert _rows(dialog.log)[0][1:] == ["Folder", str(inbox), "folder not found"]
    away.rename(inbox)
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _rows(dialog.list)[0][1].startswith("Watching"))

    _choose(qtbot, dialog, inbox)  # the same folder again: said in the dialog
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == f"{inbox} is watched already."

    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _rows(dialog.list) == [])
    assert not dialog.remove_button.isEnabled()
    assert len(_gallery_prompts(parts)) == 3  # removing a folder keeps what it brought
    dialog.close()


def test_a_file_saved_into_a_watched_folder_shows_up_in_the_gallery(
    qtbot: Any, make_app: Any, paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_service, "PER_SCAN", 1)  # a folder full of old images: one scan after another
    inbox = tmp_path / "Downloads"
    inbox.mkdir()
    for i, name in enumerate(("arrived while closed", "also while closed", "and this one")):
        (inbox / f"{name}.png").write_bytes(png((200, 200, 20 * i)))
    library = Library(paths)
    WatchStore(library.db).add(inbox)
    library.close()
    clock = FixedClock(T0)
    parts = make_app(clock=clock)
    watch = parts.watch
    assert watch is not None
    qtbot.waitUntil(lambda: watch.pending.get(1) == (3, 0))  # the start-up scan noted them
    clock.advance(SETTLE_S + 1)
    qtbot.waitUntil(
        lambda: len(_gallery_prompts(parts)) == 3, timeout=15000
    )  # the next poll, and the ones it asked for
    assert sorted(_gallery_prompts(parts)) == ["also while closed", "and this one", "arrived while closed"]

    data = png((20, 120, 220), (320, 200), parameters="a lighthouse at dusk " * 200)
    partial = inbox / "lighthouse.png.crdownload"
    with partial.open("wb") as f:  # a browser downloading, slowly
        f.write(data[: len(data) // 2])
        f.flush()
        qtbot.waitUntil(lambda: watch.pending.get(1) == (0, 1), timeout=15000)  # a hint or the poll saw it
        clock.advance(SETTLE_S + 1)
        f.write(data[len(data) // 2 :])
    partial.rename(inbox / "lighthouse.png")
    qtbot.waitUntil(lambda: watch.pending.get(1) == (1, 0), timeout=15000)
    assert len(_gallery_prompts(parts)) == 3
    clock.advance(SETTLE_S + 1)
    qtbot.waitUntil(lambda: _gallery_prompts(parts)[0].startswith("a lighthouse at dusk"), timeout=15000)
    image = parts.library.library.db.get_many([parts.gallery_model.image_id(0)])[0]
    assert Path(image.path).read_bytes() == data
    assert parts.window.statusBar().currentMessage() == "1 image imported from Downloads"


def test_settings_say_what_is_watched_and_open_the_dialog(
    qtbot: Any, make_app: Any, paths: AppPaths, tmp_path: Path
) -> None:
    parts = make_app(clock=FixedClock(T0))
    window = parts.window
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)  # Settings…
    qtbot.waitUntil(window.settings_dialog.isVisible)
    box = window.settings_dialog.findChild(QGroupBox, "watchBox")
    assert box is not None
    summary = box.findChild(QLabel)
    assert summary is not None and summary.text().startswith("No folder is watched.")
    button = box.findChild(QPushButton, "watchBoxOpen")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert parts.watch_ui is not None
    dialog = parts.watch_ui.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    for name in ("Downloads", "USB stick"):
        (tmp_path / name).mkdir()
        _choose(qtbot, dialog, tmp_path / name)
        qtbot.waitUntil(lambda name=name: any(r[0].endswith(name) for r in _rows(dialog.list)))
    qtbot.waitUntil(lambda: summary.text() == "Watching 2 of 2 folder(s).")
    (tmp_path / "USB stick").rmdir()  # unplugged
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: summary.text() == "Watching 2 of 2 folder(s). 1 cannot be read now (tried again at each scan)."
    )
    dialog.close()
    window.settings_dialog.close()
