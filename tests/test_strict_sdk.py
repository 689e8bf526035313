"""Every answer shape the app consumes, parsed by the real SDK with ``_strict_response_validation=True``.

Strict validation makes the SDK check each field's type (and ``Literal`` values) instead of building models
blindly; on top of that :func:`_exact` requires that no field is unknown to the SDK's models, so a misspelt
or invented field in ``tests/simulator.py`` fails here. The app's own provider is also driven through a
strictly validating client for generate, stream and edit.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import openai
import pytest
from openai import BaseModel as SdkModel
from openai.types import (
    ImageEditCompletedEvent,
    ImageEditPartialImageEvent,
    ImageGenCompletedEvent,
    ImageGenPartialImageEvent,
    ImagesResponse,
    Model,
)
from openai.types.chat import ChatCompletion
from openai.types.responses import Response
from PIL import Image

from imagestudio.core import errors
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.types import EditRequest, GenerationRequest
from tests.aio import run, run_closing
from tests.simulator import OpenAISimulator

PROMPT = "a lighthouse at dusk"
Format = Literal["png", "jpeg", "webp"]


#: The SDK's streaming-event ``Usage`` models lag the ``ImagesResponse`` one (no ``output_tokens_details``); the
#: simulator sends the same usage object in both, and the provider reads the field with ``getattr``. The live
#: Responses API echoes ``store`` in the response object, which the SDK's ``Response`` model does not declare.
_TOLERATED = {("Usage", "output_tokens_details"), ("Response", "store")}


def _exact(value: Any, where: str = "response") -> None:
    """No field the SDK does not know, at any depth (the SDK's models accept and keep unknown extras)."""
    if isinstance(value, SdkModel):
        extra = {k: v for k, v in (value.model_extra or {}).items() if (type(value).__qualname__, k) not in _TOLERATED}
        assert not extra, f"{where} ({type(value).__name__}) has fields the SDK does not know: {sorted(extra)}"
        for name in type(value).model_fields:
            _exact(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _exact(item, f"{where}[{i}]")


def _png(size: tuple[int, int], *, mode: str = "RGB", alpha: int = 255) -> tuple[str, bytes, str]:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, alpha)[: len(mode)]).save(out, "PNG")
    return ("input.png", out.getvalue(), "image/png")


@pytest.fixture
def client(simulator: OpenAISimulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=simulator.base_url, api_key=simulator.api_key, max_retries=0, _strict_response_validation=True
    ) as c:
        yield c


def _async_client(sim: OpenAISimulator, api_key: str | None = None) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=sim.base_url, api_key=api_key or sim.api_key, max_retries=0, _strict_response_validation=True
    )


# ------------------------------------------------------------------------------------------ images.generate


@pytest.mark.parametrize("output_format", ["png", "jpeg", "webp"])
@pytest.mark.parametrize("n", [1, 2])
def test_generate_shapes_sync(client: openai.OpenAI, output_format: Format, n: int) -> None:
    result = client.images.generate(
        model="gpt-image-2", prompt=PROMPT, size="1024x1024", quality="low", output_format=output_format, n=n
    )
    assert isinstance(result, ImagesResponse)
    _exact(result)
    assert result.data is not None and len(result.data) == n
    assert result.output_format == output_format and result.usage is not None


def test_generate_transparent_and_compression_async(simulator: OpenAISimulator) -> None:
    async def go() -> list[ImagesResponse]:
        async with _async_client(simulator) as c:
            return [
                await c.images.generate(
                    model="gpt-image-2", prompt=PROMPT, background="transparent", output_format="png", quality="low"
                ),
                await c.images.generate(
                    model="gpt-image-2", prompt=PROMPT, output_format="webp", output_compression=50, n=3
                ),
            ]

    transparent, compressed = run(go())
    for result in (transparent, compressed):
        _exact(result)
    assert transparent.background == "transparent" and transparent.data is not None
    assert Image.open(io.BytesIO(_b64(transparent.data[0].b64_json))).mode == "RGBA"
    assert compressed.data is not None and len(compressed.data) == 3


def _b64(value: str | None) -> bytes:
    assert value is not None
    return base64.b64decode(value)


# ---------------------------------------------------------------------------------------------- streaming


def test_streaming_generate_events_sync_n2(client: openai.OpenAI) -> None:
    events = list(client.images.generate(model="gpt-image-2", prompt=PROMPT, stream=True, partial_images=2, n=2))
    kinds = [type(e) for e in events]
    assert kinds == [ImageGenPartialImageEvent, ImageGenPartialImageEvent, ImageGenCompletedEvent] * 2
    for event in events:
        _exact(event, event.type)
    assert {e.type for e in events} == {"image_generation.partial_image", "image_generation.completed"}


def test_streaming_edit_events_async(simulator: OpenAISimulator) -> None:
    async def go() -> list[Any]:
        async with _async_client(simulator) as c:
            stream = await c.images.edit(
                model="gpt-image-2",
                prompt="add a moon",
                image=[_png((1024, 1024)), _png((512, 512))],
                mask=_png((1024, 1024), mode="RGBA", alpha=0),
                stream=True,
                partial_images=2,
                output_format="jpeg",
            )
            return [event async for event in stream]

    events = run(go())
    assert [type(e) for e in events] == [
        ImageEditPartialImageEvent,
        ImageEditPartialImageEvent,
        ImageEditCompletedEvent,
    ]
    for event in events:
        _exact(event, event.type)
    assert events[-1].output_format == "jpeg"


# -------------------------------------------------------------------------------------------------- edits


def test_edit_multipart_images_and_mask(simulator: OpenAISimulator, client: openai.OpenAI) -> None:
    result = client.images.edit(
        model="gpt-image-2",
        prompt="add a moon",
        image=[_png((1024, 1024)), _png((640, 480)), _png((512, 512))],
        mask=_png((1024, 1024), mode="RGBA", alpha=0),
        n=2,
        output_format="webp",
    )
    _exact(result)
    assert result.data is not None and len(result.data) == 2
    files = simulator.requests[-1].files
    assert files is not None and len(files["image[]"]) == 3 and "mask" in files


# ----------------------------------------------------------------------------------------- models and text


def test_models_list_and_retrieve_sync_and_async(simulator: OpenAISimulator, client: openai.OpenAI) -> None:
    page = client.models.list()
    for model in page.data:
        assert isinstance(model, Model)
        _exact(model, model.id)
    assert "gpt-image-2" in [m.id for m in page.data]
    retrieved = client.models.retrieve("gpt-image-2")
    _exact(retrieved)
    with pytest.raises(openai.NotFoundError) as info:
        client.models.retrieve("dall-e-2")
    assert info.value.code == "model_not_found"

    async def go() -> list[str]:
        async with _async_client(simulator) as c:
            return [m.id async for m in c.models.list()]

    assert run(go()) == [m.id for m in page.data]


def test_responses_and_chat_completions(simulator: OpenAISimulator, client: openai.OpenAI) -> None:
    text_model = simulator.text_models[0]
    response = client.responses.create(
        model=text_model, instructions="Expand the prompt.", input="ein Leuchtturm", store=False
    )
    assert isinstance(response, Response)
    _exact(response)
    assert response.output_text and response.usage is not None and response.usage.output_tokens > 0
    chat = client.chat.completions.create(
        model=text_model,
        messages=[{"role": "system", "content": "Expand."}, {"role": "user", "content": "a kite"}],
    )
    assert isinstance(chat, ChatCompletion)
    _exact(chat)
    assert chat.choices[0].message.content and chat.usage is not None

    async def go() -> Response:
        async with _async_client(simulator) as c:
            return await c.responses.create(model=text_model, input="a kite", store=False)

    _exact(run(go()))


# ------------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "code", "exception", "expected_code"),
    [
        (401, None, openai.AuthenticationError, "invalid_api_key"),
        (403, None, openai.PermissionDeniedError, None),
        (404, None, openai.NotFoundError, "model_not_found"),
        (429, None, openai.RateLimitError, "rate_limit_exceeded"),
        (429, "insufficient_quota", openai.RateLimitError, "insufficient_quota"),
        (400, "moderation_blocked", openai.BadRequestError, "moderation_blocked"),
        (500, None, openai.InternalServerError, None),
    ],
)
def test_error_bodies_raise_the_sdk_exception(
    simulator: OpenAISimulator,
    client: openai.OpenAI,
    status: int,
    code: str | None,
    exception: type[openai.APIStatusError],
    expected_code: str | None,
) -> None:
    simulator.fail_next(status, code=code)
    with pytest.raises(exception) as info:
        client.images.generate(model="gpt-image-2", prompt=PROMPT)
    error = info.value
    assert error.status_code == status and error.code == expected_code and error.param is None
    assert isinstance(error.body, dict) and set(error.body) == {"message", "type", "param", "code"}
    assert error.message and simulator.api_key not in error.message


def test_validation_error_names_the_param_async(simulator: OpenAISimulator) -> None:
    async def go() -> openai.BadRequestError:
        async with _async_client(simulator) as c:
            try:
                await c.images.generate(model="gpt-image-2", prompt=PROMPT, size="1000x1000")
            except openai.BadRequestError as e:
                return e
        raise AssertionError("no error")

    error = run(go())
    assert error.param == "size" and error.code is not None


def test_real_moderation_and_bad_key(simulator: OpenAISimulator, client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt="something forbidden")
    assert info.value.code == "moderation_blocked"
    with (
        openai.OpenAI(
            base_url=simulator.base_url, api_key="sk-wrong-0000000000", max_retries=0, _strict_response_validation=True
        ) as bad,
        pytest.raises(openai.AuthenticationError) as auth,
    ):
        bad.models.list()
    assert auth.value.code == "invalid_api_key"


# ------------------------------------------------------------------------------- the app's provider, strict


def _strict_provider(sim: OpenAISimulator) -> OpenAIProvider:
    provider = OpenAIProvider(api_key=sim.api_key, base_url=sim.base_url, name="custom", timeout=10)
    # The provider builds its client lazily and keeps it: put a strictly validating one in its place.
    provider._client = _async_client(sim)
    return provider


_drive = run_closing


@pytest.mark.parametrize("output_format", ["png", "jpeg", "webp"])
def test_provider_generate_strict(simulator: OpenAISimulator, output_format: str) -> None:
    provider = _strict_provider(simulator)
    request = GenerationRequest(PROMPT, "gpt-image-2", "1024x1024", "low", 2, output_format)
    result = _drive(provider, provider.generate(request))
    assert len(result.images) == 2 and all(im.output_format == output_format for im in result.images)
    assert result.usage.output_tokens > 0 and result.response_meta["output_format"] == output_format


def test_provider_stream_and_edit_strict(simulator: OpenAISimulator, tmp_path: Path) -> None:
    provider = _strict_provider(simulator)
    partials: list[int] = []
    request = GenerationRequest(PROMPT, "gpt-image-2", "1024x1024", "low", 1, "png", partial_images=2)
    streamed = _drive(provider, provider.generate(request, on_partial=lambda i, _d: partials.append(i)))
    assert partials == [0, 1] and len(streamed.images) == 1 and streamed.response_meta["streamed"]

    source = tmp_path / "in.png"
    Image.new("RGB", (1024, 1024), (200, 40, 40)).save(source, "PNG")
    mask = tmp_path / "mask.png"
    mask.write_bytes(_mask_png())
    provider = _strict_provider(simulator)
    edit = EditRequest(
        "add a moon", "gpt-image-2", images=(str(source),), mask=str(mask), partial_images=1, quality="low"
    )
    edit_partials: list[int] = []
    edited = _drive(provider, provider.edit(edit, on_partial=lambda i, _d: edit_partials.append(i)))
    assert edit_partials == [0] and len(edited.images) == 1
    sent = simulator.requests[-1]
    assert sent.path == "/v1/images/edits" and sent.files is not None and "mask" in sent.files


def test_provider_errors_strict(simulator: OpenAISimulator) -> None:
    provider = _strict_provider(simulator)
    simulator.fail_next(429, code="insufficient_quota")
    with pytest.raises(errors.ImageStudioError) as info:
        _drive(provider, provider.generate(GenerationRequest(PROMPT, "gpt-image-2")))
    assert not getattr(info.value, "retryable", False)


def _mask_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (1024, 1024), (0, 0, 0, 0)).save(out, "PNG")
    return out.getvalue()


# ------------------------------------------------------------------------------- fault shapes (issue 16)


def test_an_error_event_in_a_stream_raises_the_sdks_api_error_with_its_code(
    simulator: OpenAISimulator, client: openai.OpenAI
) -> None:
    simulator.error_in_stream("moderation_blocked", after_partials=1)
    seen: list[Any] = []
    with pytest.raises(openai.APIError) as info:
        for event in client.images.generate(model="gpt-image-2", prompt=PROMPT, stream=True, partial_images=2):
            seen.append(event)
    assert [type(e) for e in seen] == [ImageGenPartialImageEvent]
    error = info.value
    assert not isinstance(error, openai.APIStatusError)  # the HTTP status was 200
    assert error.code == "moderation_blocked" and error.type == "image_generation_user_error"


def test_url_answers_and_refused_parameters_parse_strictly(simulator: OpenAISimulator, client: openai.OpenAI) -> None:
    simulator.answer_with_urls_next()
    response = client.images.generate(model="gpt-image-2", prompt=PROMPT, n=2)
    _exact(response)
    assert response.data and all(d.url and not d.b64_json for d in response.data)
    simulator.refuse("gpt-image-2.6-flare", "background")
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2.6-flare", prompt=PROMPT, background="opaque")
    assert info.value.code == "unsupported_parameter" and info.value.param == "background"
