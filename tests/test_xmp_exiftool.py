"""What we export, exiftool reads (issue 21): prompt → dc:description, tags → dc:subject, rating → xmp:Rating
(rejected = -1), pick/reject → xmp:Label, DigitalSourceType, model and parameters in the imagestudio namespace;
in converted JPEG/PNG files and in .xmp sidecars beside byte-exact originals."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from imagestudio.core.export.convert import DIGITAL_SOURCE_TYPE, ExportOptions, export_images
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from tests.test_library import make_result

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool (libimage-exiftool-perl) missing")
PROMPT = "雪中的红狐狸 & a <fox>"


def _exiftool(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["exiftool", "-j", "-G1", "-struct", "-XMP:all", str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout)[0])


def _image(paths: AppPaths) -> tuple[Library, Any]:
    lib = Library(paths)
    request, result = make_result(prompt=PROMPT, size=(64, 48))
    [stored] = lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=1_700_000_000.0)
    lib.change_tags([stored.id], add=["动物", "winter"])
    lib.set_rating([stored.id], 4)
    lib.set_flag([stored.id], 1)
    return lib, lib.db.get(stored.id)


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_exiftool_reads_what_we_write_into_converted_files(paths: AppPaths, tmp_path: Path, fmt: str) -> None:
    lib, image = _image(paths)
    try:
        result = export_images([image], tmp_path, ExportOptions(format=fmt))
        assert not result.problems
        tags = _exiftool(result.written[0])
    finally:
        lib.close()
    assert tags["XMP-dc:Description"] == PROMPT
    assert sorted(tags["XMP-dc:Subject"]) == sorted(["动物", "winter"])
    assert tags["XMP-xmp:Rating"] == 4 and tags["XMP-xmp:Label"] == "Pick"
    assert tags["XMP-iptcExt:DigitalSourceType"] == DIGITAL_SOURCE_TYPE
    ours = {k.split(":", 1)[1].lower(): v for k, v in tags.items() if k.startswith("XMP-imagestudio:")}
    assert ours["model"] == image.model and json.loads(ours["parameters"]) == image.params


def test_sidecar_beside_a_byte_exact_original(paths: AppPaths, tmp_path: Path) -> None:
    lib, image = _image(paths)
    try:
        lib.set_flag([image.id], -1)
        image = lib.db.get(image.id)
        options = dataclasses.replace(ExportOptions(), xmp_sidecar=True)
        result = export_images([image], tmp_path, options)
        again = export_images([image], tmp_path, options)  # a second export never replaces a sidecar
    finally:
        lib.close()
    [original] = result.written
    assert original.read_bytes() == Path(image.path).read_bytes()  # untouched (a C2PA manifest would survive)
    sidecar = original.with_suffix(".xmp")
    tags = _exiftool(sidecar)
    assert tags["XMP-dc:Description"] == PROMPT and tags["XMP-xmp:Label"] == "Reject"
    assert tags["XMP-xmp:Rating"] == -1  # Adobe's "rejected"
    assert again.written and again.written[0].with_suffix(".xmp").exists()
