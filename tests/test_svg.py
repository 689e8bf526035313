"""SVG results are stored byte-exact and shown with Qt's renderer; hostile or broken SVG is refused clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.files import imageio
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1536 1024">'
    b'<rect width="1536" height="1024" fill="#c33"/><circle cx="768" cy="512" r="300" fill="#fff"/></svg>\n'
)


def test_svg_is_identified_with_its_viewbox_size() -> None:
    assert imageio.inspect(SVG) == imageio.ImageInfo("svg", 1536, 1024)
    info, thumb = imageio.inspect_with_thumbnail(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="300px" height="200"/>'
    )
    assert (info.format, info.width, info.height, thumb) == ("svg", 300, 200, None)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (SVG[: len(SVG) // 2], "damaged"),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "DOCTYPE"),
        (b'<?xml version="1.0"?><html><svg/></html>', "not an SVG"),
        (b"<svg \xff\xfe/>", "UTF-8"),
    ],
)
def test_broken_or_hostile_svg_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ImageDecodeError, match=reason):
        imageio.inspect(data)


def test_svg_result_is_stored_byte_exact_and_thumbnailed_by_qt(paths: AppPaths, qapp: Any) -> None:
    library = Library(paths)
    request = GenerationRequest("a red flag", "gpt-image-2.5-sunburst", output_format="svg")
    [image] = library.ingest(request, GenerationResult((GeneratedImage(SVG, "svg"),), "custom", request.model))
    library.close()
    assert image.path.endswith(".svg") and Path(image.path).read_bytes() == SVG
    assert (image.format, image.width, image.height, image.thumb_path) == ("svg", 1536, 1024, None)

    from imagestudio.app.thumbcache import _read_image

    thumb = _read_image(image.path, 192)
    assert (thumb.width(), thumb.height()) == (192, 128)
    assert thumb.pixelColor(5, 5).red() > 150  # the red background, drawn by Qt's SVG renderer
