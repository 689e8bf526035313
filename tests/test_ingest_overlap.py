"""store_file overlaps the original's write (temp, fsync, rename, directory fsync) with the image's decode, and
writes the thumbnail on the writing thread while the pHash is computed. These tests prove the order on disk is
still the durable one (original → thumbnail → row), whichever thread gets there first, and that every failure
leaves the library consistent: no row without its file, no partial file, damaged data never kept."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.files import fsutil, imageio
from imagestudio.core.library import importer
from imagestudio.core.library.db import LibraryDB
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GeneratedImage
from tests.test_library import files_under, make_result, row_count


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    yield library
    library.close()


def truncated_png() -> bytes:
    """Sound chunk structure and checksums (``identify`` accepts it), pixel data cut short (the decode refuses it)."""
    out = io.BytesIO()
    Image.effect_noise((256, 256), 80).convert("RGB").save(out, "PNG")
    data = out.getvalue()
    start = data.index(b"IDAT") - 4  # the first IDAT chunk: length, type, data, crc
    length = int.from_bytes(data[start : start + 4], "big")
    cut = data[start + 8 : start + 8 + length // 2]
    chunk = len(cut).to_bytes(4, "big") + b"IDAT" + cut + zlib.crc32(b"IDAT" + cut).to_bytes(4, "big")
    return data[:start] + chunk + data[-12:]  # the IEND chunk


def slow_durable_temp(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The original's write takes a while (a slow disk): the decode finishes first."""
    real = fsutil.durable_temp

    def slow(data: bytes, directory: Path) -> Path:
        time.sleep(seconds)
        return real(data, directory)

    monkeypatch.setattr(fsutil, "durable_temp", slow)


def test_truncated_png_passes_identify_but_not_the_decode() -> None:
    data = truncated_png()
    assert imageio.identify(data).format == "png"
    with pytest.raises(ImageDecodeError):
        imageio.inspect(data)


def test_disk_order_is_original_then_thumbnail_then_row(
    lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    request, result = make_result()
    digest = hashlib.sha256(result.images[0].data).hexdigest()
    original = paths.originals / digest[:2] / f"{digest}.png"
    real_fsync, real_replace = fsutil.os.fsync, fsutil.os.replace
    real_insert, real_thumb = LibraryDB.insert_images, Library._write_thumbnail

    def fsync(fd: int) -> None:
        real_fsync(fd)
        events.append("fsync file")

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        events.append("rename original" if Path(dst) == original else "rename other")

    def fsync_dir(path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            real_fsync(fd)
        finally:
            os.close(fd)
        events.append("fsync original's folder" if path == original.parent else "fsync other folder")

    def write_thumbnail(self: Library, thumb_path: Path, thumbnail: bytes) -> None:
        assert original.read_bytes() == result.images[0].data  # the original is in place before its thumbnail
        events.append("thumbnail")
        real_thumb(self, thumb_path, thumbnail)

    def insert_images(self: LibraryDB, rows: Any, **kw: Any) -> list[int]:
        events.append("commit")
        return real_insert(self, rows, **kw)

    monkeypatch.setattr(fsutil.os, "fsync", fsync)
    monkeypatch.setattr(fsutil.os, "replace", replace)
    monkeypatch.setattr(fsutil, "fsync_dir", fsync_dir)
    monkeypatch.setattr(Library, "_write_thumbnail", write_thumbnail)
    monkeypatch.setattr(LibraryDB, "insert_images", insert_images)
    [image] = lib.ingest(request, result)

    assert Path(image.path) == original and image.thumb_path is not None
    mine = [e for e in events if "other" not in e]  # the thumbnail's own rename, new folders' fsyncs
    assert mine == ["fsync file", "rename original", "fsync original's folder", "thumbnail", "commit"]


@pytest.mark.parametrize("write_seconds", [0.0, 0.2])
def test_damaged_data_leaves_nothing_whichever_finishes_first(
    lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch, write_seconds: float
) -> None:
    slow_durable_temp(monkeypatch, write_seconds)
    with pytest.raises(ImageDecodeError, match="damaged or truncated"):
        lib.store_file(GeneratedImage(truncated_png(), "png"))
    assert files_under(paths.originals) == []
    assert files_under(paths.tmp) == [] and files_under(paths.thumbs) == []


def test_thumbnail_failure_while_the_original_is_written_keeps_the_image(
    lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_durable_temp(monkeypatch, 0.2)  # the thumbnail step fails while the original is still being written

    def no_thumb(frame: Any, has_alpha: bool) -> bytes:
        raise OSError("unusual mode")

    monkeypatch.setattr(imageio, "thumbnail_jpeg", no_thumb)
    request, result = make_result()
    [image] = lib.ingest(request, result)
    assert image.thumb_path is None
    assert Path(image.path).read_bytes() == result.images[0].data
    assert files_under(paths.thumbs) == [] and files_under(paths.tmp) == []


def test_thumbnail_write_failing_on_the_writing_thread_reaches_the_caller_and_adds_no_row(
    lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_cache(self: Library, thumb_path: Path, thumbnail: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    request, result = make_result()
    with monkeypatch.context() as m:
        m.setattr(Library, "_write_thumbnail", full_cache)
        with pytest.raises(OSError, match="No space left"):
            lib.ingest(request, result)
    assert row_count(paths) == 0  # never a row for a failed store
    assert files_under(paths.tmp) == []
    [image] = lib.ingest(request, result)  # the disk is fine again: the same call works (the original is adopted)
    assert Path(image.path).read_bytes() == result.images[0].data and image.thumb_path is not None


def test_an_unexpected_error_during_the_decode_keeps_the_durable_original_as_an_orphan(
    lib: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only damaged data (the same for every caller with these bytes) deletes what was written: another worker
    storing the same bytes may already rely on the file, so anything else leaves an orphan for the clean-up."""

    def out_of_memory(im: Image.Image, edge: int = imageio.THUMB_EDGE) -> Any:
        raise MemoryError

    monkeypatch.setattr(imageio, "thumbnail_frame", out_of_memory)
    request, result = make_result()
    with pytest.raises(MemoryError):
        lib.ingest(request, result)
    assert [p.read_bytes() for p in files_under(paths.originals)] == [result.images[0].data]
    assert files_under(paths.tmp) == [] and row_count(paths) == 0


def test_the_same_bytes_stored_by_several_threads_at_once(lib: Library, paths: AppPaths) -> None:
    request, result = make_result(n=2)
    images = [result.images[i % 2] for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        stored = list(pool.map(lib.store_file, images))
    assert {s.sha256 for s in stored} == {hashlib.sha256(im.data).hexdigest() for im in result.images}
    assert sorted(p.read_bytes() for p in files_under(paths.originals)) == sorted(im.data for im in result.images)
    assert len(files_under(paths.thumbs)) == 2 and files_under(paths.tmp) == []
    assert len(lib.commit(stored, request, result)) == 8
    assert lib.db.count() == 2


def test_import_decodes_and_hashes_each_new_file_once(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "photo.png"
    src.write_bytes(make_result()[1].images[0].data)
    calls: list[str] = []
    real_frame, real_inspect, real_sha = imageio.thumbnail_frame, imageio.inspect, hashlib.sha256

    def counting_frame(im: Image.Image, edge: int = imageio.THUMB_EDGE) -> Any:
        calls.append("decode")
        return real_frame(im, edge)

    def counting_inspect(data: bytes) -> Any:
        calls.append("decode")
        return real_inspect(data)

    def counting_sha(data: bytes = b"") -> Any:
        calls.append("sha256")
        return real_sha(data)

    monkeypatch.setattr(imageio, "thumbnail_frame", counting_frame)
    monkeypatch.setattr(imageio, "inspect", counting_inspect)
    monkeypatch.setattr(hashlib, "sha256", counting_sha)
    report = importer.import_paths(lib, [src])
    assert report.count("imported") == 1
    assert calls.count("decode") == 1 and calls.count("sha256") == 1


# -- fsutil -------------------------------------------------------------------------------------------------------


def test_background_write_runs_then_after_the_file_is_in_place(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.bin"
    seen: list[bytes] = []
    writing = fsutil.BackgroundWrite(target, b"payload", tmp_dir=tmp_path / "tmp")
    writing.keep(then=lambda: seen.append(target.read_bytes()))
    writing.wait()
    assert seen == [b"payload"] and target.read_bytes() == b"payload"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_background_write_dropped_removes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "file.bin"
    writing = fsutil.BackgroundWrite(target, b"payload", tmp_dir=tmp_path / "tmp")
    writing.drop(remove=True)
    assert not target.exists() and list((tmp_path / "tmp").iterdir()) == []


def test_background_write_error_is_raised_by_wait_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fsutil.os, "fsync", no_space)
    writing = fsutil.BackgroundWrite(tmp_path / "file.bin", b"payload", tmp_dir=tmp_path / "tmp")
    then_ran = threading.Event()
    writing.keep(then=then_ran.set)
    with pytest.raises(OSError, match="No space left"):
        writing.wait()
    assert not then_ran.is_set()  # what must follow the file never runs without it
    assert not (tmp_path / "file.bin").exists() and list((tmp_path / "tmp").iterdir()) == []


def test_new_folders_are_made_durable_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[Path] = []
    real: Callable[[Path], None] = fsutil.fsync_dir
    monkeypatch.setattr(fsutil, "fsync_dir", lambda p: (synced.append(p), real(p)))
    fsutil.atomic_write(tmp_path / "x" / "y" / "f", b"1")
    assert synced == [tmp_path, tmp_path / "x", tmp_path / "x" / "y"]  # each new entry, then the file's own
    synced.clear()
    fsutil.atomic_write(tmp_path / "x" / "y" / "g", b"2")
    assert synced == [tmp_path / "x" / "y"]  # folders that exist: only the rename's fsync


def test_background_write_on_a_pool_and_on_its_own_once_the_pool_is_shut_down(tmp_path: Path) -> None:
    pool = ThreadPoolExecutor(1, thread_name_prefix="writer")
    names: list[str] = []
    for i in range(3):
        writing = fsutil.BackgroundWrite(tmp_path / f"{i}", b"x", tmp_dir=tmp_path / "tmp", executor=pool)
        writing.keep(then=lambda: names.append(threading.current_thread().name))
        writing.wait()
        if i == 1:
            pool.shutdown()
    assert names[0].startswith("writer") and names[1] == names[0]  # the pool's idle thread, no new one
    assert names[2] == "durable-write"  # a closing library still stores what is under way
    assert [(tmp_path / f"{i}").read_bytes() for i in range(3)] == [b"x"] * 3
