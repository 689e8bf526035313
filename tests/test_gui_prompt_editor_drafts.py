"""Edit from the gallery selection (parents recorded), drops and pastes onto the prompt editor, prompt drafts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from imagestudio.app.dragdrop import IMAGE_ID_MIME
from imagestudio.core import drafts
from imagestudio.core.types import EditRequest
from tests.gui_images import ZH_PROMPT, add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def _drop_event(mime: QMimeData) -> QDropEvent:
    # Qt delivers drop events only inside a real drag session: the handlers are called the way Qt calls them
    return QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )


def test_edit_selected_puts_library_images_in_the_editor_and_links_the_result(
    qtbot: Any, make_app: Any, arun: Any
) -> None:
    parts = make_app()
    first = add_image(arun, parts, "红狐狸", png_bytes((256, 256)))
    second = add_image(arun, parts, "blue fox", png_bytes((256, 256), (10, 10, 200)))
    wait_gallery(qtbot, parts, 2)
    view, editor = parts.window.gallery.view, parts.window.prompt_editor
    view.setFocus()
    view.selectAll()
    qtbot.keyClick(view, Qt.Key.Key_E)  # "Edit selected"
    qtbot.waitUntil(lambda: len(editor.inputs.paths()) == 2, timeout=10000)
    assert set(editor.inputs.paths()) == {first.path, second.path}
    assert editor.generate_button.text() == "Edit"
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    editor.prompt.setPlainText("make them dance")
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    [request] = sent
    assert isinstance(request, EditRequest) and set(request.parent_ids) == {first.id, second.id}
    qtbot.waitUntil(lambda: parts.gallery_model.rowCount() == 3, timeout=15000)
    newest = parts.gallery_model.image_id(0)
    qtbot.waitUntil(lambda: parts.gallery_model.details(newest) is not None, timeout=10000)
    details = parts.gallery_model.details(newest)
    assert details is not None and set(details.params["parent_ids"]) == {first.id, second.id}


def test_the_context_menu_offers_edit_selected(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    add_image(arun, parts, "one", png_bytes((64, 64)))
    wait_gallery(qtbot, parts, 1)
    parts.window.gallery.view.selectAll()
    menu = parts.window.gallery.menu.build_menu()
    [edit] = [a for a in menu.actions() if a.text() == "E&dit selected"]
    edit.trigger()
    qtbot.waitUntil(lambda: len(parts.window.prompt_editor.inputs.paths()) == 1, timeout=10000)


def test_drops_on_the_prompt_become_edit_inputs(qtbot: Any, make_app: Any, arun: Any, tmp_path: Path) -> None:
    parts = make_app()
    image = add_image(arun, parts, ZH_PROMPT, png_bytes((128, 128)))
    editor = parts.window.prompt_editor
    ours = QMimeData()
    ours.setData(IMAGE_ID_MIME, str(image.id).encode())
    drop = _drop_event(ours)
    assert editor.eventFilter(editor.prompt.viewport(), drop) and drop.isAccepted()  # the prompt text's viewport
    qtbot.waitUntil(lambda: editor.inputs.parent_ids() == (image.id,), timeout=10000)
    assert editor.prompt.toPlainText() == ""  # not inserted as text
    # another app offers only encoded bytes: they are kept exactly in a file and become an input
    data = png_bytes((96, 64), (200, 0, 0))
    outside = QMimeData()
    outside.setData("image/png", data)
    editor.inputs.dropEvent(_drop_event(outside))
    qtbot.waitUntil(lambda: len(editor.inputs.paths()) == 2, timeout=10000)
    assert Path(editor.inputs.paths()[1]).read_bytes() == data
    assert editor.inputs.parent_ids() == (image.id,)  # an outside image has no parent id
    # the clipboard (our own Ctrl+C carries the ids too)
    QApplication.clipboard().setMimeData(_copy_of(ours))
    qtbot.mouseClick(editor.inputs.remove, Qt.MouseButton.LeftButton)  # nothing selected: nothing removed
    editor.inputs.list.selectAll()
    qtbot.mouseClick(editor.inputs.remove, Qt.MouseButton.LeftButton)
    assert editor.inputs.paths() == ()
    qtbot.mouseClick(editor.inputs.paste, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.inputs.parent_ids() == (image.id,), timeout=10000)


def _copy_of(mime: QMimeData) -> QMimeData:
    copy = QMimeData()
    for fmt in mime.formats():
        copy.setData(fmt, mime.data(fmt))
    return copy


def test_reuse_settings_and_drafts_survive_a_restart(qtbot: Any, make_app: Any, arun: Any, paths: Any) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "first idea")
    qtbot.mouseClick(editor.drafts.new_button, Qt.MouseButton.LeftButton)
    assert editor.prompt.toPlainText() == "" and editor.drafts.tabs.count() == 2
    editor.prompt.insertPlainText("第二个想法")  # typed through an input method (QTest cannot type CJK)
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2"))
    editor.quality.setCurrentIndex(editor.quality.findData("high"))
    editor.drafts.tabs.setCurrentIndex(0)
    assert editor.prompt.toPlainText() == "first idea"
    editor.drafts.tabs.setCurrentIndex(1)
    assert editor.prompt.toPlainText() == "第二个想法" and editor.quality.currentData() == "high"
    assert editor.drafts.tabs.tabText(1) == "第二个想法"
    arun(parts.shutdown())
    parts.window.close()
    saved = json.loads((paths.config / drafts.FILE_NAME).read_text(encoding="utf-8"))
    assert [d["prompt"] for d in saved["drafts"]] == ["first idea", "第二个想法"] and saved["current"] == 1

    again = make_app().window.prompt_editor
    assert again.drafts.tabs.count() == 2 and again.drafts.current == 1
    assert again.prompt.toPlainText() == "第二个想法" and again.quality.currentData() == "high"
    qtbot.mouseClick(again.drafts.tabs.tabButton(1, again.drafts.tabs.ButtonPosition.RightSide),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    assert again.drafts.tabs.count() == 1 and again.prompt.toPlainText() == "first idea"


def test_damaged_drafts_file_gives_an_empty_draft_and_a_warning(tmp_path: Path) -> None:
    (tmp_path / drafts.FILE_NAME).write_text("{not json", encoding="utf-8")
    loaded = drafts.load(tmp_path)
    assert [d.prompt for d in loaded.drafts] == [""] and loaded.warnings
    body = {"current": 7, "drafts": [{"prompt": "ok", "inputs": [["/x.png", 3]]}, 5, {"prompt": 9}]}
    (tmp_path / drafts.FILE_NAME).write_text(json.dumps(body), encoding="utf-8")
    loaded = drafts.load(tmp_path)
    assert [d.prompt for d in loaded.drafts] == ["ok"] and loaded.current == 0 and len(loaded.warnings) == 2
    assert loaded.drafts[0].inputs == [("/x.png", 3)]


def _click_tab(qtbot: Any, tabs: Any, index: int) -> None:
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(index).center())


def test_now_or_batch_is_kept_per_draft_across_a_restart(qtbot: Any, make_app: Any, arun: Any, paths: Any) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    batch = editor.footer.batch
    qtbot.keyClicks(editor.prompt, "200 ad variants overnight")
    qtbot.mouseClick(batch, Qt.MouseButton.LeftButton, pos=batch.rect().center())
    assert batch.isChecked()
    qtbot.mouseClick(editor.drafts.new_button, Qt.MouseButton.LeftButton)
    assert not batch.isChecked()  # a new draft starts "Now"
    qtbot.keyClicks(editor.prompt, "one poster, now")
    _click_tab(qtbot, editor.drafts.tabs, 0)
    assert editor.prompt.toPlainText() == "200 ad variants overnight" and batch.isChecked()
    _click_tab(qtbot, editor.drafts.tabs, 1)
    assert not batch.isChecked()
    _click_tab(qtbot, editor.drafts.tabs, 0)
    arun(parts.shutdown())
    parts.window.close()
    saved = json.loads((paths.config / drafts.FILE_NAME).read_text(encoding="utf-8"))
    assert [d["options"].get("via_batch_api") for d in saved["drafts"]] == [True, False]

    again = make_app().window.prompt_editor
    assert again.prompt.toPlainText() == "200 ad variants overnight" and again.footer.batch.isChecked()
