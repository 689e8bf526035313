"""A streaming job's latest partial is its placeholder on top of the gallery; the final image replaces it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from imagestudio.app.gallery_model import PlaceholderRole
from imagestudio.core.types import GenerationRequest, JobState
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def test_streamed_partial_is_the_gallery_placeholder_until_the_image_lands(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator
) -> None:
    simulator.latency = 0.6  # a partial is on screen long enough to look at
    parts = make_app()
    model, view = parts.gallery_model, parts.window.gallery.view
    earlier = parts.controller.submit(GenerationRequest("earlier", "gpt-image-2", "1024x1024", "low", 1))  # demo
    qtbot.waitUntil(lambda: earlier.state is JobState.DONE and model.rowCount() == 1, timeout=10000)
    first_id = model.image_id(0)
    assert first_id is not None
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    job = parts.controller.submit(GenerationRequest("streamed", "gpt-image-2", "1024x1024", "low", 1, partial_images=2))
    qtbot.waitUntil(lambda: job.id != 0 and model.placeholder_jobs() == [job.id], timeout=10000)

    top = model.index(0)
    assert top.data(PlaceholderRole) == job.id and model.image_id(0) is None
    assert model.rowCount() == 2 and model.image_id(1) == first_id and model.row_of(first_id) == 1
    assert model.ids() == [first_id]
    pixmap = top.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(pixmap, QPixmap) and not pixmap.isNull()
    assert top.data(Qt.ItemDataRole.DisplayRole) == "Generating…"
    assert not model.flags(top) & Qt.ItemFlag.ItemIsSelectable  # never selected, dragged or opened
    view.selectAll()
    assert view.selected_ids() == [first_id]
    view.grab()  # the delegate paints a placeholder without error

    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    qtbot.waitUntil(lambda: model.placeholder_jobs() == [] and model.rowCount() == 2, timeout=10000)
    image_id = model.image_id(0)
    assert image_id is not None and image_id != first_id and model.index(0).data(PlaceholderRole) is None
    assert model.row_of(image_id) == 0 and model.image_id(1) == first_id

    # a preview decoded after its job ended does not bring the placeholder back
    late = QImage(8, 8, QImage.Format.Format_RGBA8888)
    late.fill(0xFF00FF00)
    model.show_partial(job.id, late)
    assert model.placeholder_jobs() == [] and model.rowCount() == 2
