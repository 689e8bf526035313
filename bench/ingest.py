"""P3 (one result: response bytes → original on disk + DB row + thumbnail) and P7 (thumbnails),
each against the raw floor measured in the same run."""

from __future__ import annotations

import base64
import io
import tempfile
import time
from pathlib import Path

from PIL import Image

from bench.harness import Result, median_and_spread
from imagestudio.core.files.imageio import make_thumbnail
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.demo import render
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult


def _images(count: int, fmt: str, size: tuple[int, int]) -> list[bytes]:
    return [render(f"bench image {i}", i, size, fmt) for i in range(count)]


def _raw_floor(b64: str, out: Path) -> None:
    data = base64.b64decode(b64)
    out.write_bytes(data)
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", (256, 256))
        im.thumbnail((256, 256))
        im.convert("RGB").save(out.with_suffix(".jpg"), "JPEG", quality=85)


def measure_ingest(count: int) -> Result:
    result = Result("P3", "one result → original + row + thumbnail", "ms", "≤ 1.2× raw floor")
    payloads = [base64.b64encode(b).decode() for b in _images(count * 2, "png", (1024, 1024))]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        library = Library(AppPaths(Path(tmp, "d"), Path(tmp, "c"), Path(tmp, "k"), Path(tmp, "l")).ensure())
        request = GenerationRequest("bench", "gpt-image-2", "1024x1024")
        raw_dir = Path(tmp, "raw")
        raw_dir.mkdir()
        ours, floor = [], []
        for i in range(count):
            start = time.perf_counter()
            _raw_floor(payloads[2 * i], raw_dir / f"{i}.png")
            floor.append(time.perf_counter() - start)
            start = time.perf_counter()
            data = base64.b64decode(payloads[2 * i + 1])
            result_obj = GenerationResult((GeneratedImage(data, "png"),), "bench", "gpt-image-2")
            library.ingest(request, result_obj)
            ours.append(time.perf_counter() - start)
        library.close()
    value, result.spread = median_and_spread(ours)
    result.value = value * 1000
    result.baseline = median_and_spread(floor)[0] * 1000
    result.ratio = result.value / result.baseline
    result.passed = result.ratio <= 1.2
    result.runs = ours
    result.note = (
        f"{count} PNG 1024², verify + sha256 + pHash + fsync'd atomic write (overlapping the decode) + FULL-sync commit"
    )
    return result


def measure_thumbnails(count: int) -> Result:
    result = Result("P7", f"{count} thumbnails built", "s", "≤ 1.3× Pillow draft+save loop")
    sources = _images(min(count, 50), "jpeg", (1536, 1024))
    with tempfile.TemporaryDirectory(prefix="bench-thumbs-") as tmp:

        def pillow_loop() -> float:
            start = time.perf_counter()
            for i in range(count):
                with Image.open(io.BytesIO(sources[i % len(sources)])) as im:
                    im.draft("RGB", (256, 256))
                    im.thumbnail((256, 256))
                    im.convert("RGB").save(Path(tmp, f"b{i}.jpg"), "JPEG", quality=85)
            return time.perf_counter() - start

        def ours() -> float:
            start = time.perf_counter()
            for i in range(count):
                Path(tmp, f"o{i}.jpg").write_bytes(make_thumbnail(sources[i % len(sources)]))
            return time.perf_counter() - start

        base_runs, our_runs = [], []
        for _ in range(3):
            base_runs.append(pillow_loop())
            our_runs.append(ours())
    result.value, result.spread = median_and_spread(our_runs)
    result.baseline = median_and_spread(base_runs)[0]
    result.ratio = result.value / result.baseline
    result.passed = result.ratio <= 1.3
    result.runs = our_runs
    result.note = "JPEG 1536×1024 sources, 3 interleaved runs"
    return result
