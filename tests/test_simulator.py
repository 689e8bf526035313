"""The OpenAI simulator, driven by the real openai SDK over real HTTP with strict response validation."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

import openai
import pytest
from openai.types import (
    ImageEditCompletedEvent,
    ImageEditPartialImageEvent,
    ImageGenCompletedEvent,
    ImageGenPartialImageEvent,
    ImagesResponse,
)
from PIL import Image

from tests.simulator import CURRENT_IMAGE_MODELS, OpenAISimulator, parse_size, render_image

PROMPT = "a lighthouse at dusk"
T = TypeVar("T")


@pytest.fixture
def sim() -> Iterator[OpenAISimulator]:
    with OpenAISimulator() as simulator:
        yield simulator


@pytest.fixture
def client(sim: OpenAISimulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=sim.base_url, api_key=sim.api_key, max_retries=0, _strict_response_validation=True
    ) as c:
        yield c


def _run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a fresh loop in another thread (the GUI tests leave a qasync loop running here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result(timeout=30)


def _decode(b64: str | None) -> Image.Image:
    assert b64 is not None
    return Image.open(io.BytesIO(base64.b64decode(b64)))


def _png(size: tuple[int, int], *, mode: str = "RGB", alpha: int = 255) -> tuple[str, bytes, str]:
    image = Image.new(mode, size, (10, 120, 200, alpha)[: len(mode)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return ("input.png", out.getvalue(), "image/png")


# ----------------------------------------------------------------------------------------------- generation


@pytest.mark.parametrize(
    ("size", "output_format", "pil_format"),
    [("1536x1024", "png", "PNG"), ("1024x1536", "jpeg", "JPEG"), ("2048x1152", "webp", "WEBP")],
)
def test_generate_returns_image_of_requested_size_and_format(
    client: openai.OpenAI, size: str, output_format: Literal["png", "jpeg", "webp"], pil_format: str
) -> None:
    raw = client.images.with_raw_response.generate(
        model="gpt-image-2",
        prompt=PROMPT,
        size=size,
        output_format=output_format,
    )
    assert raw.headers["content-type"] == "application/json"
    assert raw.headers["x-request-id"].startswith("req_")
    assert int(raw.headers["openai-processing-ms"]) >= 0
    result = raw.parse()
    assert isinstance(result, ImagesResponse)
    assert result.data is not None and len(result.data) == 1
    image = _decode(result.data[0].b64_json)
    assert image.format == pil_format
    assert f"{image.width}x{image.height}" == size
    assert result.size == size
    assert result.output_format == output_format
    assert result.quality == "medium"  # "auto" is resolved
    assert result.background == "opaque"
    assert result.data[0].url is None and result.data[0].revised_prompt is None
    assert result.usage is not None and result.usage.output_tokens > 0
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    assert result.usage.output_tokens_details is not None


def test_auto_size_transparent_background_and_largest_size(client: openai.OpenAI) -> None:
    result = client.images.generate(model="gpt-image-2.5-flare", prompt=PROMPT, background="transparent")
    assert result.size == "1024x1024" and result.background == "transparent"
    assert result.data is not None
    assert _decode(result.data[0].b64_json).mode == "RGBA"
    started = time.monotonic()
    big = client.images.generate(model="gpt-image-2", prompt=PROMPT, size="3840x2160", quality="low")
    assert time.monotonic() - started < 3
    assert big.data is not None and _decode(big.data[0].b64_json).size == (3840, 2160)
    square = client.images.generate(model="gpt-image-2", prompt=PROMPT, size="2880x2880", output_format="jpeg")
    assert square.size == "2880x2880"


def test_n3_gives_three_distinct_deterministic_images(client: openai.OpenAI) -> None:
    first = client.images.generate(model="gpt-image-2", prompt=PROMPT, n=3)
    again = client.images.generate(model="gpt-image-2", prompt=PROMPT, n=3)
    assert first.data is not None and again.data is not None
    images = [d.b64_json for d in first.data]
    assert len(images) == 3 and len(set(images)) == 3
    assert images == [d.b64_json for d in again.data]


def test_extended_quality_only_on_newer_models(client: openai.OpenAI) -> None:
    result = client.images.generate(model="gpt-image-2.5-sunburst", prompt=PROMPT, quality="xhigh")
    assert result.quality == "xhigh"
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT, quality="max")
    assert info.value.param == "quality" and info.value.code == "invalid_value"


def test_async_generate(sim: OpenAISimulator) -> None:
    async def run() -> ImagesResponse:
        async with openai.AsyncOpenAI(
            base_url=sim.base_url, api_key=sim.api_key, max_retries=0, _strict_response_validation=True
        ) as aclient:
            return await aclient.images.generate(model="gpt-image-2.6-flare", prompt=PROMPT, quality="high")

    result = _run_async(run)
    assert result.quality == "high" and result.data is not None


# ------------------------------------------------------------------------------------------------ streaming


def test_streaming_yields_partials_then_completed(client: openai.OpenAI) -> None:
    stream = client.images.generate(model="gpt-image-2", prompt=PROMPT, stream=True, partial_images=2)
    assert stream.response.headers["content-type"].startswith("text/event-stream")
    events = list(stream)
    assert [type(e) for e in events] == [ImageGenPartialImageEvent, ImageGenPartialImageEvent, ImageGenCompletedEvent]
    partials = [e for e in events if isinstance(e, ImageGenPartialImageEvent)]
    assert [p.partial_image_index for p in partials] == [0, 1]
    completed = events[-1]
    assert isinstance(completed, ImageGenCompletedEvent)
    assert completed.usage.output_tokens > 0 and completed.size == "1024x1024"
    assert _decode(completed.b64_json).size == (1024, 1024)
    assert len({p.b64_json for p in partials} | {completed.b64_json}) == 3


def test_async_streaming_with_latency(sim: OpenAISimulator) -> None:
    sim.latency = 0.2

    async def run() -> list[object]:
        async with openai.AsyncOpenAI(
            base_url=sim.base_url, api_key=sim.api_key, max_retries=0, _strict_response_validation=True
        ) as aclient:
            stream = await aclient.images.generate(
                model="gpt-image-2", prompt=PROMPT, stream=True, partial_images=1, size="1024x1536"
            )
            return [event async for event in stream]

    started = time.monotonic()
    events = _run_async(run)
    assert time.monotonic() - started >= 0.2
    assert [type(e) for e in events] == [ImageGenPartialImageEvent, ImageGenCompletedEvent]


def test_cut_stream_raises_connection_error_after_partials(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.cut_stream_after_partials(1)
    received: list[object] = []
    with pytest.raises(openai.APIConnectionError):
        for event in client.images.generate(model="gpt-image-2", prompt=PROMPT, stream=True, partial_images=3):
            received.append(event)
    assert [type(e) for e in received] == [ImageGenPartialImageEvent]
    # The next stream is whole again.
    events = list(client.images.generate(model="gpt-image-2", prompt=PROMPT, stream=True, partial_images=1))
    assert isinstance(events[-1], ImageGenCompletedEvent)


# -------------------------------------------------------------------------------------------------- edits


def test_edit_with_two_images_and_mask(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    mask = _png((1024, 1024), mode="RGBA", alpha=0)
    result = client.images.edit(
        model="gpt-image-2",
        prompt="add a moon",
        image=[_png((1024, 1024)), _png((512, 768))],
        mask=mask,
        size="1536x1024",
        output_format="webp",
        output_compression=80,
    )
    assert result.data is not None
    image = _decode(result.data[0].b64_json)
    assert image.format == "WEBP" and image.size == (1536, 1024)
    assert result.usage is not None and result.usage.input_tokens_details.image_tokens > 0
    request = sim.requests[-1]
    assert request.path == "/v1/images/edits" and request.json is None
    assert request.files is not None and request.form is not None
    assert [f[1] for f in request.files["image[]"]] == ["image/png", "image/png"]
    assert request.files["mask"][0][2] == mask[1]
    assert request.form["prompt"] == ["add a moon"] and request.form["output_compression"] == ["80"]


def test_edit_streaming_uses_edit_events(client: openai.OpenAI) -> None:
    stream = client.images.edit(
        model="gpt-image-2.5-sunburst", prompt="add a moon", image=_png((1536, 1024)), stream=True, partial_images=1
    )
    events = list(stream)
    assert [type(e) for e in events] == [ImageEditPartialImageEvent, ImageEditCompletedEvent]
    completed = events[-1]
    assert isinstance(completed, ImageEditCompletedEvent) and completed.size == "1536x1024"  # auto follows input


def test_mask_of_wrong_size_is_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(
            model="gpt-image-2",
            prompt="add a moon",
            image=_png((1024, 1024)),
            mask=_png((512, 512), mode="RGBA", alpha=0),
        )
    assert info.value.param == "mask"


def test_mask_without_alpha_is_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(model="gpt-image-2", prompt="x", image=_png((1024, 1024)), mask=_png((1024, 1024)))
    assert info.value.param == "mask"


def test_edit_image_without_mimetype_is_rejected(client: openai.OpenAI) -> None:
    # Bare bytes go out as "upload" without a Content-Type: the API treats that as application/octet-stream.
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(model="gpt-image-2", prompt="x", image=_png((1024, 1024))[1])
    assert info.value.param == "image"
    assert "application/octet-stream" in info.value.message


def test_edit_accepts_at_most_16_images(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(model="gpt-image-2", prompt="x", image=[_png((16, 16))] * 17)
    assert info.value.param == "image" and info.value.code == "array_above_max_length"


def test_edit_rejects_input_fidelity_on_gpt_image_2(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.edit(model="gpt-image-2", prompt="x", image=_png((1024, 1024)), input_fidelity="high")
    assert info.value.param == "input_fidelity"


# ------------------------------------------------------------------------------------------------ validation


@pytest.mark.parametrize("size", ["1000x1000", "4000x1000", "3840x1024", "512x512", "4096x2304", "1024", "wide"])
def test_invalid_size_is_rejected(client: openai.OpenAI, size: str) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT, size=size)
    assert info.value.param == "size"
    assert info.value.code == "invalid_value"
    assert size in info.value.message


def test_parse_size_rules() -> None:
    assert parse_size("1536x864") == (1536, 864)
    assert parse_size("3840x1280") == (3840, 1280)  # exactly 3:1
    for bad in ("1536x500", "3840x2176", "1024x352", "800x800"):
        with pytest.raises(Exception, match="Invalid size"):
            parse_size(bad)


@pytest.mark.parametrize(
    "model", ["dall-e-3", "dall-e-2", "gpt-image-1", "gpt-image-1.5", "gpt-image-2.5", "gpt-6-luna", "nope"]
)
def test_retired_or_unknown_model_is_rejected(client: openai.OpenAI, model: str) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model=model, prompt=PROMPT)
    assert info.value.param == "model" and info.value.code == "invalid_value"
    assert "gpt-image-2" in info.value.message  # the message names a current model


def test_model_is_required(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(prompt=PROMPT)
    assert info.value.param == "model" and info.value.code == "missing_required_parameter"


def test_every_current_model_generates(client: openai.OpenAI) -> None:
    for model in CURRENT_IMAGE_MODELS:
        assert client.images.generate(model=model, prompt=PROMPT, size="1024x1024", quality="low").data


def test_response_format_and_unknown_parameters_are_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT, response_format="b64_json")
    assert info.value.param == "response_format" and info.value.code == "unknown_parameter"
    assert info.value.message == "Error code: 400 - Unknown parameter: 'response_format'."
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT, extra_body={"seed": 3})
    assert info.value.param == "seed" and info.value.code == "unknown_parameter"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"n": 0}, "n"),
        ({"n": 11}, "n"),
        ({"quality": "hd"}, "quality"),
        ({"output_format": "bmp"}, "output_format"),
        ({"output_format": "jpeg", "background": "transparent"}, "background"),
        ({"output_format": "png", "output_compression": 50}, "output_compression"),
        ({"output_format": "jpeg", "output_compression": 101}, "output_compression"),
        ({"moderation": "off"}, "moderation"),
        ({"partial_images": 4, "stream": True}, "partial_images"),
        ({"frame_count": 4}, "frame_count"),
        ({"safety_identifier": "x" * 65}, "safety_identifier"),
    ],
)
def test_invalid_parameters_name_the_param(client: openai.OpenAI, kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT, **kwargs)  # type: ignore[call-overload]
    assert info.value.param == param


def test_prompt_limits(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt="x" * 32_001)
    assert info.value.param == "prompt" and info.value.code == "string_above_max_length"
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt="")
    assert info.value.param == "prompt"
    assert client.images.generate(model="gpt-image-2", prompt="x" * 32_000).data


def test_gif_output_needs_preview_access(client: openai.OpenAI) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT, output_format="gif")
    assert info.value.param == "output_format"
    assert "preview" in info.value.message


def test_moderation_blocked(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt="something forbidden here")
    assert info.value.code == "moderation_blocked"
    assert info.value.type == "image_generation_user_error"
    assert "rejected by the safety system" in info.value.message


def test_safety_identifier_is_echoed(client: openai.OpenAI) -> None:
    result = client.images.generate(model="gpt-image-2", prompt=PROMPT, safety_identifier="a" * 64)
    assert result.safety_identifier == "a" * 64


# -------------------------------------------------------------------------------------------- auth, faults


def test_bad_key_is_rejected_without_echoing_it(sim: OpenAISimulator) -> None:
    secret = "sk-proj-THIS-IS-A-VERY-SECRET-KEY-1234"
    with openai.OpenAI(base_url=sim.base_url, api_key=secret, max_retries=0) as bad:
        with pytest.raises(openai.AuthenticationError) as info:
            bad.images.generate(model="gpt-image-2", prompt=PROMPT)
        assert info.value.code == "invalid_api_key"
        assert secret not in str(info.value) and secret not in info.value.response.text
        assert "sk-pro***1234" in info.value.message
        with pytest.raises(openai.AuthenticationError):
            bad.models.list()


def test_missing_key_and_unknown_route(sim: OpenAISimulator) -> None:
    request = urllib.request.Request(f"{sim.base_url}/models")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 401
    assert "didn't provide an API key" in json.load(info.value)["error"]["message"]
    request = urllib.request.Request(
        f"{sim.base_url}/images/variations", method="POST", headers={"Authorization": f"Bearer {sim.api_key}"}
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 404
    assert json.load(info.value)["error"]["message"] == "Invalid URL (POST /v1/images/variations)"


def test_rate_limit_with_retry_after(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.fail_next(429, retry_after=1)
    with pytest.raises(openai.RateLimitError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT)
    assert info.value.response.headers["retry-after"] == "1"
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.request_id is not None and info.value.request_id.startswith("req_")
    assert client.images.generate(model="gpt-image-2", prompt=PROMPT).data  # fault consumed


def test_insufficient_quota(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.fail_next(429, code="insufficient_quota")
    with pytest.raises(openai.RateLimitError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT)
    assert info.value.code == "insufficient_quota"
    assert info.value.type == "insufficient_quota"
    assert "quota" in info.value.message


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(sim: OpenAISimulator, client: openai.OpenAI, status: int) -> None:
    sim.fail_next(status)
    with pytest.raises(openai.InternalServerError) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT)
    assert info.value.status_code == status and info.value.type == "server_error"


def test_sdk_retries_honour_retry_after(sim: OpenAISimulator) -> None:
    sim.fail_next(429, retry_after=0.05)
    sim.fail_next(500, retry_after=0.05)
    with openai.OpenAI(base_url=sim.base_url, api_key=sim.api_key, max_retries=2) as retrying:
        assert retrying.images.generate(model="gpt-image-2", prompt=PROMPT).data
    assert [r.path for r in sim.requests] == ["/v1/images/generations"] * 3


def test_fault_message_type_and_times(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.fail_next(404, times=2)
    for _ in range(2):
        with pytest.raises(openai.NotFoundError) as info:
            client.images.generate(model="gpt-image-2.6-flare", prompt=PROMPT)
        assert info.value.code == "model_not_found" and "gpt-image-2.6-flare" in info.value.message
    sim.fail_next(403, message="Project does not have access", type="invalid_request_error")
    with pytest.raises(openai.PermissionDeniedError) as denied:
        client.images.generate(model="gpt-image-2", prompt=PROMPT)
    assert denied.value.message == "Error code: 403 - Project does not have access"
    assert denied.value.type == "invalid_request_error" and denied.value.code is None


def test_truncated_json_body(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.fail_next(200, raw_body=b'{"created": 1, "data": [{"b64_json": "iVBO')
    with pytest.raises(json.JSONDecodeError):
        client.images.generate(model="gpt-image-2", prompt=PROMPT)


def test_dropped_connection(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.drop_connection_next()
    with pytest.raises(openai.APIConnectionError):
        client.images.generate(model="gpt-image-2", prompt=PROMPT)
    assert client.images.generate(model="gpt-image-2", prompt=PROMPT).data


def test_latency_leads_to_timeout(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.latency = 0.5
    with pytest.raises(openai.APITimeoutError):
        client.images.generate(model="gpt-image-2", prompt=PROMPT, timeout=0.1)


# ------------------------------------------------------------------------------------------- models, text


def test_models_list_and_retrieve(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert ids == sim.models
    assert "gpt-image-2" in ids and "gpt-6-luna" in ids and "dall-e-3" not in ids
    model = client.models.retrieve("gpt-image-2.5-sunburst")
    assert model.owned_by == "system" and model.object == "model"
    with pytest.raises(openai.NotFoundError) as info:
        client.models.retrieve("gpt-image-1")
    assert info.value.code == "model_not_found"


def test_models_attribute_controls_accepted_models(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    sim.models = ["gpt-image-2", "gpt-6-luna"]
    with pytest.raises(openai.BadRequestError):
        client.images.generate(model="gpt-image-2.6-flare", prompt=PROMPT)
    assert [m.id for m in client.models.list()] == ["gpt-image-2", "gpt-6-luna"]


def test_responses_create_output_text(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-6-luna", instructions="Improve the image prompt.", input="a cat", safety_identifier="h" * 16
    )
    assert response.output_text == "Detailed: a cat"
    assert response.usage is not None and response.usage.total_tokens > 0
    structured = client.responses.create(
        model="gpt-6-luna", input=[{"role": "user", "content": [{"type": "input_text", "text": "a dog"}]}]
    )
    assert structured.output_text == "Detailed: a dog"
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model="gpt-5-mini", input="a cat")
    assert info.value.code == "model_not_found"


def test_chat_completions_content(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-6-luna",
        messages=[{"role": "system", "content": "Improve prompts."}, {"role": "user", "content": "a cat"}],
    )
    assert completion.choices[0].message.content == "Detailed: a cat"
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "a cat"}])


def test_requests_are_recorded(sim: OpenAISimulator, client: openai.OpenAI) -> None:
    client.images.generate(model="gpt-image-2", prompt=PROMPT, size="1536x1024", quality="low")
    (request,) = sim.requests
    assert request.method == "POST" and request.path == "/v1/images/generations"
    assert request.json == {"model": "gpt-image-2", "prompt": PROMPT, "size": "1536x1024", "quality": "low"}
    assert request.headers["authorization"] == f"Bearer {sim.api_key}"
    assert request.headers["content-type"] == "application/json"
    assert request.form is None and request.files is None


def test_render_image_is_fast_for_the_largest_size() -> None:
    started = time.monotonic()
    data = render_image(PROMPT, 0, 3840, 2160)
    assert time.monotonic() - started < 1.5
    assert Image.open(io.BytesIO(data)).size == (3840, 2160)
