"""Drag-out and the clipboard: real files with template names and original bytes, image data for apps that
take pixels, and an export directory that outlives the drag and is removed at shutdown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage

from imagestudio.app import dragdrop
from imagestudio.app.clipboard import has_images, images_from_mime, png_bytes
from imagestudio.core.clock import FixedClock
from tests.gui_images import ZH_PROMPT, add_image, wait_gallery
from tests.gui_images import png_bytes as make_png

pytestmark = pytest.mark.gui


@pytest.fixture
def drags(monkeypatch: pytest.MonkeyPatch) -> list[QMimeData]:
    """QDrag.exec runs a platform drag loop; record what would be dropped instead (the files stay)."""
    seen: list[QMimeData] = []

    def fake_run(source: Any, mime: QMimeData, pixmap: Any) -> Qt.DropAction:
        seen.append(mime)
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(dragdrop, "run_drag", fake_run)
    return seen


def test_drag_from_gallery_offers_original_files_and_pixels(
    qtbot: Any, make_app: Any, arun: Any, drags: list[QMimeData]
) -> None:
    parts = make_app()
    data_a, data_b = make_png((640, 480)), make_png((500, 500), (5, 5, 200))
    a = add_image(arun, parts, ZH_PROMPT * 4, data_a)
    b = add_image(arun, parts, "a blue square", data_b)
    wait_gallery(qtbot, parts, 2)
    view = parts.window.gallery.view
    view.selectAll()
    _press_and_move(qtbot, view, _cell_centre(view, 0))  # a real press on a selected thumbnail, then a move
    [mime] = drags
    files = [Path(url.toLocalFile()) for url in mime.urls()]
    assert len(files) == 2 and all(url.isLocalFile() for url in mime.urls())
    by_bytes = {f.read_bytes(): f for f in files}
    assert set(by_bytes) == {data_a, data_b}  # byte-exact originals
    zh_name = by_bytes[data_a].name
    assert zh_name.endswith(f" {a.id}.png") and ZH_PROMPT[:20] in zh_name
    assert len(zh_name.encode()) <= 204
    assert by_bytes[data_b].name.endswith(f"a blue square {b.id}.png")
    assert sorted(dragdrop.image_ids_from(mime)) == sorted([a.id, b.id])
    assert mime.hasImage() and isinstance(mime.imageData(), QImage) and not mime.imageData().isNull()
    assert bytes(mime.data("image/png").data()) in (data_a, data_b)

    # the drag has ended: the files must still be there for targets that read late; shutdown removes them
    assert all(f.exists() for f in files)
    session_root = parts.export_session.root
    assert session_root is not None and session_root.exists()
    arun(parts.shutdown())
    assert not session_root.exists() and not any(f.exists() for f in files)


def test_alt_drag_converts_with_the_export_defaults(
    qtbot: Any, make_app: Any, arun: Any, drags: list[QMimeData], monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = make_app()
    add_image(arun, parts, "convert me", make_png((800, 400)))
    wait_gallery(qtbot, parts, 1)
    monkeypatch.setattr(QGuiApplication, "keyboardModifiers", staticmethod(lambda: Qt.KeyboardModifier.AltModifier))
    prefs = parts.window.media._services.prefs
    prefs.options = prefs.options.__class__(format="jpeg", max_edge=200, template="{prompt}")
    view = parts.window.gallery.view
    _press_and_move(qtbot, view, _cell_centre(view, 0))  # pressing an unselected thumbnail drags it alone
    [path] = [Path(u.toLocalFile()) for u in drags[0].urls()]
    assert path.name == "convert me.jpg"
    from PIL import Image

    with Image.open(path) as im:
        assert im.format == "JPEG" and im.size == (200, 100)


def _cell_centre(view: Any, row: int) -> QPoint:
    return view.visualRect(view.model().index(row)).center()  # type: ignore[no-any-return]


def _press_and_move(qtbot: Any, view: Any, start: QPoint) -> None:
    """Press, move past the start-drag distance in a few steps, release (the drag starts on the way)."""
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in (5, 15, 30, 45):
        qtbot.mouseMove(viewport, start + QPoint(step, step // 3))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(45, 15))


def test_press_on_empty_gallery_space_draws_a_rubber_band_not_a_drag(
    qtbot: Any, make_app: Any, arun: Any, drags: list[QMimeData]
) -> None:
    """A press on a thumbnail that moves drags it (the model marks library rows draggable); a press on empty
    space that moves selects what the band covers instead. (The cross-process drag: tests/test_xdrag.py.)"""
    parts = make_app()
    for n in range(2):
        add_image(arun, parts, f"band {n}", make_png((200, 200), (10 + 100 * n, 50, 90)))
    wait_gallery(qtbot, parts, 2)
    view = parts.window.gallery.view
    model = parts.gallery_model
    assert all(model.flags(model.index(r)) & Qt.ItemFlag.ItemIsDragEnabled for r in range(2))
    last = view.visualRect(model.index(1))
    empty = QPoint(last.right() + 20, last.bottom() - 10)
    if not view.viewport().rect().contains(empty) or view.indexAt(empty).isValid():
        empty = QPoint(last.left() + 10, last.bottom() + 20)
    assert view.viewport().rect().contains(empty) and not view.indexAt(empty).isValid()
    view.clearSelection()
    viewport = view.viewport()
    target = _cell_centre(view, 0)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=empty)
    for i in range(1, 6):
        qtbot.mouseMove(viewport, empty + (target - empty) * (i / 5))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target)
    assert drags == []
    assert len(view.selected_ids()) >= 1  # the band selected the thumbnails it crossed


def test_drag_out_of_the_viewer(qtbot: Any, make_app: Any, arun: Any, drags: list[QMimeData]) -> None:
    parts = make_app()
    data = make_png((300, 200))
    add_image(arun, parts, "viewer drag", data)
    wait_gallery(qtbot, parts, 1)
    parts.window.media.open_selected() if parts.window.gallery.view.selected_ids() else None
    parts.window.media.open_viewer(parts.gallery_model.image_id(0))
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.canvas.has_image(), timeout=10000)
    canvas = viewer.canvas
    start = QPoint(canvas.width() // 2, canvas.height() // 2)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(40, 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 0))
    assert len(drags) == 1
    [url] = drags[0].urls()
    assert Path(url.toLocalFile()).read_bytes() == data


def test_copy_puts_files_and_pixels_on_the_clipboard_and_paste_reads_them(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    data = make_png((320, 240))
    image = add_image(arun, parts, ZH_PROMPT, data)
    wait_gallery(qtbot, parts, 1)
    view = parts.window.gallery.view
    view.setFocus()
    view.selectAll()
    parts.window.media.copy_action.trigger()
    clipboard = QGuiApplication.clipboard()
    qtbot.waitUntil(lambda: (m := clipboard.mimeData()) is not None and m.hasUrls(), timeout=10000)
    mime = QGuiApplication.clipboard().mimeData()
    assert has_images(mime)
    [found] = images_from_mime(mime)
    assert found.path is not None and found.read() == data
    assert QGuiApplication.clipboard().image().size().width() == 320  # pixels for apps that paste pictures
    assert b"copy\nfile://" in bytes(mime.data("x-special/gnome-copied-files").data())
    # Ctrl+V: the clipboard image becomes an edit input of the prompt editor
    parts.window.media.paste_action.trigger()
    # our own copy carries the library id: the input is the library original, linked as the edit's parent
    inputs = parts.window.prompt_editor.inputs
    qtbot.waitUntil(lambda: inputs.parent_ids() == (image.id,), timeout=10000)
    assert inputs.paths() == (image.path,)


def test_images_from_mime_takes_urls_encoded_bytes_or_pixels(qtbot: Any, tmp_path: Path) -> None:
    image = tmp_path / "x.webp"
    image.write_bytes(b"RIFF....WEBP")
    text = tmp_path / "notes.txt"
    text.write_text("hi")
    urls = QMimeData()
    urls.setUrls([QUrl.fromLocalFile(str(image)), QUrl.fromLocalFile(str(text))])
    assert [m.path for m in images_from_mime(urls)] == [image]

    encoded = QMimeData()
    encoded.setData("image/png", make_png((4, 4)))
    [from_bytes] = images_from_mime(encoded)
    assert from_bytes.data == make_png((4, 4)) and from_bytes.name == "pasted.png"

    pixels = QImage(7, 5, QImage.Format.Format_ARGB32)
    pixels.fill(Qt.GlobalColor.red)
    raw = QMimeData()
    raw.setImageData(pixels)
    [from_pixels] = images_from_mime(raw)
    assert from_pixels.data is not None and from_pixels.data.startswith(b"\x89PNG")
    assert QImage.fromData(from_pixels.data).size() == pixels.size()
    assert png_bytes(pixels).startswith(b"\x89PNG")
    assert images_from_mime(QMimeData()) == [] and not has_images(QMimeData())


def test_stale_sessions_are_purged_but_not_recent_ones(tmp_path: Path) -> None:
    import os

    clock = FixedClock(dt.datetime(2027, 1, 1, 0, 0, 30))  # just past a year boundary
    base = tmp_path / "drag"
    old, recent = base / "session-1-old", base / "session-2-recent"
    old.mkdir(parents=True)
    recent.mkdir()
    # ages on the file clock, set relative to the app's clock (the OS stamps real time)
    past, a_minute_ago = clock.now() - dragdrop.STALE_AFTER - 60, clock.now() - 60
    os.utime(old, (past, past))
    os.utime(recent, (a_minute_ago, a_minute_ago))
    session = dragdrop.ExportSession(tmp_path, clock)
    first = session.new_drag_dir()
    second = session.new_drag_dir()
    assert first != second and first.parent == second.parent
    assert not old.exists() and recent.exists()
    session.cleanup()
    assert not first.parent.exists() and recent.exists()
