"""What the viewer needs for one image, fetched off the GUI thread: the row (DB thread), the full-size pixels
and the file facts (CPU pool), and its lineage (DB thread)."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass

from PySide6.QtGui import QImage, QImageReader

from imagestudio.app.library_service import LibraryService
from imagestudio.core.files.provenance import FileFacts, file_facts
from imagestudio.core.lineage import Lineage, build, links_sql, parse_links
from imagestudio.core.types import LibraryImage


@dataclass(frozen=True, slots=True)
class LoadedImage:
    image: LibraryImage
    pixels: QImage  # null when the file is missing or damaged (see ``problem``)
    facts: FileFacts
    problem: str = ""


#: The first raster of an SVG in the viewer (long side, px); zooming in asks for sharper ones (``render_svg``).
SVG_FIRST_SIDE = 2048


def decode(path: str) -> tuple[QImage, str]:
    """Full-size decode on a worker thread (QImage, unlike QPixmap, may be made off the GUI thread). An SVG
    is never handed to QImageReader (Qt's plugin would follow its references): its safe copy is rendered."""
    if path.lower().endswith(".svg"):
        return decode_svg(path, SVG_FIRST_SIDE, enlarge=False)  # its own size: the view's units
    reader = QImageReader(path)
    reader.setAutoTransform(True)  # EXIF orientation
    image = reader.read()
    if image.isNull():
        return image, reader.errorString()
    return image, ""


def decode_svg(path: str, side: int, *, enlarge: bool = True) -> tuple[QImage, str]:
    from imagestudio.app.svg_render import render_svg
    from imagestudio.core.files import svg
    from imagestudio.core.files.outside import Refused, read_regular

    try:
        data, _mtime = read_regular(path, max_bytes=svg.MAX_SVG_BYTES)
    except Refused as e:
        return QImage(), e.reason
    image = render_svg(data, side, enlarge=enlarge)
    return image, "" if not image.isNull() else "the SVG is too complex to draw, or not safe to draw"


class ImageLoader:
    def __init__(self, library: LibraryService) -> None:
        self._library = library

    async def image(self, image_id: int) -> LibraryImage | None:
        found = await self._library.get_many([image_id])
        return found[0] if found else None

    async def images(self, ids: list[int]) -> list[LibraryImage]:
        return await self._library.get_many(ids)

    async def load(self, image_id: int) -> LoadedImage | None:
        image = await self.image(image_id)
        if image is None:
            return None
        (pixels, problem), facts = await asyncio.gather(
            self._library.run_cpu(decode, image.path), self._library.run_cpu(file_facts, image.path)
        )
        return LoadedImage(image, pixels, facts, problem)

    async def render_svg(self, path: str, side: int) -> QImage:
        """A sharper raster of an SVG for the viewer's zoom (the CPU pool; at most MAX_RASTER_SIDE px)."""
        image, _problem = await self._library.run_cpu(decode_svg, path, side)
        return image

    async def lineage(self, image_id: int) -> Lineage:
        library = self._library.library

        def work() -> Lineage:
            links = parse_links(library.db.read(links_sql()))
            return build(image_id, links, library.db.get_many)

        return await self._library.run_db(functools.partial(work))
