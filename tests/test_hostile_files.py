"""The hostile-file corpus (tests/make_hostile.py) through import, the integrity check and repair, SVG rendering,
and the modes of private and shared files. Each entry is imported or refused with a reason; nothing one entry
does costs the others, hangs, or leaves an orphan. Hangs are caught by pytest-timeout's generous limit (no timed
assertion)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imagestudio.core.files import imageio, outside, svg
from imagestudio.core.library import importer, integrity
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from tests.make_hostile import ESCAPE_NAME, GOOD, NOT_UTF8, OUTCOME, make_hostile, svg_local_image

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, links and modes are POSIX")
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Path]]:
    root = tmp_path_factory.mktemp("hostile")
    folder, elsewhere = root / "import-me", root / "outside"
    return folder, elsewhere, make_hostile(folder, elsewhere)


def _thumbnailer() -> Any:
    from imagestudio.app.svg_render import svg_thumbnail_jpeg

    return svg_thumbnail_jpeg


@pytest.fixture
def library(paths: AppPaths, qapp: Any) -> Iterator[Library]:
    lib = Library(paths, svg_thumbnailer=_thumbnailer())
    yield lib
    lib.close()


@posix_only
def test_a_folder_of_hostile_entries_imports_every_good_file_and_refuses_the_rest_with_reasons(
    corpus: tuple[Path, Path, dict[str, Path]], library: Library
) -> None:
    folder, elsewhere, _written = corpus
    report = importer.import_paths(library, [folder])
    by_name = {Path(item.path).name: item for item in report.items}
    good = [n for n in by_name if n.startswith("good-")]
    assert len(good) == GOOD and all(by_name[n].status == "imported" for n in good)
    for name, expected in OUTCOME.items():
        shown = outside.path_text(name)
        assert shown in by_name, (name, sorted(by_name))
        item = by_name[shown]
        want = "skipped" if expected == "refused" else expected
        assert item.status == want, (name, item)
        if want == "skipped":
            assert item.reason, name
    for item in report.items:
        item.path.encode("utf-8")  # storable and printable: no surrogates left
    assert by_name["fifo.png"].reason == "not a regular file"
    assert by_name["link-to-dev-zero.png"].reason == "link to outside the chosen folders"
    assert by_name["linked-folder"].reason == "linked folder not followed"
    assert by_name[outside.path_text(os.fsdecode(NOT_UTF8))].path.endswith("caf\\xe9-\\xff.png")
    # nothing from outside the chosen folder came in, and nothing is left without its row
    digests = {r[0] for r in library.db.read("SELECT sha256 FROM images")}
    for stranger in (elsewhere / "secret.png", elsewhere / "sub" / "outside-only.png"):
        assert hashlib.sha256(stranger.read_bytes()).hexdigest() not in digests
    after = integrity.check(library)
    assert after.orphans == [] and after.missing == [] and after.unreadable == []
    assert after.missing_thumbnails == []  # SVGs too: real thumbnails, drawn through the injected renderer
    svg_row = library.db.read(
        "SELECT width, height, thumb_rel FROM images WHERE params_json LIKE '%svg-viewbox-1e300.svg%'"
    )
    assert svg_row and svg_row[0][:2] == (svg.DEFAULT_SIZE, svg.DEFAULT_SIZE) and svg_row[0][2]


@posix_only
def test_special_files_given_directly_are_refused_with_their_kind(tmp_path: Path, library: Library) -> None:
    os.mkfifo(tmp_path / "given.png")
    for path, detail in ((tmp_path / "given.png", "FIFO"), (Path("/dev/zero"), "character device")):
        [item] = importer.import_paths(library, [path]).items
        assert (item.status, item.reason) == ("skipped", "not a regular file") and detail in item.detail


def test_the_byte_cap_holds_while_reading_not_from_the_size_the_file_claims(tmp_path: Path) -> None:
    if Path("/proc/self/environ").exists():  # a regular file whose st_size is 0
        with pytest.raises(outside.Refused) as refused:
            outside.read_regular("/proc/self/environ", max_bytes=1)
        assert refused.value.reason == "too large"
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (3 * outside.CHUNK))
    with pytest.raises(outside.Refused) as slow:
        outside.read_regular(big, max_bytes=10 * outside.CHUNK, timeout_s=-1)  # a deadline already passed
    assert slow.value.reason == "too slow"
    assert outside.read_regular(big, max_bytes=10 * outside.CHUNK)[0] == big.read_bytes()


@posix_only
def test_repair_survives_every_hostile_orphan_and_adopts_the_usable_ones(
    corpus: tuple[Path, Path, dict[str, Path]], library: Library
) -> None:
    _folder, _elsewhere, written = corpus
    strays = library.paths.originals / "zz"
    strays.mkdir(parents=True)
    for name in ("svg-viewbox-1e300.svg", "svg-width-400-digits.svg", "png-1.6m-empty-chunks.png"):
        shutil.copyfile(written[name], strays / name)
    shutil.copyfile(written[os.fsdecode(NOT_UTF8)], os.path.join(os.fsencode(strays), NOT_UTF8))
    os.mkfifo(strays / "fifo.png")
    (strays / "zero.png").symlink_to("/dev/zero")
    first = integrity.check(library, repair=True)
    assert any("adopted 3 orphan" in line for line in first.fixed), first.lines()
    assert any("fifo.png" in line and "not a regular file" in line for line in first.not_fixed)
    assert any("zero.png" in line for line in first.not_fixed)
    assert any("png-1.6m-empty-chunks.png" in line for line in first.not_fixed)
    for line in first.lines():
        line.encode("utf-8")
    second = integrity.check(library, repair=True)  # the same leftovers again: reported again, no crash
    assert second.missing == [] and len(second.orphans) == 3


@posix_only
def test_an_original_replaced_by_a_fifo_is_reported_not_waited_on(library: Library) -> None:
    [item] = importer.import_paths(library, [_write(library.paths.data.parent / "a.png")]).items
    image = library.db.get(item.image_id or 0)
    assert image is not None
    Path(image.path).unlink()
    os.mkfifo(image.path)
    report = integrity.check(library, repair=True)
    assert report.unreadable == [image.id]
    assert any("cannot be read" in line for line in report.lines())


def _write(path: Path) -> Path:
    from tests.make_hostile import _png

    path.write_bytes(_png((40, 30), (9, 9, 9)))
    return path


def test_a_row_that_cannot_be_written_costs_only_itself_and_leaves_no_orphan(
    tmp_path: Path, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [_write(tmp_path / f"{i}.png") for i in range(3)]
    for i, f in enumerate(files):
        f.write_bytes(f.read_bytes() + bytes([i]))  # trailing bytes: three different files, all valid PNGs
    prepared = [importer.prepare(library, f) for f in files]
    assert all(isinstance(p, importer.Prepared) for p in prepared)
    real_row = importer._row

    def row(p: importer.Prepared, created_at: float, source: str) -> dict[str, Any]:
        out = real_row(p, created_at, source)
        if p.path.endswith("1.png"):
            out["width"] = 10**30  # what an unbounded parser would hand SQLite: OverflowError
        return out

    monkeypatch.setattr(importer, "_row", row)
    items = importer.commit(library, prepared)  # type: ignore[arg-type]
    status = {Path(i.path).name: (i.status, i.reason) for i in items}
    assert status == {"0.png": ("imported", ""), "1.png": ("skipped", "could not be recorded"),
                      "2.png": ("imported", "")}  # fmt: skip
    assert integrity.check(library).orphans == []


def test_svg_rendering_never_draws_local_files_and_keeps_a_budget(tmp_path: Path, qapp: Any) -> None:
    from PySide6.QtGui import QColor

    from imagestudio.app.svg_render import render_svg
    from tests.make_hostile import _png, svg_many_elements

    secret = tmp_path / "secret.png"
    secret.write_bytes(_png((64, 64), (255, 0, 0)))
    image = render_svg(svg_local_image(secret), 64)
    assert not image.isNull()
    assert QColor(image.pixel(32, 32)).red() < 50  # the blue square, not the local file's red
    assert svg.for_rendering(svg_many_elements(svg.MAX_RENDER_ELEMENTS + 1)) is None
    assert render_svg(svg_many_elements(svg.MAX_RENDER_ELEMENTS + 1), 64).isNull()
    cleaned = svg.for_rendering(svg_local_image(secret)) or b""
    assert str(secret).encode() not in cleaned and b"127.0.0.1" not in cleaned


@pytest.mark.parametrize(
    ("attrs", "size"),
    [
        ('viewBox="0 0 1e300 1e300"', (1024, 1024)),
        ('viewBox="0 0 1e400 1e400"', (1024, 1024)),
        (f'width="{"9" * 400}" height="20"', (1024, 20)),
        ('width="1e400" height="1e-400"', (1024, 1024)),
        ('width="30" viewBox="0 0 nan 7"', (30, 1024)),
        ('viewBox="0 0 640 480"', (640, 480)),
    ],
)
def test_svg_sizes_are_bounded(attrs: str, size: tuple[int, int]) -> None:
    info = imageio.identify(f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}/>'.encode())
    assert (info.width, info.height) == size


@posix_only
def test_private_things_are_private_and_exports_follow_the_umask(tmp_path: Path, library: Library) -> None:
    from imagestudio.core import logsetup
    from imagestudio.core.export import convert as export
    from imagestudio.core.secrets import SecretRedactor

    paths = library.paths
    [item] = importer.import_paths(library, [_write(tmp_path / "x.png")]).items
    logsetup.configure(paths.logs, SecretRedactor())
    try:
        import logging

        logging.getLogger("hostile").warning("a line")
        for folder in (paths.data, paths.config, paths.cache, paths.logs):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        db = paths.library_db
        for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), paths.logs / "imagestudio.log"):
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    finally:
        logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers if not getattr(h, "imagestudio", 0)]
    image = library.db.get(item.image_id or 0)
    assert image is not None
    previous = os.umask(0o027)
    try:
        result = export.export_images([image], tmp_path / "shared", export.ExportOptions())
    finally:
        os.umask(previous)
    assert [stat.S_IMODE(p.stat().st_mode) for p in result.written] == [0o640]


def test_control_characters_are_shown_not_acted_on() -> None:
    assert outside.printable(ESCAPE_NAME) == "title-\\u001b]0;pwned\\u0007-\\u001b[31mred.png"
    assert outside.printable("a\u202eb\rc\n") == "a\\u202eb\\u000dc\n"
    assert outside.printable("中文 ok\t👍🏽‍\n") == "中文 ok\t👍🏽‍\n"
    assert outside.printable(os.fsdecode(NOT_UTF8)) == "caf\\xe9-\\xff.png"


@posix_only
def test_the_cli_imports_the_corpus_prints_names_inert_and_checks_clean(
    corpus: tuple[Path, Path, dict[str, Path]], tmp_path: Path
) -> None:
    from tests.test_batch import cli

    folder, _elsewhere, _written = corpus
    home = tmp_path / "cli-home"
    imported = cli("library", "import", str(folder), home=home, timeout=600)
    assert imported.returncode == 1, imported.stderr  # some files skipped, each with its reason
    assert "Traceback" not in imported.stderr
    out = imported.stdout
    assert "\x1b" not in out and "\\u001b]0;pwned" in out  # the escape sequence is shown, not obeyed
    assert "caf\\xe9-\\xff.png" in out
    assert "fifo.png: not a regular file" in out
    checked = cli("library", "check", home=home, timeout=600)  # SVG thumbnails were drawn by the CLI too
    assert checked.returncode == 0, checked.stdout + checked.stderr
    target = tmp_path / "a-file.txt"
    target.write_text("not a folder")
    exported = cli("library", "export", "1", "--to", str(target), home=home)
    assert exported.returncode == 2
    [line] = exported.stderr.strip().splitlines()
    assert "is a file, not a folder" in line and target.read_text() == "not a folder"


def test_a_full_disk_during_repair_is_one_line_and_exit_1(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from imagestudio.cli import run

    assert run(["library", "import", str(_write(tmp_path / "a.png"))]) == 0
    capsys.readouterr()

    def full(*_args: Any, **_kw: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(integrity, "_repair", full)
    assert run(["library", "check", "--repair"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == "imagestudio: the library could not be written: database or disk is full"
