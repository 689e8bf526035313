"""The image library on disk: byte-exact originals named by hash, thumbnails, SQLite rows written last."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.files import fsutil, imageio
from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.library.db import SCHEMA_VERSION, LibraryDB
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.demo import render
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, Usage

PROMPT = "雪中的红狐狸 — a red fox in snow, watercolour"
USAGE = Usage(input_tokens=12, output_tokens=1056, total_tokens=1068, input_text_tokens=12, output_image_tokens=1056)


def make_result(
    prompt: str = PROMPT, n: int = 1, size: tuple[int, int] = (320, 192), fmt: str = "png", provider: str = "demo"
) -> tuple[GenerationRequest, GenerationResult]:
    request = GenerationRequest(
        prompt=prompt, model="gpt-image-2", size=f"{size[0]}x{size[1]}", quality="low", n=n, output_format=fmt
    )
    images = tuple(GeneratedImage(render(prompt, i, size, fmt), fmt) for i in range(n))
    result = GenerationResult(
        images=images,
        provider=provider,
        model="gpt-image-2-2026-04-21",
        usage=USAGE,
        request_id="req_abc123",
        response_meta={"size": f"{size[0]}x{size[1]}", "quality": "low", "background": "opaque"},
    )
    return request, result


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def row_count(paths: AppPaths) -> int:
    with sqlite3.connect(paths.library_db) as conn:
        return int(conn.execute("SELECT count(*) FROM images").fetchone()[0])


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    yield library
    library.close()


# -- ingest ----------------------------------------------------------------------------------------


def test_ingest_one_image_keeps_bytes_and_metadata(lib: Library, paths: AppPaths) -> None:
    request, result = make_result(size=(640, 384))
    data = result.images[0].data
    [image] = lib.ingest(request, result)

    digest = hashlib.sha256(data).hexdigest()
    original = Path(image.path)
    assert original == paths.originals / digest[:2] / f"{digest}.png"
    assert original.read_bytes() == data  # byte-exact, never re-encoded
    assert image.sha256 == digest
    assert lib.absolute(f"originals/{digest[:2]}/{digest}.png") == original

    assert image.prompt == PROMPT
    assert image.model == "gpt-image-2-2026-04-21"
    assert image.provider == "demo" and image.is_demo is True
    assert (image.width, image.height, image.format) == (640, 384, "png")
    assert image.params["prompt"] == PROMPT
    assert image.params["quality"] == "low" and image.params["n"] == 1 and image.params["size"] == "640x384"
    assert image.params["response"] == {"size": "640x384", "quality": "low", "background": "opaque"}
    assert image.usage == USAGE.to_json()
    assert image.created_at > 0

    # the stored JSON keeps Chinese readable, and the row is what a fresh read returns
    with sqlite3.connect(paths.library_db) as conn:
        prompt, params_json, request_id, byte_size = conn.execute(
            "SELECT prompt, params_json, request_id, byte_size FROM images"
        ).fetchone()
    assert prompt == PROMPT and "雪中的红狐狸" in params_json and json.loads(params_json)["prompt"] == PROMPT
    assert request_id == "req_abc123"
    assert byte_size == len(data)
    assert lib.db.get(image.id) == image

    assert image.thumb_path is not None
    thumb = Path(image.thumb_path)
    assert thumb == paths.thumbs / digest[:2] / f"{digest}.jpg"
    with Image.open(thumb) as t:
        assert t.format == "JPEG"
        assert max(t.size) == 256 and t.size == (256, 154)  # aspect kept
    assert files_under(paths.tmp) == []


@pytest.mark.parametrize(("fmt", "ext"), [("jpeg", "jpg"), ("webp", "webp")])
def test_ingest_other_formats(lib: Library, fmt: str, ext: str) -> None:
    request, result = make_result(fmt=fmt, size=(96, 64))
    [image] = lib.ingest(request, result)
    assert image.format == fmt
    assert image.path.endswith(f".{ext}")
    assert Path(image.path).read_bytes() == result.images[0].data
    assert (image.width, image.height) == (96, 64)
    with Image.open(image.thumb_path or "") as t:
        assert t.format == "JPEG" and t.size == (96, 64)  # small images are not enlarged


def test_non_demo_provider_is_not_marked_demo(lib: Library) -> None:
    request, result = make_result(provider="openai")
    [image] = lib.ingest(request, result)
    assert image.is_demo is False and image.provider == "openai"


def test_n_images_are_one_transaction(lib: Library) -> None:
    statements: list[str] = []
    lib.db._conn.set_trace_callback(statements.append)
    request, result = make_result(n=3, size=(64, 64))
    images = lib.ingest(request, result)
    lib.db._conn.set_trace_callback(None)

    assert len(images) == 3 and len({im.sha256 for im in images}) == 3
    assert [s.split()[0].upper() for s in statements if s.split()[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK"}] == [
        "BEGIN",
        "COMMIT",
    ]
    assert sum(s.lstrip().upper().startswith("INSERT INTO IMAGES ") for s in statements) == 3
    # the batch keeps its order in "newest first" views: the last image of a batch is the newest
    assert lib.db.ids_newest_first() == [im.id for im in reversed(images)]


def test_a_failing_row_rolls_back_the_whole_batch(lib: Library, paths: AppPaths) -> None:
    request, result = make_result(n=3, size=(64, 64))
    stored = [lib.store_file(im) for im in result.images]
    broken = dataclasses.replace(stored[2], info=imageio.ImageInfo("png", None, 64))  # type: ignore[arg-type]
    with pytest.raises(sqlite3.IntegrityError):
        lib.commit([stored[0], stored[1], broken], request, result)
    assert lib.db.count() == 0
    assert row_count(paths) == 0
    # the connection is usable afterwards
    assert len(lib.commit(stored, request, result)) == 3
    assert lib.db.count() == 3


def test_same_bytes_twice_is_one_row_and_one_file(lib: Library, paths: AppPaths) -> None:
    request, result = make_result()
    [first] = lib.ingest(request, result)
    [second] = lib.ingest(request, result)
    assert second.id == first.id
    twice = dataclasses.replace(result, images=result.images * 2)
    assert [im.id for im in lib.ingest(request, twice)] == [first.id, first.id]
    assert lib.db.count() == 1
    assert files_under(paths.originals) == [Path(first.path)]
    assert files_under(paths.thumbs) == [Path(first.thumb_path or "")]
    assert lib.disk_usage() == len(result.images[0].data)


def test_database_uses_wal_and_is_healthy(lib: Library, paths: AppPaths) -> None:
    with sqlite3.connect(paths.library_db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert lib.db._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert lib.db.quick_check() == "ok"


def test_library_persists_across_reopen(paths: AppPaths) -> None:
    lib = Library(paths)
    request, result = make_result(n=2, size=(64, 64))
    images = lib.ingest(request, result)
    lib.close()

    again = Library(paths)
    try:
        assert again.db.count() == 2
        assert again.db.get_many([im.id for im in images]) == images
        assert again.db.ids_newest_first() == [images[1].id, images[0].id]
        assert again.db.schema_version() == SCHEMA_VERSION
    finally:
        again.close()


def test_leftovers_in_tmp_are_removed_at_start(paths: AppPaths) -> None:
    paths.tmp.mkdir(parents=True, exist_ok=True)
    (paths.tmp / ".part-abc123").write_bytes(b"half an image")
    (paths.tmp / "other").write_bytes(b"")
    lib = Library(paths)
    try:
        assert list(paths.tmp.iterdir()) == []
    finally:
        lib.close()


@pytest.mark.parametrize("payload", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_undecodable_payload_leaves_no_row_and_no_file(lib: Library, paths: AppPaths, payload: bytes) -> None:
    request, result = make_result()
    bad = dataclasses.replace(result, images=(GeneratedImage(payload, "png"),))
    with pytest.raises(ImageDecodeError):
        lib.ingest(request, bad)
    assert lib.db.count() == 0
    assert files_under(paths.originals) == []
    assert files_under(paths.tmp) == []
    assert files_under(paths.thumbs) == []


def test_truncated_image_in_a_batch_means_no_rows(lib: Library, paths: AppPaths) -> None:
    request, result = make_result(n=2, size=(64, 64))
    good, other = result.images
    batch = dataclasses.replace(result, images=(good, GeneratedImage(other.data[: len(other.data) // 2], "png")))
    with pytest.raises(ImageDecodeError, match="damaged or truncated"):
        lib.ingest(request, batch)
    assert lib.db.count() == 0  # the good image may be an orphan file, but no row exists
    assert all(p.read_bytes() == good.data for p in files_under(paths.originals))


def test_crash_before_the_row_leaves_only_an_orphan(
    lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: LibraryDB, rows: Any, **_: Any) -> list[int]:
        raise RuntimeError("simulated crash between files and row")

    monkeypatch.setattr(LibraryDB, "insert_images", crash)
    request, result = make_result()
    data = result.images[0].data
    with pytest.raises(RuntimeError, match="simulated crash"):
        lib.ingest(request, result)
    monkeypatch.undo()

    digest = hashlib.sha256(data).hexdigest()
    original = paths.originals / digest[:2] / f"{digest}.png"
    assert original.read_bytes() == data  # files first ...
    assert row_count(paths) == 0  # ... row last: never a row without its file
    lib.close()

    reopened = Library(paths)  # a new run opens fine
    try:
        assert reopened.db.count() == 0
        assert reopened.db.quick_check() == "ok"
        [image] = reopened.ingest(request, result)  # and ingesting again adopts the orphan
        assert Path(image.path) == original and original.read_bytes() == data
        assert reopened.db.count() == 1
    finally:
        reopened.close()


def test_failed_thumbnail_still_keeps_the_image(lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_thumb(frame: Any, has_alpha: bool) -> bytes:
        raise OSError("unusual mode")

    monkeypatch.setattr(imageio, "thumbnail_jpeg", no_thumb)  # library imports imageio on first use
    request, result = make_result()
    [image] = lib.ingest(request, result)
    assert image.thumb_path is None
    assert Path(image.path).read_bytes() == result.images[0].data
    assert files_under(paths.thumbs) == []


def test_failed_original_write_leaves_nothing(lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", no_space)
    request, result = make_result()
    with pytest.raises(OSError, match="No space left"):
        lib.ingest(request, result)
    monkeypatch.undo()
    assert files_under(paths.originals) == []
    assert files_under(paths.tmp) == []
    assert lib.db.count() == 0


# -- schema ----------------------------------------------------------------------------------------


def test_schema_version_is_4(lib: Library, paths: AppPaths) -> None:
    assert SCHEMA_VERSION == 4
    assert lib.db.schema_version() == 4
    with sqlite3.connect(paths.library_db) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(4,)]


def test_newer_schema_is_refused_clearly(paths: AppPaths) -> None:
    Library(paths).close()
    with sqlite3.connect(paths.library_db) as conn:
        conn.execute("UPDATE schema_version SET version = 5")
    with pytest.raises(RuntimeError, match=r"newer imagestudio \(schema 5\); please update"):
        Library(paths)
    with sqlite3.connect(paths.library_db) as conn:  # and nothing was changed
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (5,)


def test_to_json_has_no_prompt_params_or_usage(lib: Library) -> None:
    request, result = make_result()
    [image] = lib.ingest(request, result)
    body = image.to_json()
    assert body["id"] == image.id and body["sha256"] == image.sha256 and body["path"] == image.path
    assert json.loads(json.dumps(body)) == body


# -- fsutil ----------------------------------------------------------------------------------------


def test_atomic_write_creates_folders_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.bin"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "file.bin"
    tmp_dir = tmp_path / "tmp"
    atomic_write(target, b"old", tmp_dir=tmp_dir)

    def broken(src: Any, dst: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="Input/output error"):
        atomic_write(target, b"new" * 1000, tmp_dir=tmp_dir)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "out" / "other.bin", b"x")  # temp file beside the target this time
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]
    assert list(tmp_dir.iterdir()) == []


def test_atomic_write_failure_while_writing_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(tmp_path / "f.bin", b"data")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_demo_render_is_a_real_png() -> None:
    data = render(PROMPT, 0, (64, 48), "png")
    with Image.open(io.BytesIO(data)) as im:
        assert (im.format, im.size) == ("PNG", (64, 48))
