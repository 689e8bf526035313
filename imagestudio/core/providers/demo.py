"""Offline demo provider: deterministic images drawn with Pillow from the prompt. Costs nothing."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from imagestudio.core.types import (
    EditRequest,
    GeneratedImage,
    GenerationRequest,
    GenerationResult,
    RefineRequest,
    Usage,
)  # fmt: skip

_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def _size(request: GenerationRequest) -> tuple[int, int]:
    if request.size == "auto":
        return 1024, 1024
    w, h = request.size.split("x")
    return int(w), int(h)


def _transparent(request: GenerationRequest | EditRequest) -> bool:
    """``background="transparent"`` (PNG and WebP only, like the API): the shapes on a see-through canvas."""
    return request.background == "transparent" and request.output_format in ("png", "webp")


def render(prompt: str, index: int, size: tuple[int, int], output_format: str, *, transparent: bool = False) -> bytes:
    """The same (prompt, index, size, format, background) always gives the same bytes. ``transparent``: only the
    shapes and the DEMO mark are opaque, the gradient behind them is left out (alpha 0)."""
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
    coverage = Image.new("L", small, 0)  # where the shapes are: the opaque part of a transparent image
    cover = ImageDraw.Draw(coverage)
    for _ in range(rng.randrange(4, 9)):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        r = rng.randrange(2, max(3, min(small) // 3))
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            cover.ellipse((x - r, y - r, x + r, y + r), fill=255)
        else:
            draw.rectangle((x - r, y - r, x + r, y + r // 2), fill=colour)
            cover.rectangle((x - r, y - r, x + r, y + r // 2), fill=255)
    if transparent:
        im = im.convert("RGBA")
        im.putalpha(coverage)
    im = im.resize(size, Image.Resampling.BICUBIC)
    # a clear DEMO mark, so a demo image is never mistaken for a real (paid) result
    font = ImageFont.load_default(size=max(14, min(w, h) // 20))
    label = ImageDraw.Draw(im)
    left, top, right, bottom = (int(v) for v in label.textbbox((0, 0), "DEMO", font=font))
    pad = max(6, (bottom - top) // 3)
    black, white = ((0, 0, 0, 255), (255, 255, 255, 255)) if transparent else ((0, 0, 0), (255, 255, 255))
    label.rectangle((0, h - (bottom - top) - 3 * pad, right - left + 2 * pad, h), fill=black)
    label.text((pad - left, h - (bottom - top) - 2 * pad - top), "DEMO", font=font, fill=white)
    out = io.BytesIO()
    kwargs = {"compress_level": 1} if output_format == "png" else {"quality": 90}
    im.save(out, _PIL_FORMATS[output_format], **kwargs)
    return out.getvalue()


def _edit_size(request: EditRequest) -> tuple[int, int]:
    if request.size != "auto":
        sw, sh = request.size.split("x")
        return int(sw), int(sh)
    with Image.open(request.images[0]) as im:
        w, h = im.size
    return (1536, 1024) if w > h * 1.2 else (1024, 1536) if h > w * 1.2 else (1024, 1024)


def render_edit(request: EditRequest, index: int, size: tuple[int, int]) -> bytes:
    """The first input image, recoloured by the prompt, with the masked area replaced by a drawn picture."""
    transparent = _transparent(request)  # the input's own transparency is kept, the drawing is see-through
    mode = "RGBA" if transparent else "RGB"
    with Image.open(request.images[0]) as src:
        base = src.convert(mode).resize(size, Image.Resampling.BICUBIC)
    drawn = Image.open(io.BytesIO(render(request.prompt, index, size, "png", transparent=transparent))).convert(mode)
    if request.mask:
        with Image.open(request.mask) as m:
            # transparent mask pixels mark the area to edit
            area = m.convert("RGBA").getchannel("A").resize(size).point(lambda v: 255 if v < 128 else 0)
        out = Image.composite(drawn, base, area)
    else:
        out = Image.blend(base, drawn, 0.35)
    buf = io.BytesIO()
    out.save(buf, _PIL_FORMATS[request.output_format])
    return buf.getvalue()


def render_refine(request: RefineRequest, source: bytes, turn: str) -> bytes:
    """A visible change per instruction: the parent tinted by a colour the instruction picks (the tints of a chain
    of turns add up), and this turn's instruction stamped across the top over the parent's."""
    digest = hashlib.sha256(request.prompt.encode()).digest()
    tint = (digest[0], digest[1], digest[2])
    with Image.open(io.BytesIO(source)) as src:
        base = src.convert("RGB")
    if request.size != "auto":
        sw, sh = request.size.split("x")
        base = base.resize((int(sw), int(sh)), Image.Resampling.BICUBIC)
    out = Image.blend(base, Image.new("RGB", base.size, tint), 0.25)
    w, h = out.size
    words = f"{turn}: {request.prompt}"[:80]
    font = _stamp_font(max(14, min(w, h) // 24), cjk=any(ord(ch) >= 0x2E80 for ch in words))
    draw = ImageDraw.Draw(out)
    left, top, _right, bottom = (int(v) for v in draw.textbbox((0, 0), words, font=font))
    pad = max(4, (bottom - top) // 3)
    # the whole width: the parent's own stamp must not show past the end of a shorter one ("…snow, keep the fox")
    draw.rectangle((0, 0, w, bottom - top + 2 * pad), fill=(0, 0, 0))
    draw.text((pad - left, pad - top), words, font=font, fill=(255, 255, 255))
    buf = io.BytesIO()
    out.save(buf, _PIL_FORMATS.get(request.output_format, "PNG"))
    return buf.getvalue()


#: fonts with Chinese glyphs where systems usually have them (Pillow's own font has none: an instruction in Chinese
#: would be stamped as empty boxes)
_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


def _stamp_font(size: int, *, cjk: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _CJK_FONTS if cjk else ():
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _partial(data: bytes, stage: int, stages: int) -> bytes:
    """A coarse version of the final image, like a streamed preview."""
    with Image.open(io.BytesIO(data)) as im:
        small = im.convert("RGBA" if "A" in im.getbands() else "RGB").reduce(max(1, 2 ** (stages - stage + 1)))
        out = io.BytesIO()
        small.resize(im.size, Image.Resampling.NEAREST).save(out, "PNG", compress_level=1)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class DemoText:
    text: str
    model: str
    input_tokens: int
    output_tokens: int


class DemoProvider:
    name = "demo"

    def __init__(self, latency: float = 0.8) -> None:
        self.latency = latency

    async def generate(
        self, request: GenerationRequest, *, on_partial: Callable[[int, bytes], None] | None = None
    ) -> GenerationResult:
        size = _size(request)

        def make(i: int) -> bytes:
            return render(request.prompt, i, size, request.output_format, transparent=_transparent(request))

        return await self._run(request, make, size, on_partial)

    async def edit(
        self, request: EditRequest, *, on_partial: Callable[[int, bytes], None] | None = None
    ) -> GenerationResult:
        for path in (*request.images, request.mask or "", request.markup or ""):
            if path and not Path(path).is_file():
                from imagestudio.core.errors import InvalidRequest

                raise InvalidRequest(f"The file {Path(path).name} is missing.")
        size = await asyncio.to_thread(_edit_size, request)

        def make(i: int) -> bytes:
            return render_edit(request, i, size)

        return await self._run(request, make, size, on_partial)

    async def _run(
        self,
        request: GenerationRequest | EditRequest | RefineRequest,
        make: Callable[[int], bytes],
        size: tuple[int, int],
        on_partial: Callable[[int, bytes], None] | None,
    ) -> GenerationResult:
        stages = request.partial_images or 0
        await asyncio.sleep(self.latency / (stages + 1))  # feels like a request; cancellable like one
        images = []
        for i in range(request.n):
            # CPU work off the event loop (the GUI thread under qasync)
            data = await asyncio.to_thread(make, i)
            for stage in range(stages):
                if on_partial is not None:
                    on_partial(stage, await asyncio.to_thread(_partial, data, stage, stages))
                await asyncio.sleep(self.latency / (stages + 1))
            images.append(GeneratedImage(data, request.output_format))
        return GenerationResult(
            images=tuple(images),
            provider=self.name,
            model=request.model,
            usage=Usage(),
            response_meta={"size": f"{size[0]}x{size[1]}", "demo": True},
        )

    async def refine(
        self, request: RefineRequest, *, on_partial: Callable[[int, bytes], None] | None = None
    ) -> GenerationResult:
        """Offline refine turn: chains fake response ids (``resp_demo_…``) like the Responses API would."""
        if not request.image or not Path(request.image).is_file():
            from imagestudio.core.errors import InvalidRequest

            raise InvalidRequest("The image to refine is missing.")
        source = await asyncio.to_thread(Path(request.image).read_bytes)
        seed = f"{request.previous_response_id or request.image}\0{request.prompt}"
        token = hashlib.sha256(seed.encode()).hexdigest()[:24]
        turn = "DEMO"
        result = await self._run(request, lambda _i: render_refine(request, source, turn), (0, 0), on_partial)
        meta = {
            "response_id": f"resp_demo_{token}",
            "image_call_id": f"ig_demo_{token}",
            "store": request.store,
            "text_model": request.text_model,
            "continued": bool(request.previous_response_id),
            "previous_response_id": request.previous_response_id,
            "image_sent": not request.previous_response_id,
            "demo": True,
        }
        return GenerationResult(
            result.images,
            self.name,
            request.model,
            Usage(),
            response_meta={k: v for k, v in meta.items() if v is not None},
        )

    async def check(self) -> str:
        return "The demo provider works offline and costs nothing; its images are marked DEMO."

    async def complete_text(self, *, model: str, instructions: str, text: str) -> DemoText:
        """Offline stand-in for the enhancement model: adds fixed detail, in the prompt's language."""
        await asyncio.sleep(self.latency / 4)
        if any("\u3000" <= ch <= "\u9fff" for ch in text):
            detail = "，细节丰富，柔和的自然光，浅景深，电影感构图（演示）"
        else:
            detail = ", rich detail, soft natural light, shallow depth of field, cinematic composition (demo)"
        return DemoText(text.strip() + detail, model, 0, 0)

    async def list_models(self) -> list[str]:
        return []  # offline: nothing to hide

    async def aclose(self) -> None:
        return None
