"""One ZIP out (issue 21): a selection, a collection or a saved search; originals byte-exact inside; converted
files with the template's names (unique in the archive); CSV/JSON manifest of prompts and parameters; written
atomically (a cancel or a failure leaves no archive and no temporary file; a taken name gets " (2)")."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest

from imagestudio.core.export.archive import export_zip
from imagestudio.core.export.convert import ExportError, ExportOptions
from imagestudio.core.library.library import Library
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths
from tests.test_cli import cli
from tests.test_library import make_result
from tests.test_library_import import png


def _library(paths: AppPaths, prompts: list[str]) -> Library:
    lib = Library(paths)
    for i, prompt in enumerate(prompts):
        request, result = make_result(prompt=prompt, size=(40 + i, 30))
        lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=1_700_000_000.0 + i)
    return lib


def test_zip_holds_originals_byte_exact_and_a_manifest(paths: AppPaths, tmp_path: Path) -> None:
    lib = _library(paths, ["雪中的红狐狸", "a calm sea", "a calm sea"])
    try:
        images = lib.db.get_many([1, 2, 3])
        lib.set_rating([2], 5)
        images = lib.db.get_many([1, 2, 3])
        target = tmp_path / "out" / "pack.zip"
        done: list[int] = []
        result = export_zip(
            images, target, ExportOptions(template="{prompt}"), manifest="json", progress=lambda d, _t: done.append(d)
        )
        assert result.path == target and done == [1, 2, 3] and not result.problems
        with zipfile.ZipFile(target) as z:
            names = z.namelist()
            assert names == ["雪中的红狐狸.png", "a calm sea.png", "a calm sea (2).png", "manifest.json"]
            for name, image in zip(names, images, strict=False):
                assert z.read(name) == Path(image.path).read_bytes()  # byte-exact originals
            manifest = json.loads(z.read("manifest.json"))["images"]
        assert [(m["id"], m["file"], m["prompt"]) for m in manifest] == [
            (1, "雪中的红狐狸.png", "雪中的红狐狸"), (2, "a calm sea.png", "a calm sea"),
            (3, "a calm sea (2).png", "a calm sea"),
        ]  # fmt: skip
        assert manifest[1]["rating"] == 5 and manifest[0]["model"] == images[0].model
        assert manifest[0]["params"] == images[0].params
        assert [p.name for p in target.parent.iterdir()] == ["pack.zip"]  # no temporary file left

        again = export_zip(images[:1], target, ExportOptions(format="jpeg"), manifest="csv")
        assert again.path == target.parent / "pack (2).zip"  # never overwrites
        with zipfile.ZipFile(again.path) as z:
            assert z.read(z.namelist()[0])[:2] == b"\xff\xd8"
            rows = list(csv.DictReader(io.StringIO(z.read("manifest.csv").decode("utf-8-sig"))))
        assert rows[0]["prompt"] == "雪中的红狐狸" and json.loads(rows[0]["params"]) == images[0].params
    finally:
        lib.close()


def test_cancel_and_failures_leave_no_archive(paths: AppPaths, tmp_path: Path) -> None:
    lib = _library(paths, ["one", "two"])
    try:
        images = lib.db.get_many([1, 2])
        out = tmp_path / "out"
        out.mkdir()
        cancel = threading.Event()
        result = export_zip(images, out / "c.zip", ExportOptions(), progress=lambda *_: cancel.set(), cancel=cancel)
        assert result.cancelled and result.path is None
        assert list(out.iterdir()) == []

        def unreadable(_image: object) -> bytes:
            raise OSError(5, "Input/output error")

        broken = export_zip(images, out / "b.zip", ExportOptions(), read=unreadable)
        assert broken.path is None and len(broken.problems) == 2 and list(out.iterdir()) == []

        def disk_full(*_args: object, **_kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(zipfile.ZipFile, "writestr", disk_full)
            with pytest.raises(OSError):
                export_zip(images, out / "f.zip", ExportOptions())
        assert list(out.iterdir()) == []
        (out / "folder.zip").mkdir()
        with pytest.raises(ExportError, match="is a folder"):
            export_zip(images, out / "folder.zip", ExportOptions())
    finally:
        lib.close()


def test_cli_zip_of_a_collection_and_a_saved_search(tmp_path: Path) -> None:
    home, src = tmp_path / "home", tmp_path / "src"
    src.mkdir()
    for name, colour in (("fox", (200, 60, 0)), ("sea", (0, 60, 200)), ("sky", (90, 90, 250))):
        (src / f"{name}.png").write_bytes(png(colour, parameters=f"a {name}\nSteps: 20"))
    files = json.loads(cli("library", "import", str(src), "--json", home=home).stdout)["files"]
    ids = {Path(f["path"]).stem: f["id"] for f in files}
    assert cli("library", "rate", str(ids["sea"]), str(ids["sky"]), "4", home=home).returncode == 0

    out = cli("library", "export", str(ids["fox"]), str(ids["sea"]), "--zip", str(tmp_path / "sel.zip"),
              "--manifest", "csv", "--json", home=home)  # fmt: skip
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["zip"] == str(tmp_path / "sel.zip") and len(body["files"]) == 2
    with zipfile.ZipFile(tmp_path / "sel.zip") as z:
        assert sorted(z.namelist())[-1] == "manifest.csv"
        assert src.joinpath("fox.png").read_bytes() in {z.read(n) for n in z.namelist()}

    _save_search(home, "four stars", LibraryQuery(min_rating=4))
    searched = cli("library", "export", "--saved-search", "four stars", "--zip", str(tmp_path / "s.zip"), home=home)
    assert searched.returncode == 0, searched.stderr
    with zipfile.ZipFile(tmp_path / "s.zip") as z:
        assert len(z.namelist()) == 2

    unknown = cli("library", "export", "--collection", "nope", "--zip", str(tmp_path / "x.zip"), home=home)
    assert unknown.returncode == 2 and "no collection called 'nope'" in unknown.stderr
    nothing = cli("library", "export", "--zip", str(tmp_path / "x.zip"), home=home)
    assert nothing.returncode == 2 and "say which images" in nothing.stderr
    both = cli("library", "export", "1", "--zip", str(tmp_path / "x.zip"), "--to", str(tmp_path), home=home)
    assert both.returncode == 2
    assert not (tmp_path / "x.zip").exists()


def _save_search(home: Path, name: str, query: LibraryQuery) -> None:
    lib = Library(AppPaths.from_environment({"IMAGESTUDIO_HOME": str(home)}).ensure())
    try:
        lib.save_search(name, query)
    finally:
        lib.close()
