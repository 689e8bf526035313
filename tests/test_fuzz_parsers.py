"""Property tests on every parser of outside data: settings files, image bytes, embedded metadata, presets, batch
lines and API responses. The property is always the same: a result or the module's own human error, never any
other exception. ``IMAGESTUDIO_FUZZ_EXAMPLES`` raises the example count (``make soak``)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from imagestudio.cli import batch as cli_batch
from imagestudio.core import errors, presets
from imagestudio.core import settings as settings_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.files import imageio
from imagestudio.core.library import metadata
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.types import GenerationRequest, GenerationResult
from tests import aio

EXAMPLES = int(os.environ.get("IMAGESTUDIO_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30,
)


def _png(text: dict[str, str] | None = None) -> bytes:
    info = PngInfo()
    for k, v in (text or {}).items():
        info.add_text(k, v)
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (10, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


SEEDS = [_png(), _png({"parameters": "a kite\nNegative prompt: rain\nSteps: 20, Sampler: Euler a"})]


@st.composite
def mutated_images(draw: st.DrawFn) -> bytes:
    """A real PNG/JPEG/WebP/GIF with a few bytes flipped, cut or inserted — or random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    fmt = draw(st.sampled_from(["PNG", "JPEG", "WEBP", "GIF"]))
    out = io.BytesIO()
    Image.new("RGB", (20, 12), (200, 40, 40)).save(out, fmt)
    data = bytearray(out.getvalue())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at:]
            if not data:
                break
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@FUZZ
@given(raw=json_values)
def test_settings_parse_never_raises(raw: Any) -> None:
    loaded = settings_io.parse(raw)
    assert isinstance(loaded.settings, settings_io.Settings)


@FUZZ
@given(blob=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_settings_file_of_any_bytes_loads(tmp_path_factory: pytest.TempPathFactory, blob: bytes) -> None:
    path = tmp_path_factory.mktemp("s") / "settings.json"
    path.write_bytes(blob)
    loaded = settings_io.load(path)
    assert isinstance(loaded.settings, settings_io.Settings)
    if loaded.warnings and "could not be read" in loaded.warnings[0]:
        assert (path.parent / "settings.json.bad").read_bytes() == blob  # kept aside, never lost


@FUZZ
@given(data=mutated_images())
def test_image_bytes_are_accepted_or_refused_with_a_message(data: bytes) -> None:
    try:
        info, _thumb = imageio.inspect_with_thumbnail(data)
    except errors.ImageDecodeError as e:
        assert e.message
        return
    assert info.format in ("png", "jpeg", "webp", "gif") and info.width > 0


@FUZZ
@given(data=mutated_images() | st.sampled_from(SEEDS))
def test_metadata_reading_never_fails(data: bytes) -> None:
    meta = metadata.read_metadata(data)
    assert isinstance(meta.prompt, str) and isinstance(meta.params, dict)


@FUZZ
@given(text=st.text(max_size=300), ours=json_values)
def test_embedded_text_chunks_never_fail(text: str, ours: Any) -> None:
    chunks = {"parameters": text, "imagestudio": json.dumps(ours)}
    try:
        data = _png(chunks)
    except (ValueError, UnicodeEncodeError):  # Pillow cannot write this text; nothing to read then
        return
    meta = metadata.read_metadata(data)
    assert meta.source in ("imagestudio", "stable-diffusion", "")
    prompt, params = metadata.parse_sd_parameters(text)
    assert isinstance(prompt, str) and isinstance(params, dict)


@FUZZ
@example(raw={"id": "x", "name": "n", "template": "{a}", "variables": 1})  # always tried first: a fixed bug
@given(raw=json_values | st.fixed_dictionaries({"id": st.just("x"), "name": st.just("n"), "template": st.just("{a}")},
                                               optional={"variables": json_values, "sizes": json_values,
                                                         "settings": json_values}))  # fmt: skip
def test_preset_files_give_presets_or_messages(raw: Any) -> None:
    try:
        found, problems = presets.parse_file(raw)
    except presets.PresetError as e:
        assert str(e)
        return
    assert all(isinstance(p, presets.Preset) for p in found) and all(isinstance(m, str) for m in problems)


@pytest.fixture(scope="module")
def batch_context(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, ...]:
    root = tmp_path_factory.mktemp("batch")
    paths = AppPaths(root / "data", root / "config", root / "cache", root / "logs").ensure()
    return settings_io.Settings(), Capabilities.load(), paths


@FUZZ
@given(line=st.text(max_size=200) | json_values.map(json.dumps) | st.dictionaries(
    st.sampled_from(sorted(cli_batch._LINE_FIELDS)), json_values, max_size=5).map(json.dumps))  # fmt: skip
def test_batch_lines_give_a_request_or_a_message(line: str, batch_context: tuple[Any, ...]) -> None:
    s, caps, paths = batch_context
    try:
        request = cli_batch.parse_line(line, s, caps, paths, "sid")
    except errors.ImageStudioError as e:
        assert e.message
        return
    assert request.prompt.strip()


# -- API responses: any body the server might send, through the real SDK --------------------------------------------
def _answer(status: int, body: bytes) -> OpenAIProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    from openai import AsyncOpenAI

    provider = OpenAIProvider(api_key="sk-fuzz-0000000000000000", base_url="http://fuzz.invalid/v1")
    provider._client = AsyncOpenAI(
        api_key="sk-fuzz-0000000000000000",
        base_url="http://fuzz.invalid/v1",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    return provider


response_bodies = (
    json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=200)
    | st.fixed_dictionaries(
        {"created": json_values, "data": st.lists(st.dictionaries(
            st.sampled_from(["b64_json", "url", "revised_prompt"]), json_values), max_size=3)},
        optional={"usage": json_values, "output_format": json_values, "size": json_values},
    ).map(lambda v: json.dumps(v).encode())
)  # fmt: skip


@FUZZ
@given(status=st.sampled_from([200, 200, 400, 401, 403, 404, 409, 429, 500, 503]), body=response_bodies)
def test_api_responses_give_a_result_or_a_human_error(status: int, body: bytes) -> None:
    provider = _answer(status, body)
    request = GenerationRequest(prompt="kite", model="gpt-image-2", size="1024x1024")

    async def go() -> GenerationResult | errors.ImageStudioError:
        try:
            return await provider.generate(request)
        except errors.ImageStudioError as e:
            return e
        finally:
            await provider.aclose()

    outcome = aio.run(go())
    if isinstance(outcome, errors.ImageStudioError):
        assert outcome.message and "sk-fuzz" not in outcome.message
        assert "Unexpected error" not in outcome.message, outcome.message
    else:
        assert status == 200 and outcome.images


def test_fuzz_examples_are_configurable() -> None:
    assert EXAMPLES >= 100
    assert Path(__file__).name == "test_fuzz_parsers.py"
