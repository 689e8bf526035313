"""Offline demo provider: deterministic images drawn with Pillow from the prompt. Costs nothing."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random

from PIL import Image, ImageDraw, ImageFont

from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, Usage

_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def _size(request: GenerationRequest) -> tuple[int, int]:
    if request.size == "auto":
        return 1024, 1024
    w, h = request.size.split("x")
    return int(w), int(h)


def render(prompt: str, index: int, size: tuple[int, int], output_format: str) -> bytes:
    """The same (prompt, index, size, format) always gives the same bytes."""
    seed = int.from_bytes(hashlib.sha256(f"{prompt}\0{index}".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    w, h = size
    # Draw small and scale up: cheap at any size, and soft like a painting.
    small = (max(16, w // 8), max(16, h // 8))
    upper = tuple(rng.randrange(40, 220) for _ in range(3))
    lower = tuple(rng.randrange(20, 200) for _ in range(3))
    gradient = Image.linear_gradient("L").resize(small)
    im = Image.composite(Image.new("RGB", small, lower), Image.new("RGB", small, upper), gradient)
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randrange(4, 9)):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        r = rng.randrange(2, max(3, min(small) // 3))
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r, x + r, y + r // 2), fill=colour)
    im = im.resize(size, Image.Resampling.BICUBIC)
    # a clear DEMO mark, so a demo image is never mistaken for a real (paid) result
    font = ImageFont.load_default(size=max(14, min(w, h) // 20))
    label = ImageDraw.Draw(im)
    left, top, right, bottom = (int(v) for v in label.textbbox((0, 0), "DEMO", font=font))
    pad = max(6, (bottom - top) // 3)
    label.rectangle((0, h - (bottom - top) - 3 * pad, right - left + 2 * pad, h), fill=(0, 0, 0))
    label.text((pad - left, h - (bottom - top) - 2 * pad - top), "DEMO", font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    kwargs = {"compress_level": 1} if output_format == "png" else {"quality": 90}
    im.save(out, _PIL_FORMATS[output_format], **kwargs)
    return out.getvalue()


class DemoProvider:
    name = "demo"

    def __init__(self, latency: float = 0.8) -> None:
        self.latency = latency

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        await asyncio.sleep(self.latency)  # feels like a request; cancellable like one
        size = _size(request)
        images = []
        for i in range(request.n):
            # CPU work off the event loop (the GUI thread under qasync)
            data = await asyncio.to_thread(render, request.prompt, i, size, request.output_format)
            images.append(GeneratedImage(data, request.output_format))
        return GenerationResult(
            images=tuple(images),
            provider=self.name,
            model=request.model,
            usage=Usage(),
            response_meta={"size": f"{size[0]}x{size[1]}", "demo": True},
        )

    async def check(self) -> str:
        return "The demo provider works offline and costs nothing; its images are marked DEMO."

    async def aclose(self) -> None:
        return None
