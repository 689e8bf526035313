"""Export as one ZIP from the GUI (issue 21): File → Export everything shown as ZIP… on a search, the dialog
ticks "One ZIP file", a JSON manifest is chosen with the mouse, Export writes one archive off the GUI thread."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from imagestudio.ui.dialogs.export_dialog import ExportDialog
from tests.gui_images import add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def test_export_everything_shown_as_one_zip_with_a_manifest(
    qtbot: Any, make_app: Any, arun: Any, tmp_path: Path
) -> None:
    parts = make_app()
    fox = add_image(arun, parts, "a red fox", png_bytes((300, 200)))
    add_image(arun, parts, "a blue sea", png_bytes((300, 200), (0, 40, 200)))
    fox2 = add_image(arun, parts, "a red fox again", png_bytes((200, 300), (200, 40, 0)))
    wait_gallery(qtbot, parts, 3)
    search = parts.window.gallery.search.text
    qtbot.keyClicks(search, "fox")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sorted(parts.gallery_model.ids()) == sorted([fox.id, fox2.id]), timeout=5000)

    parts.window.media.export_shown_action.trigger()
    qtbot.waitUntil(lambda: isinstance(parts.window.media.export_dialog, ExportDialog), timeout=10000)
    dialog = parts.window.media.export_dialog
    assert dialog is not None and dialog.as_zip.isChecked() and dialog.manifest.isEnabled()
    out = tmp_path / "out"
    dialog.directory.setText(str(out))
    dialog.zip_name.setText("foxes")
    dialog.manifest.setCurrentIndex(dialog.manifest.findData("json"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=20000)
    assert [p.name for p in out.iterdir()] == ["foxes.zip"]
    with zipfile.ZipFile(out / "foxes.zip") as z:
        names = z.namelist()
        assert len(names) == 3 and names[-1] == "manifest.json"
        manifest = json.loads(z.read("manifest.json"))["images"]
        assert {m["prompt"] for m in manifest} == {"a red fox", "a red fox again"}
        originals = {Path(im.path).read_bytes() for im in (fox, fox2)}
        assert {z.read(n) for n in names[:2]} == originals  # originals, byte-exact
    assert "2 image(s) packed into" in dialog.message.text() and dialog.open_folder.isVisible()

    qtbot.mouseClick(dialog.as_zip, Qt.MouseButton.LeftButton, pos=dialog.as_zip.rect().center())
    assert not dialog.as_zip.isChecked() and not dialog.manifest.isEnabled()
