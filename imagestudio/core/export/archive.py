"""Exporting many images as ONE ZIP file: each image as ``core/export/convert`` makes it (original bytes, or
converted with the export options), named by the export template (unique inside the archive), and optionally a
manifest (``manifest.csv`` or ``manifest.json``: id, file, prompt, model, parameters, rating, flag, tags…).

Written atomically: the archive is built in a temporary file beside the target, fsync'd, then renamed over a
name claimed exclusively (``claim_unique``: never overwrites, a taken name gets `` (2)``); a cancel or an error
removes the temporary file and the claimed name, so no half archive is ever left. Runs on a worker thread."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagestudio.core.errors import ImageStudioError
from imagestudio.core.export import filenames
from imagestudio.core.export.convert import ExportError, ExportOptions, convert
from imagestudio.core.files.fsutil import fsync_dir
from imagestudio.core.types import LibraryImage

MANIFESTS = ("csv", "json")
#: already-compressed formats are stored; deflating them again costs time and gains nothing
_STORED = {"png", "jpg", "webp", "avif", "gif", "heic"}
MANIFEST_FIELDS = (
    "id", "file", "prompt", "model", "provider", "width", "height", "format", "created_at", "rating", "flag",
    "favourite", "tags", "note", "cost_usd", "sha256", "source", "params",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ZipResult:
    path: Path | None  # the archive written (None when cancelled or nothing could be exported)
    files: tuple[str, ...]  # the names inside it, in order
    problems: tuple[str, ...]
    cancelled: bool = False


def manifest_row(image: LibraryImage, name: str) -> dict[str, Any]:
    flag = {1: "pick", -1: "reject"}.get(image.flag, "none")
    return {
        "id": image.id, "file": name, "prompt": image.prompt, "model": image.model, "provider": image.provider,
        "width": image.width, "height": image.height, "format": image.format, "created_at": image.created_at,
        "rating": image.rating, "flag": flag, "favourite": image.favourite, "tags": list(image.tags),
        "note": image.note, "cost_usd": image.cost_usd, "sha256": image.sha256, "source": image.source,
        "params": image.params,
    }  # fmt: skip


def manifest_bytes(rows: list[dict[str, Any]], kind: str) -> bytes:
    if kind == "json":
        return json.dumps({"images": rows}, ensure_ascii=False, indent=2).encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["tags"] = "; ".join(row["tags"])
        flat["params"] = json.dumps(row["params"], ensure_ascii=False, sort_keys=True)
        writer.writerow(flat)
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes spreadsheet apps read UTF-8 (Chinese prompts)


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    n = 1
    candidate = name
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{extension}"
    taken.add(candidate.casefold())
    return candidate


def export_zip(
    images: Sequence[LibraryImage],
    target: Path,
    options: ExportOptions,
    *,
    manifest: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    read: Callable[[LibraryImage], bytes] | None = None,
) -> ZipResult:
    options.check()
    if manifest is not None and manifest not in MANIFESTS:
        raise ExportError(f"Unknown manifest {manifest!r}. Choose one of: {', '.join(MANIFESTS)}.")
    directory = target.parent
    if target.is_dir():
        raise ExportError(f"{target} is a folder: give the ZIP file's name.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"Cannot create the folder {directory}: {e.strerror or type(e).__name__}.") from None
    reader = read or (lambda im: Path(im.path).read_bytes())
    fd, temp_name = tempfile.mkstemp(prefix=".imagestudio-", suffix=".zip.part", dir=directory)
    temp = Path(temp_name)
    files: list[str] = []
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", allowZip64=True) as archive:
                taken: set[str] = set()
                for seq, image in enumerate(images, start=1):
                    if cancel is not None and cancel.is_set():
                        raise _Cancelled
                    try:
                        data, extension = convert(reader(image), image, options)
                    except ImageStudioError as e:
                        problems.append(e.message)
                    except OSError as e:
                        problems.append(f"Image {image.id}: {e.strerror or type(e).__name__}")
                    except Exception as e:  # one image's surprise never stops the others
                        problems.append(f"Image {image.id}: could not be exported ({type(e).__name__})")
                    else:
                        name = _unique(filenames.file_name(options.template, image, seq, extension), taken)
                        method = zipfile.ZIP_STORED if extension in _STORED else zipfile.ZIP_DEFLATED
                        archive.writestr(_entry(name, image), data, compress_type=method)
                        files.append(name)
                        rows.append(manifest_row(image, name))
                    if progress is not None:
                        progress(seq, len(images))
                if manifest is not None and rows:
                    name = _unique(f"manifest.{manifest}", taken)
                    archive.writestr(_entry(name, None), manifest_bytes(rows, manifest), zipfile.ZIP_DEFLATED)
            raw.flush()
            os.fsync(raw.fileno())  # the whole archive, central directory included, before the rename
        if not files:
            temp.unlink(missing_ok=True)
            return ZipResult(None, (), tuple(problems))
        path = filenames.claim_unique(directory, target.name)
        try:
            os.chmod(temp, path.stat().st_mode & 0o777)  # the mode the user's umask gives new files
            os.replace(temp, path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        fsync_dir(directory)
        return ZipResult(path, tuple(files), tuple(problems))
    except _Cancelled:
        temp.unlink(missing_ok=True)
        return ZipResult(None, tuple(files), tuple(problems), cancelled=True)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise


class _Cancelled(Exception):
    pass


def _entry(name: str, image: LibraryImage | None) -> zipfile.ZipInfo:
    """A fixed timestamp (the image's own time, or 1980-01-01) so the archive does not depend on the wall clock."""
    stamp = time.localtime(image.created_at)[:6] if image is not None and image.created_at >= 315_532_800 else None
    info = zipfile.ZipInfo(name, date_time=stamp or (1980, 1, 1, 0, 0, 0))  # type: ignore[arg-type]
    info.external_attr = 0o644 << 16
    return info
