"""Metadata embedded in image files from outside: our own ``imagestudio`` text chunk (JSON), the
``parameters`` chunk Stable Diffusion tools (A1111, Forge, SD.Next) write, and whether a C2PA manifest
(content credentials) is present. Reading never fails: odd or hostile metadata is just ignored."""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

MAX_TEXT = 64 * 1024  # longer text chunks are cut: they are metadata, not content


@dataclass(frozen=True, slots=True)
class EmbeddedMetadata:
    prompt: str = ""
    model: str = ""
    source: str = ""  # "imagestudio" / "stable-diffusion" / "" (none found)
    params: dict[str, Any] = field(default_factory=dict)
    c2pa: bool = False


def read_metadata(data: bytes) -> EmbeddedMetadata:
    c2pa = has_c2pa(data)
    try:
        with Image.open(io.BytesIO(data)) as im:
            info = {k: v for k, v in im.info.items() if isinstance(k, str) and isinstance(v, str | bytes)}
    except (OSError, ValueError, EOFError, SyntaxError, Image.DecompressionBombError):
        return EmbeddedMetadata(c2pa=c2pa)
    texts = {k: (v.decode("utf-8", "replace") if isinstance(v, bytes) else v)[:MAX_TEXT] for k, v in info.items()}
    ours = _ours(texts.get("imagestudio"))
    if ours is not None:
        return EmbeddedMetadata(
            prompt=str(ours.get("prompt", "")),
            model=str(ours.get("model", "")),
            source="imagestudio",
            params=ours,
            c2pa=c2pa,
        )
    if "parameters" in texts:
        prompt, params = parse_sd_parameters(texts["parameters"])
        return EmbeddedMetadata(
            prompt=prompt, model=str(params.get("Model", "")), source="stable-diffusion", params=params, c2pa=c2pa
        )
    return EmbeddedMetadata(c2pa=c2pa)


def _ours(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse_sd_parameters(text: str) -> tuple[str, dict[str, Any]]:
    """``prompt\\nNegative prompt: …\\nSteps: 20, Sampler: Euler a, …`` → (prompt, settings)."""
    lines = text.strip().splitlines()
    settings: dict[str, Any] = {}
    if lines and lines[-1].startswith("Steps:"):
        for part in lines.pop().split(", "):
            key, sep, value = part.partition(": ")
            if sep and key.strip():
                settings[key.strip()] = value.strip()
    prompt_lines: list[str] = []
    negative_lines: list[str] = []
    in_negative = False
    for line in lines:
        if line.startswith("Negative prompt:"):
            in_negative = True
            line = line.removeprefix("Negative prompt:").strip()
        (negative_lines if in_negative else prompt_lines).append(line)
    if negative_lines:
        settings["negative_prompt"] = "\n".join(negative_lines).strip()
    return "\n".join(prompt_lines).strip(), settings


def has_c2pa(data: bytes) -> bool:
    """Whether a C2PA manifest store is embedded (PNG ``caBX`` chunk, JPEG APP11 JUMBF, WebP ``C2PA``).
    Only presence is noted: validating the signature chain is out of scope."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png_has(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_has(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _riff_has(data)
    except (struct.error, IndexError):
        return False
    return False


def _png_has(data: bytes) -> bool:
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"caBX":
            return True
        if kind == b"IEND":
            return False
        pos += 12 + length
    return False


def _jpeg_has(data: bytes) -> bool:
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: no more metadata segments
            return False
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker == 0xEB and b"c2pa" in data[pos + 4 : pos + 2 + length]:
            return True
        pos += 2 + length
    return False


def _riff_has(data: bytes) -> bool:
    pos = 12
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        if kind == b"C2PA":
            return True
        pos += 8 + length + (length & 1)
    return False
