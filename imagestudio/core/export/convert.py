"""Exporting library images as files: the original bytes unchanged, or converted to PNG/JPEG/WebP/AVIF with a
quality, an optional long-edge limit, sRGB conversion, and metadata kept (prompt + an "AI-generated" label in
XMP, IPTC DigitalSourceType trainedAlgorithmicMedia) or stripped.

Originals are never touched: "original" copies the library file byte for byte, so a provider's C2PA manifest
survives; any conversion re-encodes pixels and cannot carry a signed manifest (the dialog says so).
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imagestudio import APP_NAME, __version__
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.export import filenames
from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.types import LibraryImage

if TYPE_CHECKING:  # Pillow is imported on first conversion, not at app start-up (see bench P1)
    from PIL import Image

FORMATS = ("original", "png", "jpeg", "webp", "avif")
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "avif": "avif", "gif": "gif"}
_PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF"}
DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
_EXIF_DESCRIPTION, _EXIF_SOFTWARE, _EXIF_ORIENTATION = 0x010E, 0x0131, 0x0112


class ExportError(ImageStudioError):
    """An export could not be written (bad option, unreadable original, disk full...)."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    format: str = "original"  # original / png / jpeg / webp / avif
    quality: int = 90  # jpeg / webp / avif
    max_edge: int | None = None  # resize so the long edge is at most this many pixels (never enlarges)
    strip_metadata: bool = False
    to_srgb: bool = True
    template: str = filenames.DEFAULT_TEMPLATE
    xmp_sidecar: bool = False  # also write NAME.xmp beside each file (the way to describe a byte-exact original)

    def check(self) -> ExportOptions:
        if self.format not in FORMATS:
            raise ExportError(f"Unknown export format {self.format!r}. Choose one of: {', '.join(FORMATS)}.")
        if not 1 <= self.quality <= 100:
            raise ExportError("Quality must be between 1 and 100.")
        if self.max_edge is not None and not 16 <= self.max_edge <= 65_535:
            raise ExportError("The long edge must be between 16 and 65535 pixels.")
        filenames.validate_template(self.template)
        return self

    def to_json(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: object) -> ExportOptions:
        """Tolerant: unknown keys and bad values fall back to the defaults (a hand-edited file must not crash)."""
        default = cls()
        if not isinstance(data, dict):
            return default
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**values).check()
        except (TypeError, ImageStudioError):
            return default

    @property
    def byte_exact(self) -> bool:
        """True when the file is the original, untouched (keeps any C2PA manifest)."""
        return self.format == "original" and self.max_edge is None and not self.strip_metadata


#: our own XMP namespace: the model, the provider and the request's parameters (JSON), for tools that keep XMP
IMAGESTUDIO_NS = "http://ns.imagestudio.app/xmp/1.0/"


def xmp_packet(image: LibraryImage) -> bytes:
    """The XMP we write into converted files: the prompt (dc:description), tags (dc:subject keywords), rating
    (xmp:Rating; a rejected image is -1, Adobe's reject), pick/reject (xmp:Label), the AI-generated label (IPTC
    DigitalSourceType), and the model and parameters in the ``imagestudio`` namespace."""
    import json
    from xml.sax.saxutils import escape

    created = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(image.created_at))
    prompt = escape(image.prompt)
    rating = -1 if image.flag < 0 else image.rating
    label = {1: "Pick", -1: "Reject"}.get(image.flag)
    subjects = "".join(f"<rdf:li>{escape(tag)}</rdf:li>" for tag in image.tags)
    params = escape(json.dumps(image.params, ensure_ascii=False, sort_keys=True))
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
        f' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:imagestudio="{IMAGESTUDIO_NS}">'
        f"<Iptc4xmpExt:DigitalSourceType>{DIGITAL_SOURCE_TYPE}</Iptc4xmpExt:DigitalSourceType>"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{prompt}</rdf:li></rdf:Alt></dc:description>'
        + (f"<dc:subject><rdf:Bag>{subjects}</rdf:Bag></dc:subject>" if subjects else "")
        + f"<photoshop:Credit>{escape(f'AI-generated with {image.model} ({image.provider})')}</photoshop:Credit>"
        f"<xmp:CreatorTool>{APP_NAME} {__version__}</xmp:CreatorTool>"
        f"<xmp:CreateDate>{created}</xmp:CreateDate>"
        + (f"<xmp:Rating>{rating}</xmp:Rating>" if rating else "")
        + (f"<xmp:Label>{label}</xmp:Label>" if label else "")
        + f"<imagestudio:model>{escape(image.model)}</imagestudio:model>"
        f"<imagestudio:provider>{escape(image.provider)}</imagestudio:provider>"
        f"<imagestudio:parameters>{params}</imagestudio:parameters>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="r"?>'
    ).encode()


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info)


def _pixels(data: bytes, options: ExportOptions) -> tuple[Image.Image, bytes | None]:
    """Decoded, upright, optionally sRGB, optionally resized pixels in RGB or RGBA, and the ICC to embed."""
    from PIL import Image, ImageCms, ImageOps

    with Image.open(io.BytesIO(data)) as source:
        source.seek(0)  # animations export their first frame
        icc = source.info.get("icc_profile")
        im = ImageOps.exif_transpose(source)
        if im.mode in ("I;16", "I;16B", "I;16L", "I"):
            im = im.point(lambda v: v / 256).convert("L")
        im = im.convert("RGBA" if _has_alpha(im) else "RGB")
    if icc and options.to_srgb:
        try:
            src_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(im, src_profile, srgb, outputMode=im.mode)
            if converted is not None:
                im = converted
            icc = ImageCms.ImageCmsProfile(srgb).tobytes()
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are (and their profile)
    if options.max_edge and max(im.size) > options.max_edge:
        im.thumbnail((options.max_edge, options.max_edge), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return im, icc


def convert(data: bytes, image: LibraryImage, options: ExportOptions) -> tuple[bytes, str]:
    """The bytes to write and their extension. ``original`` without changes returns ``data`` itself."""
    options.check()
    if options.byte_exact:
        return data, EXTENSIONS.get(image.format, image.format)
    from PIL import Image

    from imagestudio.core.files import imageio  # noqa: F401  # sets Pillow's pixel limit before any decode

    fmt = image.format if options.format == "original" else options.format
    if fmt not in _PIL_FORMAT:
        fmt = "png"  # e.g. a GIF original resized or stripped: PNG keeps its pixels losslessly
    try:
        im, icc = _pixels(data, options)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        raise ExportError(f"Image {image.id} could not be read ({type(e).__name__}).") from None
    if fmt == "jpeg" and im.mode == "RGBA":
        flat = Image.new("RGB", im.size, (255, 255, 255))  # JPEG has no transparency: white, like a page
        flat.paste(im, mask=im.getchannel("A"))
        im = flat
    save: dict[str, Any] = {}
    if icc:
        save["icc_profile"] = icc
    if fmt in ("jpeg", "webp", "avif"):
        save["quality"] = options.quality
    if fmt == "png":
        save["optimize"] = False  # much faster; PNG stays lossless either way
    if not options.strip_metadata:
        save.update(_metadata(image, fmt))
    out = io.BytesIO()
    try:
        im.save(out, _PIL_FORMAT[fmt], **save)
    except (OSError, ValueError, KeyError) as e:
        raise ExportError(f"Image {image.id} could not be written as {fmt.upper()} ({e}).") from None
    return out.getvalue(), EXTENSIONS[fmt]


def _metadata(image: LibraryImage, fmt: str) -> dict[str, Any]:
    from PIL import Image, PngImagePlugin

    xmp = xmp_packet(image)
    if fmt == "png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("Description", image.prompt)  # iTXt: UTF-8, so Chinese prompts survive
        info.add_itxt("Software", f"{APP_NAME} {__version__}")
        info.add_itxt("Source", f"AI-generated with {image.model}")
        info.add_itxt("XML:com.adobe.xmp", xmp.decode(), zip=False)
        return {"pnginfo": info}
    exif = Image.Exif()
    exif[_EXIF_DESCRIPTION] = image.prompt if image.prompt.isascii() else ""  # EXIF ASCII; XMP has the full text
    exif[_EXIF_SOFTWARE] = f"{APP_NAME} {__version__}"
    if not exif[_EXIF_DESCRIPTION]:
        del exif[_EXIF_DESCRIPTION]
    return {"exif": exif, "xmp": xmp}


@dataclass(frozen=True, slots=True)
class ExportResult:
    written: tuple[Path, ...]
    problems: tuple[str, ...]  # one human line per image that could not be exported
    cancelled: bool = False


def export_images(
    images: Sequence[LibraryImage],
    directory: Path,
    options: ExportOptions,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    read: Callable[[LibraryImage], bytes] | None = None,
    durable: bool = True,
) -> ExportResult:
    """Write one file per image into ``directory`` (created if needed); never overwrites: a taken name gets
    `` (2)``. Per-image failures are collected, not raised; ``cancel`` stops between images (files already
    written stay, ``cancelled`` is set). ``durable=False`` skips fsync (drag files are temporary). Runs on a
    worker thread, or for a drag on the GUI thread (the drag protocol needs the files first)."""
    options.check()
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is a file, not a folder: give a folder to export into.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"Cannot create the folder {directory}: {e.strerror or type(e).__name__}.") from None
    reader = read or (lambda im: Path(im.path).read_bytes())
    written: list[Path] = []
    problems: list[str] = []
    for seq, image in enumerate(images, start=1):
        if cancel is not None and cancel.is_set():
            return ExportResult(tuple(written), tuple(problems), cancelled=True)
        try:
            data, extension = convert(reader(image), image, options)
            path = filenames.claim_unique(directory, filenames.file_name(options.template, image, seq, extension))
            try:
                if durable:  # the placeholder got the mode the user's umask gives new files: so does the export
                    atomic_write(path, data, mode=path.stat().st_mode & 0o777)
                else:
                    path.write_bytes(data)
            except BaseException:
                path.unlink(missing_ok=True)  # do not leave the empty placeholder behind
                raise
            written.append(path)
            if options.xmp_sidecar:
                _write_sidecar(path, image, durable)
        except ImageStudioError as e:
            problems.append(e.message)
        except OSError as e:
            problems.append(f"Image {image.id}: {e.strerror or type(e).__name__}")
        except Exception as e:  # one image's surprise (a decoder bug, out of memory) never stops the others
            problems.append(f"Image {image.id}: could not be exported ({type(e).__name__})")
        if progress is not None:
            progress(seq, len(images))
    return ExportResult(tuple(written), tuple(problems))


def _write_sidecar(path: Path, image: LibraryImage, durable: bool) -> None:
    """``photo.xmp`` beside ``photo.png`` (Lightroom's and Bridge's naming); an existing one is never replaced."""
    sidecar = path.with_suffix(".xmp")
    if sidecar.exists():
        raise ExportError(f"{sidecar.name} already exists: its XMP sidecar was not written.")
    data = xmp_packet(image)
    if durable:
        atomic_write(sidecar, data, mode=path.stat().st_mode & 0o777)
    else:
        sidecar.write_bytes(data)
