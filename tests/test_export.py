"""Export: file names from templates (Chinese kept, safe on Windows/macOS/Linux) and every format/option."""

from __future__ import annotations

import io
import struct
import threading
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from imagestudio.core.errors import ImageStudioError
from imagestudio.core.export import filenames
from imagestudio.core.export.convert import DIGITAL_SOURCE_TYPE, ExportOptions, convert, export_images
from imagestudio.core.types import LibraryImage

LONG_ZH = "一只戴着宇航员头盔的橘猫在月球表面弹吉他，背景是蓝色的地球和漫天繁星，电影感光线，超高细节" * 6


def _png(mode: str = "RGBA", size: tuple[int, int] = (64, 40), icc: bytes | None = None) -> bytes:
    color = (200, 30, 30, 0) if mode == "RGBA" else (200, 30, 30)
    im = Image.new(mode, size, color)
    if mode == "RGBA":
        im.paste((10, 200, 10, 255), (0, 0, size[0] // 2, size[1]))  # left half opaque green, right transparent
    out = io.BytesIO()
    im.save(out, "PNG", **({"icc_profile": icc} if icc else {}))
    return out.getvalue()


def _image(tmp_path: Path, data: bytes, *, prompt: str = LONG_ZH, image_id: int = 7, fmt: str = "png") -> LibraryImage:
    path = tmp_path / f"orig-{image_id}.{fmt}"
    path.write_bytes(data)
    im = Image.open(io.BytesIO(data))
    return LibraryImage(
        id=image_id, sha256="ab" * 32, path=str(path), width=im.width, height=im.height, format=fmt,
        prompt=prompt, model="gpt-image-2", provider="openai", created_at=1_790_000_000.0, params={}, usage={},
    )  # fmt: skip


# -- file names ------------------------------------------------------------------------------------
def test_template_keeps_chinese_and_truncates_prompt(tmp_path: Path) -> None:
    image = _image(tmp_path, _png())
    name = filenames.file_name("{date} {time} {model} {prompt:30} {id} {seq}", image, 3, "png")
    when = time.localtime(image.created_at)
    expected = f"{time.strftime('%Y-%m-%d %H-%M-%S', when)} gpt-image-2 {LONG_ZH[:30]} 7 003.png"
    assert name == expected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("CON", "CON_"),
        ("nul.tar", "nul.tar_"),
        ("com1", "com1_"),
        ("LPT¹", "LPT¹_"),
        ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
        ("trailing dots...  ", "trailing dots"),
        ("...hidden", "hidden"),
        ("tab\tand\nnewline", "tab and newline"),
        ("", "image"),
        ("   ", "image"),
        ("??", "_"),
    ],
)
def test_safe_stem(stem: str, expected: str) -> None:
    assert filenames.safe_stem(stem) == expected


def test_long_names_are_cut_by_bytes_on_character_boundaries() -> None:
    for text in (LONG_ZH, "한국어 " * 100, "é" * 400, "🐱" * 200):
        stem = filenames.safe_stem(text)
        assert len(stem.encode()) <= filenames.MAX_NAME_BYTES
        assert len(unicodedata.normalize("NFD", stem).encode()) <= filenames.MAX_NAME_BYTES
        assert text.startswith(stem.rstrip())  # whole characters only, nothing garbled


def test_unknown_template_field_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImageStudioError, match=r"\{colour\}"):
        filenames.render("{colour}", _image(tmp_path, _png()))


def test_collisions_get_a_suffix_and_nothing_is_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "Same.png").write_bytes(b"keep me")
    first = filenames.claim_unique(out, "same.png")  # differs only by case: taken on Windows and macOS
    second = filenames.claim_unique(out, "same.png")
    assert (first.name, second.name) == ("same (2).png", "same (3).png")
    assert (out / "Same.png").read_bytes() == b"keep me"


# -- conversion ------------------------------------------------------------------------------------
def test_original_export_is_byte_exact(tmp_path: Path) -> None:
    data = _png()
    image = _image(tmp_path, data)
    result = export_images([image, image], tmp_path / "out", ExportOptions(template="{prompt:20}"))
    assert [p.read_bytes() for p in result.written] == [data, data]
    assert result.written[1].name == f"{LONG_ZH[:20]} (2).png"


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp", "avif"])
def test_every_format_with_metadata_resize_and_quality(tmp_path: Path, fmt: str) -> None:
    image = _image(tmp_path, _png(size=(400, 100)))
    options = ExportOptions(format=fmt, quality=80, max_edge=200, template="{prompt:12} {seq}")
    [path] = export_images([image], tmp_path / "out", options).written
    assert path.suffix == {"jpeg": ".jpg"}.get(fmt, f".{fmt}")
    with Image.open(path) as im:
        assert im.format == {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt]
        assert im.size == (200, 50)
        im = im.convert("RGBA")
        left, right = im.getpixel((10, 25)), im.getpixel((190, 25))
        assert left[1] > 150 and left[0] < 80  # the green half survived the conversion
        if fmt == "jpeg":
            assert right[:3] >= (240, 240, 240)  # transparency flattened on white
        else:
            assert right[3] == 0  # transparency kept
        xmp = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    assert xmp is not None
    text = xmp.decode() if isinstance(xmp, bytes) else xmp
    assert DIGITAL_SOURCE_TYPE in text and LONG_ZH in text


@pytest.mark.parametrize("fmt", ["original", "png", "jpeg", "webp", "avif"])
def test_strip_metadata_leaves_no_prompt_or_label(tmp_path: Path, fmt: str) -> None:
    src = Image.new("RGB", (32, 32), (1, 2, 3))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret prompt"
    src.save(out, "JPEG", exif=exif)
    image = _image(tmp_path, out.getvalue(), prompt="secret prompt", fmt="jpeg")
    data, _ext = convert(out.getvalue(), image, ExportOptions(format=fmt, strip_metadata=True))
    assert b"secret prompt" not in data
    assert DIGITAL_SOURCE_TYPE.encode() not in data
    assert data != out.getvalue()


def _p3_profile() -> bytes:
    """A minimal ICC v2 display profile with Display P3 primaries (no ICC files ship with the test image)."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, int(2.2 * 256)) + bytes(2)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", xyz(0.2920, 0.6922, 0.0419)),
        (b"bXYZ", xyz(0.1571, 0.0666, 0.7841)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size) + bytes(4) + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + bytes(12) + b"acsp"
        + bytes(24) + bytes(4) + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(4) + bytes(16) + bytes(28)
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def test_srgb_conversion_changes_wide_gamut_pixels(tmp_path: Path) -> None:
    icc = _p3_profile()
    ImageCms.ImageCmsProfile(io.BytesIO(icc))  # a valid profile for LittleCMS
    image = _image(tmp_path, _png("RGB", icc=icc))
    kept, _ = convert(Path(image.path).read_bytes(), image, ExportOptions(format="png", to_srgb=False))
    converted, _ = convert(Path(image.path).read_bytes(), image, ExportOptions(format="png", to_srgb=True))
    with Image.open(io.BytesIO(kept)) as im:
        assert im.getpixel((0, 0)) == (200, 30, 30) and im.info["icc_profile"] == icc
    with Image.open(io.BytesIO(converted)) as im:
        red = im.getpixel((0, 0))
        assert red[0] > 200 and red != (200, 30, 30)  # P3 red is redder than sRGB can say: it moves out
        assert im.info["icc_profile"] != icc


def test_cancel_stops_between_images_and_reports_it(tmp_path: Path) -> None:
    image = _image(tmp_path, _png())
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        cancel.set()

    result = export_images([image] * 5, tmp_path / "out", ExportOptions(), progress=progress, cancel=cancel)
    assert result.cancelled and len(result.written) == 1 and seen == [1]


def test_unreadable_original_is_reported_not_raised(tmp_path: Path) -> None:
    good = _image(tmp_path, _png())
    bad = replace(good, id=8, path=str(tmp_path / "missing.png"))
    result = export_images([bad, good], tmp_path / "out", ExportOptions(format="webp"))
    assert len(result.written) == 1 and len(result.problems) == 1
    assert list((tmp_path / "out").iterdir()) == list(result.written)  # no empty placeholder left behind
