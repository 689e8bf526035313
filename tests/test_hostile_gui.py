"""Rich-text probes: a prompt or model name that is HTML (``<img src="/local/file">``) is shown as the literal text
in labels and tooltips of the real app, never rendered (which would draw the local file)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolTip

from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult
from tests.gui_images import png_bytes, wait_gallery

pytestmark = pytest.mark.gui
PROBE = '<img src="/etc/imagestudio-probe.png"><b>bold</b>'


def _tooltip_of(qtbot: Any, widget: Any, pos: QPoint) -> str:
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    return QToolTip.text()


def test_prompts_and_models_from_outside_are_plain_text(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    request = GenerationRequest(prompt=PROBE, model="gpt-image-2")
    result = GenerationResult(images=(GeneratedImage(png_bytes((64, 64)), "png"),), provider="demo", model=PROBE)
    [image] = arun(parts.library.ingest(request, result))
    wait_gallery(qtbot, parts, 1)
    view = parts.window.gallery.view
    rect = view.visualRect(parts.gallery_model.index(0, 0))
    shown = _tooltip_of(qtbot, view.viewport(), rect.center())
    assert "&lt;img" in shown and "<img" not in shown  # escaped: Qt shows the characters, loads nothing
    parts.window.media.open_viewer(image.id)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.current_id == image.id and viewer.canvas.has_image(), timeout=10000)
    model_label = viewer.findChild(QLabel, "meta_model")
    qtbot.waitUntil(lambda: PROBE in model_label.text(), timeout=10000)
    assert model_label.textFormat() == Qt.TextFormat.PlainText
    label = QLabel("x")
    label.setToolTip(PROBE)
    qtbot.addWidget(label)
    label.show()
    assert "&lt;b&gt;bold" in _tooltip_of(qtbot, label, QPoint(2, 2))
