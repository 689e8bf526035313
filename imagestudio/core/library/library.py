"""The image library: content-addressed originals on disk + SQLite rows + thumbnails.

Write order (see docs/reliability.md): original file atomically → thumbnail → ONE transaction with the
rows. Success is reported only after the commit, so a crash can leave an orphan file (cleaned at start-up)
but never a row without its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imagestudio.core.clock import Clock
from imagestudio.core.crashpoints import crash_point
from imagestudio.core.files.fsutil import BackgroundWrite, private_dir, private_tmp, remove_if_empty
from imagestudio.core.library import culling, organise, stacks, trash
from imagestudio.core.library.costs import image_cost
from imagestudio.core.library.db import InTransaction, LibraryDB
from imagestudio.core.library.organise import NamedList
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, LibraryChange, LibraryImage

if TYPE_CHECKING:  # Pillow (imageio, phash) loads on the first stored image, not at app start-up (bench P1)
    from imagestudio.core.files import imageio

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "gif": "gif", "svg": "svg"}


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An original written to disk (and its thumbnail), not yet in the DB."""

    sha256: str
    rel_path: str
    thumb_rel: str | None
    info: imageio.ImageInfo
    byte_size: int
    phash: int | None = None


#: Renders an SVG document into a JPEG thumbnail (None: cannot). Core has no SVG renderer; the app gives one
#: built on Qt's (``app/svg_render.py``), which draws only ``svg.for_rendering``'s safe copy.
SvgThumbnailer = Callable[[bytes], "bytes | None"]


class Library:
    def __init__(
        self, paths: AppPaths, clock: Clock | None = None, *, svg_thumbnailer: SvgThumbnailer | None = None
    ) -> None:
        self.paths = paths
        self.svg_thumbnailer = svg_thumbnailer
        self.root = paths.data
        private_dir(paths.data)
        private_dir(paths.cache)
        paths.originals.mkdir(parents=True, exist_ok=True)
        paths.thumbs.mkdir(parents=True, exist_ok=True)
        # Partial writes live only in per-process temp folders (never acknowledged): those of dead processes are
        # removed here; a live one (the GUI while the CLI starts) keeps its own. Thumbnails' temp files stay on
        # the cache's filesystem.
        self.tmp = private_tmp(paths.tmp)
        self.cache_tmp = private_tmp(paths.cache / "tmp")
        self.db = LibraryDB(paths.library_db, paths.data, paths.cache, clock)
        # writes originals while store_file decodes (threads start on first use and stay: no start per image)
        self._writer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="library-write")
        self._stack_map = stacks.StackMapCache()  # what filtered views collapse stacks by (read on the DB thread)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
        self.db.close()
        remove_if_empty(self.tmp)
        remove_if_empty(self.cache_tmp)

    # -- CPU + file work (any worker thread) -----------------------------------------------------
    def store_file(self, image: GeneratedImage, *, sha256: str | None = None) -> StoredFile:
        """Verify, hash and write one original byte-exact, then its thumbnail. Idempotent. Raises ImageDecodeError
        for data that is not a usable image (nothing is left on disk then), OSError when it cannot be written.
        ``sha256``: the caller's hex digest of ``image.data``, if it has one.

        The order on disk is the one the crash tests check: original (temp, fsync, rename, directory fsync), then
        thumbnail; the caller commits the row after this returns. To take less time, the original's write runs on
        a thread of its own (``BackgroundWrite``) while this one decodes the image once, for the check, the
        thumbnail and the pHash; that thread then writes the thumbnail while this one computes the pHash. If the
        decode finds the data damaged, the original is deleted again: the same bytes fail for every caller, so no
        row can name it.
        """
        from imagestudio.core.errors import ImageDecodeError
        from imagestudio.core.files import imageio

        data = image.data
        info = imageio.identify(data)  # size, format allow-list, structure: nothing is written for junk
        digest = sha256 or hashlib.sha256(data).hexdigest()
        rel = Path("originals") / digest[:2] / f"{digest}.{_EXTENSIONS[info.format]}"
        target = self.root / rel
        thumb_path = self.paths.cache / "thumbs" / digest[:2] / f"{digest}.jpg"
        writing = None
        if not (target.exists() and target.stat().st_size == len(data)):  # else stored before: the same bytes
            writing = BackgroundWrite(target, data, tmp_dir=self.tmp, executor=self._writer)

        def sound(thumbnail: bytes | None) -> None:
            then = partial(self._after_original, thumb_path, thumbnail)
            if writing is None:
                then()
            else:
                writing.keep(then=then)

        try:
            thumbnail, phash = self._decode(data, info, sound)
        except BaseException as e:
            if writing is not None:  # anything else than damaged data (out of memory…): an orphan, cleaned later
                writing.drop(remove=isinstance(e, ImageDecodeError))
            raise
        if writing is not None:
            writing.wait()
        thumb_rel = thumb_path.relative_to(self.paths.cache).as_posix() if thumbnail is not None else None
        return StoredFile(digest, rel.as_posix(), thumb_rel, info, len(data), phash)

    def _after_original(self, thumb_path: Path, thumbnail: bytes | None) -> None:
        """Once the original is in place: its thumbnail (none: the integrity check rebuilds it later)."""
        crash_point("ingest.after_original")
        if thumbnail is not None and not thumb_path.exists():
            self._write_thumbnail(thumb_path, thumbnail)
        crash_point("ingest.after_thumbnail")

    def thumbnail_of(self, data: bytes) -> bytes | None:
        """A JPEG thumbnail of any stored original (an SVG through the injected renderer, if there is one)."""
        from imagestudio.core.files import imageio, svg

        if svg.looks_like_svg(data):
            return self._svg_thumbnail(data)
        return imageio.make_thumbnail(data)

    def _svg_thumbnail(self, data: bytes) -> bytes | None:
        if self.svg_thumbnailer is None:
            return None
        try:
            return self.svg_thumbnailer(data)
        except Exception:  # no thumbnail (a placeholder is shown); the original is kept
            return None

    def _decode(
        self, data: bytes, info: imageio.ImageInfo, sound: Callable[[bytes | None], None]
    ) -> tuple[bytes | None, int | None]:
        """ONE decode for the check, the thumbnail and the pHash: returns (thumbnail, pHash) and calls
        ``sound(thumbnail)`` as soon as the data has proved sound, before the pHash is computed. Raises
        ImageDecodeError for damaged data. If only the thumbnail fails (an unusual mode), a full ``inspect``
        decides: a sound image is kept without thumbnail (the integrity check rebuilds it)."""
        from imagestudio.core.files import imageio
        from imagestudio.core.library.phash import phash_of, phash_of_image

        if info.format == "svg":  # checked as XML by identify; drawn by the injected renderer (the app's Qt one)
            thumbnail = self._svg_thumbnail(data)
            sound(thumbnail)
            return thumbnail, None
        with contextlib.ExitStack() as open_image:
            try:
                im = open_image.enter_context(imageio.open_image(data))
                frame, has_alpha = imageio.thumbnail_frame(im)  # the full decode: the proof the data is whole
                thumbnail = imageio.thumbnail_jpeg(frame, has_alpha)
            except imageio.DECODE_ERRORS:
                imageio.inspect(data)  # raises ImageDecodeError for damaged data
                sound(None)
                return None, phash_of(data)
            sound(thumbnail)
            return thumbnail, phash_of_image(frame)

    def _write_thumbnail(self, thumb_path: Path, thumbnail: bytes) -> None:
        """A cache file: no fsync needed (a torn thumbnail is rebuilt by the integrity check). The temp file has a
        unique name in the cache's tmp/ (emptied at start): two workers storing the same bytes at once must not
        share one temp file, and a crash must not leave a partial file among the thumbnails."""
        thumb_path.parent.mkdir(parents=True, exist_ok=True)
        self.cache_tmp.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".part-", dir=self.cache_tmp)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(thumbnail)
            crash_point("thumbnail.before_replace")
            os.replace(tmp, thumb_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

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
        created = self.db.clock.now() if created_at is None else created_at
        meta = dict(result.response_meta)
        per_image = meta.pop("per_image", None)  # what the server said of each image (a refine turn's calls)
        per_image = per_image if isinstance(per_image, list) else []
        params: dict[str, Any] = {**request.to_json(), "response": meta}

        def params_of(i: int) -> str:
            own = per_image[i] if i < len(per_image) and isinstance(per_image[i], dict) else {}
            return json.dumps({**params, "response": {**meta, **own}} if own else params, ensure_ascii=False)

        usage = result.usage.to_json()
        # the metering wrapper's price (estimates included) shared by the request's images; else from the usage
        share = round(result.cost_usd / max(1, len(result.images)), 6) if result.cost_usd is not None else None
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
                "params_json": params_of(i),
                "usage_json": json.dumps(usage),
                "request_id": result.request_id,
                "is_demo": int(result.provider == "demo"),
                "cost_usd": share if share is not None else image_cost(result.model, json.dumps(usage), len(stored)),
                "phash": s.phash,
                # keep the order of the batch stable in "newest first" views
                "created_at": created + i * 1e-6,
            }
            for i, s in enumerate(stored)
        ]
        crash_point("ingest.before_commit")
        ids = self.db.insert_images(rows, also=also)
        crash_point("ingest.after_commit")
        return self.db.get_many(ids)

    def ingest(self, request: GenerationRequest, result: GenerationResult) -> list[LibraryImage]:
        """store_file for each image, then commit — for callers without separate threads (the CLI)."""
        return self.commit([self.store_file(im) for im in result.images], request, result)

    # -- finding and organising (the DB thread; each call is one transaction) ------------------------
    def find(self, query: LibraryQuery, *, limit: int | None = None, expanded: Sequence[int] = ()) -> list[int]:
        """The ids the gallery shows: one per stack, except the ``expanded`` stacks' (and ``expand_stacks``)."""
        with self.db.transaction() as c:
            if query.similar_to is not None:
                from imagestudio.core.library.phash import similar

                return similar(c, query.similar_to)
            order = self.db.id_is_time_order()
            return stacks.find_tiles(c, query, self._stack_map, expanded=expanded, limit=limit, id_is_time_order=order)

    def set_favourite(self, ids: list[int], favourite: bool) -> list[int]:
        with self.db.transaction() as c:
            return organise.set_favourite(c, ids, favourite)

    def set_rating(self, ids: list[int], rating: int) -> list[int]:
        """Stars on every image (a stack's cover may change: the pick, else the highest rated): one transaction."""
        with self.db.transaction() as c:
            changed = culling.set_rating(c, ids, rating)
            stacks.refresh(c, stacks.stacks_of(c, changed))
            return changed

    def set_flag(self, ids: list[int], flag: int) -> list[int]:
        with self.db.transaction() as c:
            changed = culling.set_flag(c, ids, flag)
            stacks.refresh(c, stacks.stacks_of(c, changed))
            return changed

    def trash_rejected(self) -> list[int]:
        """ "Empty rejected to trash": every rejected image moves to the trash (restorable), one transaction."""
        with self.db.transaction() as c:
            moved = trash.move_to_trash(c, culling.rejected(c), now=self.db.clock.now())
            stacks.refresh(c, stacks.stacks_of(c, moved))
            return moved

    # -- stacks (core/library/stacks.py): each one transaction, returns what changed -------------------
    def stack(self, ids: list[int]) -> LibraryChange:
        with self.db.transaction() as c:
            _stack_id, changed = stacks.stack(c, ids, now=self.db.clock.now())
        return LibraryChange(updated=tuple(changed), stacks_changed=bool(changed))

    def unstack(self, ids: list[int]) -> LibraryChange:
        with self.db.transaction() as c:
            changed = stacks.unstack(c, ids)
        return LibraryChange(updated=tuple(changed), stacks_changed=bool(changed))

    def remove_from_stack(self, ids: list[int]) -> LibraryChange:
        with self.db.transaction() as c:
            changed = stacks.remove_from_stack(c, ids)
        return LibraryChange(updated=tuple(changed), stacks_changed=bool(changed))

    def set_stack_cover(self, image_id: int) -> LibraryChange:
        with self.db.transaction() as c:
            changed = stacks.set_cover(c, image_id)
        return LibraryChange(updated=tuple(changed), stacks_changed=True)

    def stack_members(self, image_id: int) -> list[int]:
        """The stack ``image_id`` is in, cover first (just ``[image_id]`` when it is alone)."""
        with self.db.transaction() as c:
            row = c.execute("SELECT stack_id FROM images WHERE id = ?", (image_id,)).fetchone()
            return stacks.members(c, int(row[0])) if row and row[0] is not None else [image_id]

    def set_note(self, image_id: int, note: str) -> None:
        with self.db.transaction() as c:
            organise.set_note(c, image_id, note)

    def change_tags(self, ids: list[int], add: Sequence[str] = (), remove: Sequence[str] = ()) -> bool:
        with self.db.transaction() as c:
            return organise.change_tags(c, ids, add, remove)

    def create_collection(self, name: str) -> int:
        with self.db.transaction() as c:
            return organise.create_collection(c, name, now=self.db.clock.now())

    def rename_collection(self, collection_id: int, name: str) -> None:
        with self.db.transaction() as c:
            organise.rename_collection(c, collection_id, name)

    def delete_collection(self, collection_id: int) -> None:
        with self.db.transaction() as c:
            organise.delete_collection(c, collection_id)

    def add_to_collection(self, collection_id: int, ids: list[int]) -> list[int]:
        with self.db.transaction() as c:
            return organise.add_to_collection(c, collection_id, ids, now=self.db.clock.now())

    def remove_from_collection(self, collection_id: int, ids: list[int]) -> list[int]:
        with self.db.transaction() as c:
            return organise.remove_from_collection(c, collection_id, ids)

    def save_search(self, name: str, query: LibraryQuery) -> int:
        with self.db.transaction() as c:
            return organise.save_search(c, name, query, now=self.db.clock.now())

    def delete_saved_search(self, search_id: int) -> None:
        with self.db.transaction() as c:
            organise.delete_saved_search(c, search_id)

    def lists(self) -> dict[str, list[NamedList]]:
        """Everything the sidebar shows, read in one transaction (a consistent snapshot)."""
        with self.db.transaction() as c:
            return {
                "collections": organise.collections(c),
                "saved_searches": organise.saved_searches(c),
                "tags": organise.tags(c),
            }

    def models(self) -> list[str]:
        with self.db.transaction() as c:
            return organise.models(c)

    def trash(self, ids: list[int]) -> list[int]:
        """To the trash; the rest of a stack stays (its cover moves to a member still here)."""
        with self.db.transaction() as c:
            moved = trash.move_to_trash(c, ids, now=self.db.clock.now())
            stacks.refresh(c, stacks.stacks_of(c, moved))
            return moved

    def restore(self, ids: list[int]) -> list[int]:
        with self.db.transaction() as c:
            back = trash.restore(c, ids)
            stacks.refresh(c, stacks.stacks_of(c, back))
            return back

    def empty_trash(self, ids: list[int] | None = None) -> tuple[list[int], list[str]]:
        """Really delete trashed images: rows in one transaction, then their files. Returns (ids, problems)."""
        with self.db.transaction() as c:
            touched = stacks.stacks_of(c, ids if ids is not None else trash.trashed_ids(c))
            deleted = trash.delete_trashed_rows(c, ids)
            stacks.refresh(c, touched)
        crash_point("trash.after_rows_deleted")
        return list(deleted.ids), trash.remove_files(deleted, self.root, self.paths.cache)

    def absolute(self, rel_path: str) -> Path:
        return self.root / rel_path

    def disk_usage(self) -> int:
        total = 0
        for dirpath, _dirs, files in os.walk(self.paths.originals):
            total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
        return total
