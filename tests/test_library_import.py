"""Import: copies byte-exact, reads our metadata / SD `parameters` / C2PA presence, skips duplicates and
bad files with a reason per file, and goes on with the rest; plus `library check [--repair]`."""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from imagestudio.core.library import importer, integrity
from imagestudio.core.library.library import Library
from imagestudio.core.library.metadata import has_c2pa, parse_sd_parameters
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths

SD_TEXT = (
    "a cute cat, masterpiece\nsecond line\nNegative prompt: blurry, ugly\nSteps: 20, Sampler: Euler a, Model: sdxl"
)


def png(color: tuple[int, int, int], size: tuple[int, int] = (64, 48), **texts: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for k, v in texts.items():
        info.add_text(k, v)
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def with_png_chunk(data: bytes, kind: bytes, body: bytes) -> bytes:
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return data[:33] + chunk + data[33:]  # right after IHDR


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    yield library
    library.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "sd.png").write_bytes(png((200, 0, 0), parameters=SD_TEXT))
    (d / "sub" / "ours.png").write_bytes(
        png((0, 200, 0), imagestudio=json.dumps({"prompt": "雪中的红狐狸", "model": "gpt-image-2"}))
    )
    (d / "sub" / "plain.png").write_bytes(png((0, 0, 200)))
    (d / "zz-copy-of-sd.png").write_bytes((d / "sd.png").read_bytes())
    (d / "truncated.png").write_bytes(png((9, 9, 9), (300, 300))[:400])
    (d / "notes.txt").write_text("not an image")
    bmp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(bmp, "BMP")
    (d / "old.bmp").write_bytes(bmp.getvalue())
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, "PNG")  # 81 Mpx of nothing: tiny file, too many pixels
    (d / "bomb.png").write_bytes(bomb.getvalue())
    (d / ".hidden.png").write_bytes(png((1, 2, 3)))
    return d


def test_import_folder_reports_every_file_and_goes_on(lib: Library, folder: Path) -> None:
    report = importer.import_paths(lib, [folder, folder / "missing.png"])
    by_name = {Path(i.path).name: i for i in report.items}
    assert {n: (i.status, i.reason) for n, i in by_name.items() if i.status != "imported"} == {
        "zz-copy-of-sd.png": ("duplicate", f"same file as {folder / 'sd.png'}"),
        "truncated.png": ("skipped", "truncated or damaged"),
        "notes.txt": ("skipped", "not an image"),
        "old.bmp": ("skipped", "unsupported format"),
        "bomb.png": ("skipped", "decompression bomb"),
        "missing.png": ("skipped", "not found"),
    }
    assert ".hidden.png" not in by_name
    assert report.count("imported") == 3 and report.summary().startswith("3 imported, 1 already")

    images = {Path(im.params["imported_from"]).name: im for im in lib.db.get_many(report.added_ids)}
    sd = images["sd.png"]
    assert Path(sd.path).read_bytes() == (folder / "sd.png").read_bytes()  # byte-exact copy
    assert sd.prompt == "a cute cat, masterpiece\nsecond line" and sd.model == "sdxl" and sd.source == "imported"
    assert sd.params["metadata"]["Sampler"] == "Euler a" and sd.params["negative_prompt"] == "blurry, ugly"
    assert images["ours.png"].prompt == "雪中的红狐狸" and images["ours.png"].model == "gpt-image-2"
    assert images["plain.png"].prompt == "plain"  # no metadata: the file name
    assert lib.find(LibraryQuery(text="狐狸")) == [images["ours.png"].id]
    assert lib.find(LibraryQuery(text="blurry")) == [sd.id]  # the negative prompt is searchable too

    again = importer.import_paths(lib, [folder / "sd.png"])
    assert [(i.status, i.image_id) for i in again.items] == [("duplicate", sd.id)]
    lib.trash([sd.id])
    assert "in the trash" in importer.import_paths(lib, [folder / "sd.png"]).items[0].reason


def test_sd_parameters_parser() -> None:
    prompt, params = parse_sd_parameters(SD_TEXT)
    assert prompt == "a cute cat, masterpiece\nsecond line"
    assert params == {"Steps": "20", "Sampler": "Euler a", "Model": "sdxl", "negative_prompt": "blurry, ugly"}
    assert parse_sd_parameters("just a prompt") == ("just a prompt", {})


def test_c2pa_presence(lib: Library, tmp_path: Path) -> None:
    plain = png((5, 5, 5))
    signed = with_png_chunk(plain, b"caBX", b"\x00\x00\x00\x10jumbc2pa" + b"\x00" * 8)
    assert has_c2pa(signed) and not has_c2pa(plain)
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, "JPEG")
    body = jpeg.getvalue()
    app11 = b"\xff\xeb" + struct.pack(">H", 2 + 12) + b"JPjumbc2pa\x00\x00"
    assert has_c2pa(body[:2] + app11 + body[2:]) and not has_c2pa(body)
    assert not has_c2pa(b"\x89PNG\r\n\x1a\n\x00")  # cut short: no crash
    (tmp_path / "signed.png").write_bytes(signed)
    [item] = importer.import_paths(lib, [tmp_path / "signed.png"]).items
    assert item.status == "imported" and item.detail == "C2PA manifest present"
    assert lib.db.get(item.image_id or 0).params["c2pa"] is True  # type: ignore[union-attr]


def test_check_finds_and_repairs_without_losing_data(lib: Library, folder: Path, paths: AppPaths) -> None:
    report = importer.import_paths(lib, [folder / "sd.png", folder / "sub"])
    sd, ours, plain = lib.db.get_many(report.added_ids)
    assert integrity.check(lib).problems == 0

    Path(plain.path).unlink()  # deleted behind the app's back
    Path(ours.path).write_bytes(b"garbage")  # damaged
    Path(sd.thumb_path or "").unlink()  # thumbnail lost
    stray = paths.originals / "zz" / "dropped-here.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(png((7, 77, 177)))  # a file nobody knows about
    junk = paths.originals / "zz" / "junk.bin"
    junk.write_bytes(b"\x00junk")
    with lib.db.transaction() as c:
        c.execute("DELETE FROM image_search")

    found = integrity.check(lib)
    assert found.missing == [plain.id] and found.mismatched == [ours.id]
    assert found.missing_thumbnails == [sd.id] and found.search_out_of_step
    assert found.orphans == ["originals/zz/dropped-here.png", "originals/zz/junk.bin"]
    assert found.database == [] and found.fixed == []  # checking alone changes nothing
    assert stray.exists() and not Path(sd.thumb_path or "").exists()

    fixed = integrity.check(lib, repair=True)
    assert Path(sd.thumb_path or "").exists()
    assert lib.db.get(plain.id).missing is True  # type: ignore[union-attr]  # marked, row kept
    adopted = [i for i in lib.find(LibraryQuery()) if lib.db.get(i).source == "adopted"]  # type: ignore[union-attr]
    assert len(adopted) == 1 and not stray.exists()  # it now lives under its content address
    assert Path(lib.db.get(adopted[0]).path).exists()  # type: ignore[union-attr]
    assert junk.exists()  # not an image: left in place, and said so
    assert any("junk.bin" in m for m in fixed.not_fixed)
    assert any(f"#{ours.id}" in m and "damaged" in m for m in fixed.not_fixed)
    assert any(f"#{plain.id}" in m and "gone" in m for m in fixed.not_fixed)
    assert lib.find(LibraryQuery(text="cat")) == [sd.id]  # search index rebuilt

    after = integrity.check(lib)
    assert after.missing_thumbnails == [] and not after.search_out_of_step
    assert after.orphans == ["originals/zz/junk.bin"]


def test_check_reports_database_corruption(paths: AppPaths) -> None:
    lib = Library(paths)
    from tests.test_library import make_result

    for i in range(30):
        request, result = make_result(prompt=f"image {i} " + "x" * 300, size=(16, 16 + i))
        lib.ingest(request, result)
    lib.close()
    raw = bytearray(paths.library_db.read_bytes())
    page = 4096
    for offset in range(2 * page + 100, min(len(raw), 6 * page), 7):  # scribble over some b-tree pages
        raw[offset] = 0xAB
    paths.library_db.write_bytes(bytes(raw))
    try:
        lib = Library(paths)
    except sqlite3.DatabaseError:  # so damaged it cannot be opened: the file itself is checked
        report = integrity.check_database_file(paths.library_db)
    else:
        try:
            report = integrity.check(lib, repair=True)
        finally:
            lib.close()
    assert report.database and "backup" in report.not_fixed[0]
