"""OpenAI (and OpenAI-compatible) image provider over the official SDK's AsyncOpenAI.

``openai`` is imported lazily (~0.5 s): only when the first request or connection test is made, which is
always after the window is shown. SDK retries are off (``max_retries=0``): a retried image request can be
billed twice, so retry policy belongs to the job queue, not the HTTP client.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from imagestudio.core import errors
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, Usage

if TYPE_CHECKING:
    from openai import AsyncOpenAI


class OpenAIProvider:
    def __init__(self, *, api_key: str, base_url: str | None = None, name: str = "openai", timeout: float = 300.0):
        self.name = name
        self._api_key = api_key
        self._base_url = base_url or None
        self._timeout = timeout
        self._client: AsyncOpenAI | None = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIProvider(name={self.name!r}, base_url={self._base_url!r})"

    def _get_client(self) -> AsyncOpenAI:
        if self._client is None:
            from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                api_key=self._api_key, base_url=self._base_url, max_retries=0, timeout=self._timeout
            )
        return self._client

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        client = self._get_client()
        try:
            response = await client.images.generate(**request.api_params())
        except Exception as e:
            raise self._translate(e) from None
        items = response.data or []
        images: list[GeneratedImage] = []
        fmt = response.output_format or request.output_format
        for item in items:
            if not item.b64_json:
                raise errors.BadResponse(
                    "The server returned an image link instead of image data; this provider is not supported yet."
                )
            try:
                images.append(GeneratedImage(base64.b64decode(item.b64_json, validate=True), fmt))
            except (binascii.Error, ValueError):
                raise errors.BadResponse("The server sent image data that is not valid base64.") from None
        if not images:
            raise errors.BadResponse("The server's answer contained no images.")
        return GenerationResult(
            images=tuple(images),
            provider=self.name,
            model=request.model,
            usage=_usage(response.usage),
            request_id=getattr(response, "_request_id", None),
            response_meta={
                k: v
                for k, v in {
                    "size": response.size,
                    "quality": response.quality,
                    "background": response.background,
                    "output_format": response.output_format,
                    "created": response.created,
                }.items()
                if v is not None
            },
        )

    async def check(self) -> str:
        client = self._get_client()
        try:
            page = await client.models.list()
        except Exception as e:
            raise self._translate(e) from None
        ids = [m.id for m in page.data]
        image_models = sorted(i for i in ids if i.startswith("gpt-image"))
        shown = ", ".join(image_models[:6]) or "none listed"
        return f"Connected. The key works; {len(ids)} models available (image models: {shown})."

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _translate(self, e: Exception) -> errors.ImageStudioError:
        """Map an SDK or transport exception to our hierarchy. Only codes and server text go in messages."""
        return translate_exception(e, secret=self._api_key)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    inp = getattr(usage, "input_tokens_details", None)
    out = getattr(usage, "output_tokens_details", None)
    return Usage(
        input_tokens=int(usage.input_tokens or 0),
        output_tokens=int(usage.output_tokens or 0),
        total_tokens=int(usage.total_tokens or 0),
        input_text_tokens=int(getattr(inp, "text_tokens", 0) or 0),
        input_image_tokens=int(getattr(inp, "image_tokens", 0) or 0),
        output_image_tokens=int(getattr(out, "image_tokens", 0) or 0) if out else int(usage.output_tokens or 0),
    )


def translate_exception(e: Exception, *, secret: str = "") -> errors.ImageStudioError:
    import openai

    def clean(text: str) -> str:
        text = text.replace(secret, "***") if secret else text
        return text if len(text) <= 300 else text[:297] + "…"

    request_id = getattr(e, "request_id", None)
    server_text = clean(str(getattr(e, "message", "") or ""))
    code = getattr(e, "code", None)
    if isinstance(e, openai.AuthenticationError):
        return errors.AuthError(
            "The API key was rejected (401). Check or replace it in Settings.", request_id=request_id
        )
    if isinstance(e, openai.PermissionDeniedError):
        return errors.PermissionDenied(
            f"This key or account may not do that (403): {server_text}", request_id=request_id
        )
    if isinstance(e, openai.NotFoundError):
        return errors.ModelNotFound(
            f"The server does not know this model or endpoint (404): {server_text}", request_id=request_id
        )
    if isinstance(e, openai.RateLimitError):
        if code == "insufficient_quota" or "quota" in (code or ""):
            return errors.QuotaExceeded(
                "Your OpenAI account has no credit left (insufficient_quota). Add credit in the billing settings.",
                request_id=request_id,
            )
        retry_after = _retry_after(e)
        wait = f" Try again in {retry_after:.0f} s." if retry_after else " Try again shortly."
        return errors.RateLimited(f"Too many requests (429).{wait}", retry_after=retry_after, request_id=request_id)
    if isinstance(e, openai.BadRequestError):
        if code == "moderation_blocked":
            return errors.ModerationBlocked(
                "The safety system refused this request. Rephrase the prompt and try again.", request_id=request_id
            )
        if getattr(e, "param", None) == "model":  # retired or unknown models answer 400 invalid_value
            return errors.ModelNotFound(f"The server does not offer this model: {server_text}", request_id=request_id)
        return errors.BadRequest(f"The server refused the request: {server_text}", request_id=request_id)
    if isinstance(e, openai.InternalServerError):
        return errors.ServerError(
            f"The image service had an internal error ({getattr(e, 'status_code', 500)}). Try again later.",
            request_id=request_id,
        )
    if isinstance(e, openai.APITimeoutError):
        return errors.NetworkError("The request timed out. Check your connection and try again.")
    if isinstance(e, openai.APIConnectionError):
        return errors.NetworkError("Could not reach the image service. Check your network connection.")
    if isinstance(e, openai.APIStatusError):
        return errors.ProviderError(
            f"The server answered with an error ({e.status_code}): {server_text}", request_id=request_id
        )
    if isinstance(e, json.JSONDecodeError | openai.APIResponseValidationError):
        return errors.BadResponse("The server's answer was cut off or is not valid JSON. Try again.")
    if isinstance(e, errors.ImageStudioError):
        return e
    return errors.ProviderError(f"Unexpected error talking to the image service ({type(e).__name__}).")


def _retry_after(e: Exception) -> float | None:
    response = getattr(e, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
