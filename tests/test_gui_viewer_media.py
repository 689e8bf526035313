"""The viewer plays animated GIF results and shows SVG results sharp at any zoom: rasters of the SVG's safe copy,
rendered off the GUI thread at the pixels the zoom needs (never the vectors on every paint, never a local file
the SVG points at)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult
from tests.gui_images import wait_gallery

pytestmark = pytest.mark.gui

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
    b'<circle cx="10" cy="10" r="9" fill="#d00"/><rect x="22" y="2" width="16" height="16" fill="#00d"/></svg>'
)


def _gif() -> bytes:
    frames = [Image.new("RGB", (32, 32), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=40, loop=0)
    return out.getvalue()


def _ingest(arun: Any, parts: Any, data: bytes, fmt: str) -> Any:
    request = GenerationRequest(prompt=f"a {fmt}", model="gpt-image-2")
    result = GenerationResult(images=(GeneratedImage(data, fmt),), provider="demo", model="gpt-image-2")
    [image] = arun(parts.library.ingest(request, result))
    return image


def _open(qtbot: Any, parts: Any, image_id: int) -> Any:
    parts.window.media.open_viewer(image_id)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.canvas.has_image() and viewer.current_id == image_id, timeout=10000)
    return viewer


def test_animated_gif_plays_in_the_viewer(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    image = _ingest(arun, parts, _gif(), "gif")
    wait_gallery(qtbot, parts, 1)
    canvas = _open(qtbot, parts, image.id).canvas
    assert canvas.movie is not None and canvas.movie.frameCount() == 3
    seen: set[int] = set()
    qtbot.waitUntil(lambda: seen.add(canvas.movie.currentFrameNumber()) or len(seen) >= 2, timeout=10000)
    colour = canvas._pixmap.toImage().pixelColor(16, 16)  # the shown frame is the movie's
    assert colour == canvas.movie.currentImage().pixelColor(16, 16)


def test_svg_is_sharp_at_any_zoom(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    image = _ingest(arun, parts, SVG, "svg")
    canvas = _open(qtbot, parts, image.id).canvas
    assert canvas.vector and canvas.image_size().width() == 40
    canvas.set_zoom(10.0)
    canvas.repaint()  # the paint finds the raster too small and asks for a sharper one, made on the CPU pool
    qtbot.waitUntil(lambda: canvas._pixmap.width() >= 400, timeout=10000)
    assert canvas.image_size().width() == 40  # the view still measures the image in its own units
    shot = canvas.grab().toImage()
    rect = canvas.target_rect()
    assert rect.width() == pytest.approx(400, abs=1)
    # the circle (centre 10,10, r 9) crosses image row y=3.5 at x = 10 - sqrt(81 - 6.5²) ≈ 3.78; a 40×20 raster
    # enlarged ten times could only change colour at a multiple of 10 widget pixels (30 or 40)
    y = int(rect.top() + 3.5 * 10)
    xs = [x for x in range(int(rect.left()), int(rect.left()) + 200) if shot.pixelColor(x, y).red() > 150
          and shot.pixelColor(x, y).green() < 90 and shot.pixelColor(x, y).blue() < 90]  # fmt: skip
    assert xs and abs((xs[0] - rect.left()) - 37.8) < 1.5


def test_svg_pointing_at_a_local_file_never_shows_it(qtbot: Any, make_app: Any, arun: Any, tmp_path: Any) -> None:
    from tests.make_hostile import _png, svg_local_image

    secret = tmp_path / "secret.png"
    secret.write_bytes(_png((64, 64), (255, 0, 0)))
    parts = make_app()
    image = _ingest(arun, parts, svg_local_image(secret), "svg")
    assert image.thumb_path  # a real thumbnail, drawn from the safe copy
    thumb = Image.open(image.thumb_path).convert("RGB")
    assert thumb.getpixel((thumb.width // 2, thumb.height // 2))[0] < 60  # blue, not the local file's red
    canvas = _open(qtbot, parts, image.id).canvas
    colour = canvas._pixmap.toImage().pixelColor(canvas._pixmap.width() // 2, canvas._pixmap.height() // 2)
    assert colour.blue() > 200 and colour.red() < 60
