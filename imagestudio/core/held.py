"""Paid images that could not be saved (disk full, a read-only or vanished folder) are held, never dropped; and
one unusable image of a multi-image answer costs only itself (``usable_only``).

When the library cannot write a job's images, the host keeps them (``HeldImages.keep``): in memory, and in the
first recovery folder that takes them — ``data/held``, ``cache/held``, then the system temp folder (often another
file system) — one folder per request, named in the job's message. When the job is resumed, ``HeldFirst`` (the
provider every runner job goes through) answers with the held images instead of sending a new request: nothing
is paid twice; the ledger already has the first answer, and its cost comes back with the images. Once the library
has them, the held copy goes (``release``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from imagestudio.core.files.fsutil import atomic_write, private_dir
from imagestudio.core.types import GeneratedImage, GenerationResult

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "jpg": "jpg", "webp": "webp", "gif": "gif", "svg": "svg"}


def fingerprint(request: Any) -> str:
    """The request without its image count (a resumed job asks for what it still misses)."""
    data = {k: v for k, v in request.to_json().items() if k != "n"}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:24]


class HeldImages:
    def __init__(self, data: Path, cache: Path) -> None:
        user = getattr(os, "getuid", lambda: "user")()
        self.folders = [data / "held", cache / "held", Path(tempfile.gettempdir()) / f"imagestudio-held-{user}"]
        self._memory: dict[str, GenerationResult] = {}
        self._lock = threading.Lock()

    def keep(self, request: Any, result: GenerationResult) -> Path | None:
        """Hold ``result``'s images; the folder they were written to (None: in memory only)."""
        key = fingerprint(request)
        with self._lock:  # marked: its ingest releases the held copy
            self._memory[key] = dataclasses.replace(result, response_meta={**result.response_meta, "held": True})
        meta = {"provider": result.provider, "model": result.model, "request_id": result.request_id,
                "cost_usd": result.cost_usd, "cost_estimated": result.cost_estimated,
                "formats": [im.output_format for im in result.images]}  # fmt: skip
        for root in self.folders:
            folder = root / key
            try:
                private_dir(folder)
                for i, image in enumerate(result.images):
                    atomic_write(folder / f"{i}.{_EXTENSIONS.get(image.output_format, 'bin')}", image.data)
                atomic_write(folder / "held.json", json.dumps(meta).encode())
                return folder
            except OSError:
                with contextlib.suppress(OSError):
                    shutil.rmtree(folder)
        return None

    def take(self, request: Any) -> GenerationResult | None:
        """The held answer to ``request`` (a copy stays until ``release``), or None."""
        key = fingerprint(request)
        with self._lock:
            if key in self._memory:
                return self._memory[key]
        for root in self.folders:
            folder = root / key
            try:
                meta = json.loads((folder / "held.json").read_text(encoding="utf-8"))
                formats = [str(f) for f in meta["formats"]]
                images = tuple(
                    GeneratedImage((folder / f"{i}.{_EXTENSIONS.get(fmt, 'bin')}").read_bytes(), fmt)
                    for i, fmt in enumerate(formats)
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
            cost = meta.get("cost_usd")
            return GenerationResult(
                images=images,
                provider=str(meta.get("provider") or "held"),
                model=str(meta.get("model") or request.model),
                request_id=meta.get("request_id") if isinstance(meta.get("request_id"), str) else None,
                response_meta={"held": True},
                cost_usd=float(cost) if isinstance(cost, int | float) else 0.0,
                cost_estimated=bool(meta.get("cost_estimated")),
            )
        return None

    def release(self, request: Any) -> None:
        """The library has the images now: forget the held copy."""
        key = fingerprint(request)
        with self._lock:
            self._memory.pop(key, None)
        for root in self.folders:
            if (root / key).is_dir():
                with contextlib.suppress(OSError):
                    shutil.rmtree(root / key)


class HeldFirst:
    """A provider that answers from ``HeldImages`` when it holds the request's images, else asks ``inner``."""

    def __init__(self, inner: Any, held: HeldImages) -> None:
        self.inner = inner
        self.name = inner.name
        self._held = held
        if hasattr(inner, "edit"):
            self.edit = self._edit

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def generate(self, request: Any, *, on_partial: Any = None) -> GenerationResult:
        return await self._answer(self.inner.generate, request, on_partial)

    async def _edit(self, request: Any, *, on_partial: Any = None) -> GenerationResult:
        return await self._answer(self.inner.edit, request, on_partial)

    async def _answer(self, method: Any, request: Any, on_partial: Any) -> GenerationResult:
        import asyncio
        import inspect

        held = await asyncio.to_thread(self._held.take, request)
        if held is not None:
            return held
        if on_partial is not None and "on_partial" in inspect.signature(method).parameters:
            result: GenerationResult = await method(request, on_partial=on_partial)
        else:
            result = await method(request)
        return await asyncio.to_thread(usable_only, result) if len(result.images) > 1 else result


def usable_only(result: GenerationResult) -> GenerationResult:
    """One unusable image in a multi-image answer costs only itself: the others are kept (and the job asks again
    for the missing one), the refused one is named in ``error``. All unusable: left as they are (refused later,
    retried like any bad answer)."""
    from imagestudio.core.errors import BadResponse, ImageDecodeError
    from imagestudio.core.files import imageio

    good, reasons = [], []
    for index, image in enumerate(result.images, start=1):
        try:
            imageio.identify(image.data)
        except ImageDecodeError as e:
            reasons.append(f"image {index}: {e.message}")
        else:
            good.append(image)
    if not reasons or not good:
        return result
    error = BadResponse("The server sent an image that cannot be used (" + "; ".join(reasons)[:300] + ").")
    error.retryable = True
    return dataclasses.replace(result, images=tuple(good), error=result.error or error)


class HeldError(OSError):
    """Saving failed; the images are held (the message says where)."""

    def __init__(self, error: OSError, count: int, folder: Path | None) -> None:
        reason = error.strerror or type(error).__name__
        where = f"kept in {folder}" if folder is not None else "kept in memory until this program closes"
        super().__init__(error.errno or 0, f"{reason} — the {count} paid image(s) are {where}; "
                         "resuming the job adds them without a new request")  # fmt: skip
