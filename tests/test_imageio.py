"""Image bytes from outside: identify and verify (inspect) and thumbnails for every awkward image mode."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.files import imageio
from imagestudio.core.files.imageio import MAX_PIXELS, THUMB_EDGE, inspect, make_thumbnail


def encode(im: Image.Image, fmt: str, **kw: Any) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def picture(size: tuple[int, int] = (120, 80), mode: str = "RGB") -> Image.Image:
    im = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (im, im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), im)).convert(mode)


def png_header(width: int, height: int) -> bytes:
    """A well-formed PNG whose header claims ``width`` x ``height`` (tiny on disk, never decoded)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


def thumb_of(data: bytes, edge: int = THUMB_EDGE) -> Image.Image:
    out = make_thumbnail(data, edge)
    im = Image.open(io.BytesIO(out))
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    assert max(im.size) <= edge
    return im


def close(pixel: Any, expected: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


# -- inspect: good images -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "kw"),
    [("PNG", "png", {}), ("JPEG", "jpeg", {"quality": 80}), ("WEBP", "webp", {"quality": 80}), ("GIF", "gif", {})],
)
def test_inspect_accepts_allowed_formats(fmt: str, name: str, kw: dict[str, Any]) -> None:
    info = inspect(encode(picture((120, 80)), fmt, **kw))
    assert (info.format, info.width, info.height) == (name, 120, 80)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "1", "P", "I;16"])
def test_inspect_accepts_png_modes(mode: str) -> None:
    im = Image.new(mode, (33, 17))
    assert inspect(encode(im, "PNG")) == imageio.ImageInfo("png", 33, 17)


def test_inspect_reports_the_stored_size_not_the_exif_rotated_one() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(picture((200, 100)), "JPEG", exif=exif)
    assert (inspect(data).width, inspect(data).height) == (200, 100)


# -- inspect: bad input --------------------------------------------------------------------------------


def test_zero_bytes() -> None:
    with pytest.raises(ImageDecodeError, match=r"empty \(0 bytes\)"):
        inspect(b"")


@pytest.mark.parametrize(
    "data",
    [b"hello, this is text", b'{"data": [{"b64_json": "..."}]}', b"<html><body>502 Bad Gateway</body></html>", b"\x00"],
)
def test_text_is_not_an_image(data: bytes) -> None:
    with pytest.raises(ImageDecodeError, match="not an image"):
        inspect(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_images(fmt: str, keep: float) -> None:
    data = encode(Image.effect_noise((160, 120), 64).convert("RGB"), fmt)
    with pytest.raises(ImageDecodeError) as info:
        inspect(data[: int(len(data) * keep)])
    assert "damaged or truncated" in str(info.value) or "not an image" in str(info.value)


def test_png_with_a_broken_checksum() -> None:
    data = bytearray(encode(Image.effect_noise((64, 64), 64), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 20] ^= 0xFF
    with pytest.raises(ImageDecodeError, match="damaged or truncated"):
        inspect(bytes(data))


def test_truncation_is_not_silently_accepted() -> None:
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_real_decompression_bomb_above_our_limit() -> None:
    # 8192x8192 = 67 Mpx > MAX_PIXELS (64 Mpx); 1-bit and blank, so only ~9 kB of PNG.
    side = 8192
    assert side * side > MAX_PIXELS
    data = encode(Image.new("1", (side, side)), "PNG")
    assert len(data) < 100_000
    with pytest.raises(ImageDecodeError, match="too many pixels"):
        inspect(data)
    with pytest.raises(ImageDecodeError):
        make_thumbnail(data)


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (65_535, 65_535), (200_000, 1_000)])
def test_crafted_header_claiming_a_huge_size(width: int, height: int) -> None:
    data = png_header(width, height)
    assert len(data) < 200
    with pytest.raises(ImageDecodeError, match="too many pixels"):
        inspect(data)


def test_plausible_header_with_missing_data_is_truncated_not_a_bomb() -> None:
    data = png_header(1000, 1000)  # header is fine; its tiny IDAT is then found truncated
    with pytest.raises(ImageDecodeError, match="damaged or truncated"):
        inspect(data)


@pytest.mark.parametrize(("fmt", "name"), [("BMP", "BMP"), ("TIFF", "TIFF"), ("ICO", "ICO"), ("PPM", "PPM")])
def test_unsupported_formats(fmt: str, name: str) -> None:
    with pytest.raises(ImageDecodeError, match=f"Unsupported image format {name}"):
        inspect(encode(picture((32, 32)), fmt))


def test_byte_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode(picture(), "PNG")
    monkeypatch.setattr(imageio, "MAX_BYTES", len(data) - 1)
    with pytest.raises(ImageDecodeError, match="larger than"):
        inspect(data)
    monkeypatch.setattr(imageio, "MAX_BYTES", len(data))
    assert inspect(data).format == "png"


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=600)
    | st.builds(
        lambda base, pos, value: base[:pos] + bytes([value]) + base[pos + 1 :],
        st.sampled_from(
            [
                encode(Image.effect_noise((24, 16), 40), "PNG"),
                encode(picture((24, 16)), "JPEG"),
                encode(picture((24, 16)), "WEBP"),
                encode(picture((24, 16)), "GIF"),
            ]
        ),
        st.integers(0, 400),
        st.integers(0, 255),
    )
)
def test_fuzz_inspect_only_raises_image_decode_error(data: bytes) -> None:
    try:
        info = inspect(data)
    except ImageDecodeError as e:
        assert str(e)
        return
    assert info.format in {"png", "jpeg", "webp", "gif"}
    assert info.width * info.height <= MAX_PIXELS
    make_thumbnail(data)  # anything inspect accepts can be thumbnailed


# -- thumbnails ------------------------------------------------------------------------------------------


def test_thumbnail_of_a_large_image_keeps_the_aspect() -> None:
    t = thumb_of(encode(picture((1536, 1024)), "PNG"))
    assert t.size == (256, 171)


def test_thumbnail_of_a_small_image_is_not_enlarged() -> None:
    assert thumb_of(encode(picture((40, 30)), "PNG")).size == (40, 30)


def test_thumbnail_edge_argument() -> None:
    assert thumb_of(encode(picture((300, 600)), "WEBP"), edge=64).size == (32, 64)


def test_rgba_transparency_is_shown_over_a_checkerboard() -> None:
    im = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    im.paste((220, 0, 0, 255), (0, 0, 128, 256))  # left half opaque red, right half transparent
    t = thumb_of(encode(im, "PNG"))
    assert t.size == (256, 256)
    assert close(t.getpixel((40, 100)), (220, 0, 0))
    right = {t.getpixel((x, 100)) for x in range(132, 256, 8)}
    # transparent pixels are not black: light squares of two shades
    assert all(min(p) >= 170 for p in right)
    assert any(close(p, (255, 255, 255), 12) for p in right) and any(close(p, (204, 204, 204), 12) for p in right)


def test_palette_with_transparency() -> None:
    im = Image.new("P", (64, 64), 0)
    im.putpalette([0, 0, 0, 0, 200, 0] + [0] * (254 * 3))
    im.paste(1, (0, 0, 32, 64))  # left half green, right half palette index 0 = transparent
    data = encode(im, "PNG", transparency=0)
    assert Image.open(io.BytesIO(data)).mode == "P"
    t = thumb_of(data)
    assert close(t.getpixel((10, 30)), (0, 200, 0))
    right = [t.getpixel((x, 30)) for x in range(36, 64, 4)]
    assert all(min(p) >= 170 for p in right)  # checkerboard, not the palette's black


def test_16_bit_greyscale_is_scaled_not_clipped() -> None:
    im = Image.new("I;16", (300, 200), 40_000)
    im.paste(Image.new("I;16", (150, 200), 10_000), (0, 0))  # (pasting a bare number into I;16 fills bytes)
    data = encode(im, "PNG")
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.mode == "I;16" and stored.getpixel((20, 80)) == 10_000
    t = thumb_of(data)
    assert t.size == (256, 171)
    assert close(t.getpixel((200, 80)), (156, 156, 156), 4)  # 40000 / 256, not clipped to 255
    assert close(t.getpixel((20, 80)), (39, 39, 39), 4)  # 10000 / 256


def test_cmyk_jpeg() -> None:
    im = Image.new("CMYK", (400, 300), (0, 255, 255, 0))  # red in CMYK
    data = encode(im, "JPEG", quality=90)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    assert inspect(data) == imageio.ImageInfo("jpeg", 400, 300)
    t = thumb_of(data)
    assert t.size == (256, 192)
    assert close(t.getpixel((128, 96)), (255, 0, 0), 40)


def test_animated_gif_uses_the_first_frame() -> None:
    frames = [Image.new("RGB", (80, 60), (255, 0, 0)), Image.new("RGB", (80, 60), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    data = out.getvalue()
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2
    assert inspect(data) == imageio.ImageInfo("gif", 80, 60)
    t = thumb_of(data)
    assert t.size == (80, 60)
    assert close(t.getpixel((40, 30)), (255, 0, 0))


def test_exif_rotated_jpeg_thumbnail_is_portrait() -> None:
    im = Image.new("RGB", (400, 200), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 200, 200))  # stored: red on the left, blue on the right
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    t = thumb_of(encode(im, "JPEG", exif=exif, quality=95))
    assert t.size == (128, 256)
    assert close(t.getpixel((64, 30)), (255, 0, 0), 40)  # the left side is now on top
    assert close(t.getpixel((64, 226)), (0, 0, 255), 40)


def test_large_jpeg_thumbnail_uses_draft_but_keeps_size() -> None:
    t = thumb_of(encode(picture((2048, 1536)), "JPEG"))
    assert t.size == (256, 192)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "RGB", "P"])
def test_thumbnail_of_other_modes(mode: str) -> None:
    assert thumb_of(encode(picture((64, 48), mode), "PNG")).size == (64, 48)


@pytest.mark.parametrize("data", [b"", b"not an image", png_header(20_000, 20_000)])
def test_thumbnail_of_bad_data_raises_image_decode_error(data: bytes) -> None:
    with pytest.raises(ImageDecodeError, match="No thumbnail"):
        make_thumbnail(data)
