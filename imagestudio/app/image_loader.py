"""What the viewer needs for one image, fetched off the GUI thread: the row (DB thread), the full-size pixels
and the file facts (CPU pool), and its lineage (DB thread)."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass

from PySide6.QtGui import QImage, QImageReader

from imagestudio.app.library_service import LibraryService
from imagestudio.core.lineage import Lineage, build, links_sql, parse_links
from imagestudio.core.provenance import FileFacts, file_facts
from imagestudio.core.types import LibraryImage


@dataclass(frozen=True, slots=True)
class LoadedImage:
    image: LibraryImage
    pixels: QImage  # null when the file is missing or damaged (see ``problem``)
    facts: FileFacts
    problem: str = ""


def decode(path: str) -> tuple[QImage, str]:
    """Full-size decode on a worker thread (QImage, unlike QPixmap, may be made off the GUI thread)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)  # EXIF orientation
    image = reader.read()
    if image.isNull():
        return image, reader.errorString()
    return image, ""


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

    async def lineage(self, image_id: int) -> Lineage:
        library = self._library.library

        def work() -> Lineage:
            links = parse_links(library.db.read(links_sql()))
            return build(image_id, links, library.db.get_many)

        return await self._library.run_db(functools.partial(work))
