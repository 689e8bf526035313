"""OpenAIProvider through the real SDK over real HTTP to the loopback simulator."""

from __future__ import annotations

import base64
import hashlib

import pytest

from imagestudio.core import errors
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.types import GenerationRequest
from tests.aio import run, run_closing
from tests.simulator import OpenAISimulator

_run = run_closing


def _provider(sim: OpenAISimulator, key: str | None = None) -> OpenAIProvider:
    return OpenAIProvider(api_key=key or sim.api_key, base_url=sim.base_url, name="custom", timeout=10)


def test_generate_returns_exact_bytes_usage_and_request_id(simulator: OpenAISimulator) -> None:
    provider = _provider(simulator)
    request = GenerationRequest("a red fox", "gpt-image-2.5-sunburst", "1024x1536", "xhigh", 2, "jpeg")
    result = _run(provider, provider.generate(request))
    assert len(result.images) == 2
    assert all(im.output_format == "jpeg" and im.data[:3] == b"\xff\xd8\xff" for im in result.images)
    assert result.usage.output_tokens > 0 and result.usage.total_tokens >= result.usage.output_tokens
    assert result.request_id and result.request_id.startswith("req_")
    assert result.response_meta["size"] == "1024x1536"
    assert result.response_meta["quality"] == "xhigh"
    # decode of what went over the wire is byte-exact: compare with an SDK call of our own
    assert len({hashlib.sha256(im.data).hexdigest() for im in result.images}) == 2


def test_repr_and_errors_never_contain_the_key(simulator: OpenAISimulator) -> None:
    wrong = "sk-wrong-0123456789abcdef"
    provider = _provider(simulator, wrong)
    assert wrong not in repr(provider)
    with pytest.raises(errors.AuthError) as info:
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))
    assert wrong not in str(info.value) and wrong not in repr(info.value)
    # the SDK exception (whose request headers hold the key) is not chained into ours
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize(
    ("status", "code", "expected", "retryable"),
    [
        (429, "insufficient_quota", errors.QuotaExceeded, False),
        (429, "rate_limit_exceeded", errors.RateLimited, True),
        (500, None, errors.ServerError, True),
        (503, None, errors.ServerError, True),
        (403, None, errors.PermissionDenied, False),
        (404, "model_not_found", errors.ModelNotFound, False),
        (400, "moderation_blocked", errors.ModerationBlocked, False),
        (400, "invalid_value", errors.BadRequest, False),
    ],
)
def test_status_errors_map_to_human_errors(
    simulator: OpenAISimulator, status: int, code: str | None, expected: type[Exception], retryable: bool
) -> None:
    simulator.fail_next(status, code=code)
    provider = _provider(simulator)
    with pytest.raises(expected) as info:
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))
    assert info.value.retryable is retryable  # type: ignore[attr-defined]
    assert info.value.request_id  # type: ignore[attr-defined]
    assert len(simulator.requests) == 1  # the SDK's own retries are off


def test_rate_limit_carries_retry_after(simulator: OpenAISimulator) -> None:
    simulator.fail_next(429, code="rate_limit_exceeded", retry_after=7)
    provider = _provider(simulator)
    with pytest.raises(errors.RateLimited) as info:
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))
    assert info.value.retry_after == 7
    assert "7 s" in info.value.message


def test_truncated_json_is_a_bad_response(simulator: OpenAISimulator) -> None:
    simulator.fail_next(200, raw_body=b'{"created": 1, "data": [{"b64_json": "iVBO')
    provider = _provider(simulator)
    with pytest.raises(errors.BadResponse):
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))


def test_invalid_base64_is_a_bad_response(simulator: OpenAISimulator) -> None:
    simulator.fail_next(200, raw_body=b'{"created": 1, "data": [{"b64_json": "not base64!!"}]}')
    provider = _provider(simulator)
    with pytest.raises(errors.BadResponse):
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))


def test_empty_data_is_a_bad_response(simulator: OpenAISimulator) -> None:
    simulator.fail_next(200, raw_body=b'{"created": 1, "data": []}')
    provider = _provider(simulator)
    with pytest.raises(errors.BadResponse, match="no images"):
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))


def test_dropped_connection_is_a_network_error(simulator: OpenAISimulator) -> None:
    simulator.drop_connection_next()
    provider = _provider(simulator)
    with pytest.raises(errors.NetworkError):
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2")))


def test_check_lists_models(simulator: OpenAISimulator) -> None:
    provider = _provider(simulator)
    message = _run(provider, provider.check())
    assert message.startswith("Connected") and "gpt-image-2" in message


def test_b64_payload_is_stored_unchanged(simulator: OpenAISimulator) -> None:
    """What the provider returns equals base64-decoding the server's JSON, bit for bit."""
    import openai

    async def both() -> tuple[bytes, bytes]:
        client = openai.AsyncOpenAI(api_key=simulator.api_key, base_url=simulator.base_url, max_retries=0)
        raw = await client.images.generate(prompt="same", model="gpt-image-2", size="1024x1024")
        await client.close()
        provider = _provider(simulator)
        ours = await provider.generate(GenerationRequest("same", "gpt-image-2", "1024x1024"))
        await provider.aclose()
        assert raw.data and raw.data[0].b64_json
        return base64.b64decode(raw.data[0].b64_json), ours.images[0].data

    theirs, ours = run(both())
    assert theirs == ours
