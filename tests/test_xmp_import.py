"""What exiftool writes (as Lightroom, darktable and digiKam do), we read on import (issue 21): XMP inside JPEG and
PNG files and in .xmp sidecars (photo.xmp and photo.jpg.xmp) → prompt, tags (dc:subject, lr:hierarchicalSubject),
stars, pick/reject; our own export imported into another library keeps them; hostile XMP is ignored safely."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from imagestudio.core.export.convert import ExportOptions, export_images
from imagestudio.core.library import importer
from imagestudio.core.library.library import Library
from imagestudio.core.library.xmp_read import read_xmp
from imagestudio.core.paths import AppPaths

needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool missing")


def _picture(path: Path, colour: tuple[int, int, int], fmt: str) -> Path:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, fmt)
    path.write_bytes(buf.getvalue())
    return path


def _exiftool(*args: str) -> None:
    subprocess.run(["exiftool", "-q", "-overwrite_original", *args], check=True, capture_output=True)


def _imported(lib: Library, paths: list[Path]) -> dict[str, int]:
    report = importer.import_paths(lib, [str(p) for p in paths])
    assert report.count("imported") == len(paths), [i.to_json() for i in report.items]
    return {Path(i.path).name: int(i.image_id or 0) for i in report.items}


@needs_exiftool
def test_exiftool_written_xmp_and_sidecars_are_read_on_import(paths: AppPaths, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    jpg = _picture(src / "fox.jpg", (200, 60, 0), "JPEG")
    _exiftool("-XMP-dc:Description=雪中的红狐狸", "-XMP-dc:Subject=fox", "-XMP-dc:Subject=雪",
              "-XMP-lr:HierarchicalSubject=Animals|Mammals|Canine", "-XMP-xmp:Rating=4", str(jpg))  # fmt: skip
    png = _picture(src / "sea.png", (0, 60, 200), "PNG")
    _exiftool("-XMP-dc:Description=a calm sea", "-XMP-xmp:Rating=-1", str(png))
    lr = _picture(src / "sky.jpg", (90, 90, 250), "JPEG")  # a Lightroom/Bridge-style sidecar: sky.xmp
    _exiftool("-o", str(src / "sky.xmp"), "-XMP-xmp:Rating=2", "-XMP-xmp:Label=Pick", "-XMP-dc:Subject=clouds",
              "-XMP-dc:Description=blue sky", str(lr))  # fmt: skip
    dt = _picture(src / "leaf.png", (30, 160, 30), "PNG")  # a darktable/digiKam-style sidecar: leaf.png.xmp
    _exiftool("-o", str(src / "leaf.png.xmp"), "-XMP-xmp:Rating=5", "-XMP-dc:Subject=green", str(dt))
    assert lr.read_bytes()[:2] == b"\xff\xd8" and b"Rating" not in lr.read_bytes()  # the file itself is untouched

    lib = Library(paths)
    try:
        report = importer.import_paths(lib, [str(src)])  # the folder: sidecars go with their images, not as files
        assert sorted(Path(i.path).name for i in report.items) == ["fox.jpg", "leaf.png", "sea.png", "sky.jpg"]
        ids = {Path(i.path).name: int(i.image_id or 0) for i in report.items if i.status == "imported"}
        fox, sea, sky, leaf = (lib.db.get(ids[n]) for n in ("fox.jpg", "sea.png", "sky.jpg", "leaf.png"))
        assert fox is not None and sea is not None and sky is not None and leaf is not None
        assert fox.prompt == "雪中的红狐狸" and fox.rating == 4 and set(fox.tags) == {"fox", "雪", "Canine"}
        assert sea.prompt == "a calm sea" and sea.flag == -1 and sea.rating == 0
        assert sky.prompt == "blue sky" and (sky.rating, sky.flag, sky.tags) == (2, 1, ("clouds",))
        assert leaf.rating == 5 and leaf.tags == ("green",)
        assert Path(fox.path).read_bytes() == jpg.read_bytes()  # imported byte-exact, metadata and all
    finally:
        lib.close()


def test_our_export_round_trips_into_another_library(paths: AppPaths, tmp_path: Path) -> None:
    from tests.test_library import make_result

    lib = Library(paths)
    try:
        request, result = make_result(prompt="东京夜景 & <neon>", size=(48, 32))
        [image] = lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=1.7e9)
        lib.change_tags([image.id], add=["city", "夜"])
        lib.set_rating([image.id], 3)
        lib.set_flag([image.id], 1)
        image = lib.db.get(image.id)
        assert image is not None
        out = export_images([image], tmp_path / "out", ExportOptions(format="jpeg")).written[0]
    finally:
        lib.close()
    other = Library(AppPaths.from_environment({"IMAGESTUDIO_HOME": str(tmp_path / "other")}).ensure())
    try:
        [new_id] = _imported(other, [out]).values()
        back = other.db.get(new_id)
        assert back is not None
        assert (back.prompt, back.rating, back.flag, set(back.tags)) == ("东京夜景 & <neon>", 3, 1, {"city", "夜"})
        assert back.model == image.model and back.params["metadata"] == image.params
    finally:
        other.close()


def test_hostile_xmp_is_ignored() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>&b;</dc:description>'
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    assert read_xmp(laughs).empty
    external = laughs.replace(b'"aaaaaaaaaa"', b'SYSTEM "file:///etc/passwd"')
    assert read_xmp(external).empty
    broken = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><unclosed></x:xmpmeta>'
    assert read_xmp(broken).empty
    huge = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + b" " * (2 * 1024 * 1024) + b"</x:xmpmeta>"
    assert read_xmp(huge).empty
    odd = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="1e400"/></rdf:RDF></x:xmpmeta>'
    )
    assert read_xmp(odd).rating == 5
