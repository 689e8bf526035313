"""The image library: content-addressed originals on disk + SQLite rows + thumbnails.

Write order (see docs/reliability.md): original file atomically → thumbnail → ONE transaction with the
rows. Success is reported only after the commit, so a crash can leave an orphan file (cleaned at start-up)
but never a row without its file.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagestudio.core import imageio
from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.fsutil import atomic_write
from imagestudio.core.library.db import InTransaction, LibraryDB
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, LibraryImage

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "gif": "gif"}


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An original written to disk (and its thumbnail), not yet in the DB."""

    sha256: str
    rel_path: str
    thumb_rel: str | None
    info: imageio.ImageInfo
    byte_size: int


class Library:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.root = paths.data
        paths.originals.mkdir(parents=True, exist_ok=True)
        paths.tmp.mkdir(parents=True, exist_ok=True)
        paths.thumbs.mkdir(parents=True, exist_ok=True)
        self._clear_tmp()
        self.db = LibraryDB(paths.library_db, paths.data, paths.cache)

    def close(self) -> None:
        self.db.close()

    def _clear_tmp(self) -> None:
        """Partial writes from a crash live only in tmp/; they were never acknowledged."""
        for leftover in self.paths.tmp.iterdir():
            if leftover.is_file():
                leftover.unlink(missing_ok=True)

    # -- CPU + file work (any worker thread) -----------------------------------------------------
    def store_file(self, image: GeneratedImage) -> StoredFile:
        """Verify, hash and write one original byte-exact, then its thumbnail. Idempotent."""
        info = imageio.inspect(image.data)
        digest = hashlib.sha256(image.data).hexdigest()
        rel = Path("originals") / digest[:2] / f"{digest}.{_EXTENSIONS[info.format]}"
        target = self.root / rel
        if not (target.exists() and target.stat().st_size == len(image.data)):
            atomic_write(target, image.data, tmp_dir=self.paths.tmp)
        thumb_rel: str | None = str(Path("thumbs") / digest[:2] / f"{digest}.jpg")
        thumb_path = self.paths.cache / str(thumb_rel)
        if not thumb_path.exists():
            try:
                atomic_write(thumb_path, imageio.make_thumbnail(image.data))
            except ImageDecodeError:
                thumb_rel = None  # the original is what matters; integrity check rebuilds thumbnails
        return StoredFile(digest, rel.as_posix(), thumb_rel, info, len(image.data))

    # -- DB work (the DB thread) -----------------------------------------------------------------
    def commit(
        self,
        stored: list[StoredFile],
        request: GenerationRequest,
        result: GenerationResult,
        *,
        created_at: float | None = None,
        also: InTransaction | None = None,
    ) -> list[LibraryImage]:
        created = time.time() if created_at is None else created_at
        params: dict[str, Any] = {**request.to_json(), "response": result.response_meta}
        usage = result.usage.to_json()
        rows = [
            {
                "sha256": s.sha256,
                "rel_path": s.rel_path,
                "thumb_rel": s.thumb_rel,
                "format": s.info.format,
                "width": s.info.width,
                "height": s.info.height,
                "byte_size": s.byte_size,
                "prompt": request.prompt,
                "model": result.model,
                "provider": result.provider,
                "params_json": json.dumps(params, ensure_ascii=False),
                "usage_json": json.dumps(usage),
                "request_id": result.request_id,
                "is_demo": int(result.provider == "demo"),
                # keep the order of the batch stable in "newest first" views
                "created_at": created + i * 1e-6,
            }
            for i, s in enumerate(stored)
        ]
        ids = self.db.insert_images(rows, also=also)
        return self.db.get_many(ids)

    def ingest(self, request: GenerationRequest, result: GenerationResult) -> list[LibraryImage]:
        """store_file for each image, then commit — for callers without separate threads (the CLI)."""
        return self.commit([self.store_file(im) for im in result.images], request, result)

    def absolute(self, rel_path: str) -> Path:
        return self.root / rel_path

    def disk_usage(self) -> int:
        total = 0
        for dirpath, _dirs, files in os.walk(self.paths.originals):
            total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
        return total
