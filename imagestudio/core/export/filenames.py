"""Export file names: a template like ``{date} {time} {model} {prompt:30} {id} {seq}`` filled from an image,
then made safe for Windows, macOS and Linux at once (a file dragged to a USB stick or a shared folder must
open everywhere). Chinese and other non-ASCII text is kept; only what a file system refuses is replaced.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from pathlib import Path

from imagestudio.core.errors import InvalidRequest
from imagestudio.core.types import LibraryImage

DEFAULT_TEMPLATE = "{date} {time} {prompt:40} {id}"
FIELDS = ("date", "time", "model", "prompt", "id", "seq", "width", "height", "format", "sha")

#: 255 bytes is the name limit of ext4, APFS and (in UTF-16 units, never more than UTF-8 bytes) NTFS.
#: We stay well below it so a " (12)" suffix and a longer extension still fit.
MAX_NAME_BYTES = 200

# Windows refuses these characters, controls, and these names with any extension ("nul.png" too).
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")
}
_FIELD = re.compile(r"\{(\w+)(?::(\d+))?\}")


def validate_template(template: str) -> None:
    """Raise InvalidRequest naming the first unknown field (checked before anything is written)."""
    for match in _FIELD.finditer(template):
        if match.group(1) not in FIELDS:
            raise InvalidRequest(
                f"Unknown field {{{match.group(1)}}} in the file name template. Known: {', '.join(FIELDS)}."
            )
    if not template.strip():
        raise InvalidRequest("The file name template is empty.")


def render(template: str, image: LibraryImage, seq: int = 1) -> str:
    """The template filled in (not yet safe: call ``safe_stem``). ``{prompt:30}`` keeps 30 characters."""
    validate_template(template)
    local = time.localtime(image.created_at)
    values = {
        "date": time.strftime("%Y-%m-%d", local),
        "time": time.strftime("%H-%M-%S", local),
        "model": image.model,
        "prompt": " ".join(image.prompt.split()),  # newlines and tabs become single spaces
        "id": str(image.id),
        "seq": f"{seq:03d}",
        "width": str(image.width),
        "height": str(image.height),
        "format": image.format,
        "sha": image.sha256[:12],
    }

    def fill(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        width = match.group(2)
        return value[: int(width)].rstrip() if width else value

    return _FIELD.sub(fill, template)


def _utf8_len(text: str) -> int:
    # macOS may store names decomposed (NFD): Hangul and accented letters grow; count the larger form
    return max(len(text.encode("utf-8")), len(unicodedata.normalize("NFD", text).encode("utf-8")))


def _cut_to_bytes(text: str, limit: int) -> str:
    while text and _utf8_len(text) > limit:
        text = text[:-1]  # whole characters only: never half a UTF-8 sequence
    return text


def safe_stem(stem: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name stem every common OS accepts: no forbidden or control characters, no reserved device
    name, no leading/trailing dots or spaces, at most ``max_bytes`` UTF-8 bytes (whole characters)."""
    text = unicodedata.normalize("NFC", stem)
    text = re.sub(r"\s+", " ", text)  # tabs and newlines from prompts become spaces, not underscores
    text = _FORBIDDEN.sub("_", text)
    text = "".join(" " if unicodedata.category(ch) in ("Zl", "Zp", "Cf", "Cc") else ch for ch in text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_{2,}", "_", text)
    text = _cut_to_bytes(text.strip(" ."), max_bytes).strip(" .")  # Windows drops trailing dots and spaces
    if not text:
        text = "image"
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = f"{text}_"
    return text


def file_name(template: str, image: LibraryImage, seq: int, extension: str) -> str:
    """Template → safe stem + extension (the extension is ours, always ASCII)."""
    return f"{safe_stem(render(template, image, seq))}.{extension}"


def claim_unique(directory: Path, name: str) -> Path:
    """Create an empty file named ``name`` — or ``stem (2).ext``, ``(3)``… when taken — and return it.

    Creation is exclusive (O_EXCL), so two exports at once never pick the same name and nothing existing is
    overwritten. Names that differ only by case count as taken (Windows and macOS do not tell them apart).
    """
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    taken = {p.name.casefold() for p in directory.iterdir()} if directory.exists() else set()
    for n in range(1, 10_000):
        candidate = name if n == 1 else f"{stem} ({n}){dot}{extension}"
        if candidate.casefold() in taken:
            continue
        path = directory / candidate
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # shared files: the umask decides
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise InvalidRequest(f"Too many files named like {name} in {directory}.")
