"""Helpers for the viewer / drag-and-drop / export GUI tests: a composed app and library images with known
bytes (transparent, Chinese prompts, edit chains) ingested through the real LibraryService."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from PySide6.QtGui import QPixmap

from imagestudio.core.types import EditRequest, GeneratedImage, GenerationRequest, GenerationResult, LibraryImage
from imagestudio.main import Composition

ZH_PROMPT = "一只戴着宇航员头盔的橘猫在月球表面弹吉他，背景是蓝色的地球和漫天繁星，电影感光线"


def png_bytes(size: tuple[int, int] = (1600, 1000), color: tuple[int, int, int] = (20, 160, 40)) -> bytes:
    """Left half opaque ``color``, right half fully transparent."""
    im = Image.new("RGBA", size, (0, 0, 0, 0))
    im.paste((*color, 255), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def add_image(
    arun: Any, parts: Composition, prompt: str, data: bytes, *, parents: tuple[int, ...] = ()
) -> LibraryImage:
    request: GenerationRequest | EditRequest
    if parents:
        request = EditRequest(prompt=prompt, model="gpt-image-2", images=("in.png",), parent_ids=parents)
    else:
        request = GenerationRequest(prompt=prompt, model="gpt-image-2", size="1536x1024", quality="high")
    result = GenerationResult(images=(GeneratedImage(data, "png"),), provider="demo", model="gpt-image-2")
    [image] = arun(parts.library.ingest(request, result))  # type: ignore[arg-type]
    return image


def wait_gallery(qtbot: Any, parts: Composition, rows: int) -> None:
    model = parts.gallery_model

    def ready() -> bool:
        if model.rowCount() < rows:
            return False
        parts.window.gallery.view.viewport().repaint()
        return all(model.details(model.image_id(r)) is not None for r in range(rows)) and isinstance(
            model.data(model.index(0), 1), QPixmap
        )

    qtbot.waitUntil(ready, timeout=15000)
