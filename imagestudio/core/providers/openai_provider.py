"""OpenAI (and OpenAI-compatible) image provider over the official SDK's AsyncOpenAI.

``openai`` is imported lazily (~0.5 s): only when the first request or connection test is made, which is
always after the window is shown. SDK retries are off (``max_retries=0``): a retried image request can be
billed twice, so retry policy belongs to the job queue, not the HTTP client.

Hostile answers (``netguard``): the timeout is one deadline for the whole answer — a stream of keep-alive
comments or a body dripping one byte at a time ends there; a stream that stays open after its completed image
is left at once (the image is kept); the body is read through a size cap; ``url`` results are fetched only from
public addresses; the key is redacted from everything the server sends before it is kept anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import gc
import hashlib
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from imagestudio.core import errors
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.masks import load_edit_uploads
from imagestudio.core.money.pricing import add_calls, merge_stream, parse_usage, token_count
from imagestudio.core.providers.download import download_image
from imagestudio.core.providers.netguard import (
    MAX_ANSWER_BYTES,
    MAX_ID_CHARS,
    AnswerRefused,
    DownloadPolicy,
    cap_response,
    cause,
    close_quietly,
    redact,
)
from imagestudio.core.providers.openai_errors import stream_error, translate_exception
from imagestudio.core.providers.openai_refine import provider_refine
from imagestudio.core.types import EditRequest, GeneratedImage, GenerationRequest, GenerationResult, Usage

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["OpenAIProvider", "TextResult", "translate_exception"]

OnPartial = Callable[[int, bytes], None]
Send = Callable[[GenerationRequest | EditRequest], Awaitable[Any]]


class TextResult:
    """What a text model answered (prompt enhancement) and the tokens it used."""

    def __init__(self, text: str, model: str, input_tokens: int, output_tokens: int) -> None:
        self.text, self.model = text, model
        self.input_tokens, self.output_tokens = input_tokens, output_tokens


class OpenAIProvider:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        name: str = "openai",
        timeout: float = 300.0,
        azure: dict[str, str] | None = None,
        download_policy: DownloadPolicy | None = None,
        answer_cap: int = MAX_ANSWER_BYTES,
    ):
        self.name = name
        self._download_policy = download_policy or DownloadPolicy()  # tests inject their loopback allowance
        self._answer_cap = answer_cap
        self._api_key = api_key
        self._base_url = base_url or None
        self._timeout = timeout
        self._azure = azure  # {"endpoint", "api_version", "deployment"} for Azure OpenAI
        self._client: AsyncOpenAI | None = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIProvider(name={self.name!r}, base_url={self._base_url!r})"

    def config_key(self) -> tuple[object, ...]:
        """What makes two providers interchangeable (core/providers/shared.py keeps one per key). The API key
        enters as a digest, so the tuple can never show it."""
        digest = hashlib.sha256(self._api_key.encode()).hexdigest()
        azure = tuple(sorted(self._azure.items())) if self._azure else None
        return (type(self).__name__, self.name, digest, self._base_url, self._timeout, azure)

    def prepare(self) -> OpenAIProvider:
        """Import the SDK and build the HTTP client (TLS set-up included) now. The factory runs on a worker
        thread; left to the first request, this half second would run on the GUI thread's event loop."""
        first_import = "openai" not in sys.modules
        # The SDK brings ~60k long-lived objects (types, validators). Importing them triggers a full collection
        # part-way (30-40 ms holding the GIL: every thread stops, the GUI's included — bench P2), and left in
        # the collector's generations every later full collection walks them again. So no automatic collection
        # while they are made, then they go to the permanent generation.
        collecting = gc.isenabled() and first_import
        if collecting:
            gc.disable()
        try:
            self._get_client()
            # the HTTP stack imports its asyncio backend at the first request (on the event loop): do it here
            import anyio._backends._asyncio  # noqa: F401
        except Exception:  # the same problem comes back, as a clear message, at the first request
            self._client = None
        finally:
            if first_import:
                gc.freeze()
            if collecting:
                gc.enable()
        return self

    def _get_client(self) -> AsyncOpenAI:
        if self._client is None:
            from openai import DefaultAsyncHttpxClient

            # the body is read through a size cap, and asked for uncompressed (a compressed one is refused)
            guarded: dict[str, Any] = {
                "http_client": DefaultAsyncHttpxClient(event_hooks={"response": [cap_response(self._answer_cap)]}),
                "default_headers": {"Accept-Encoding": "identity"},
            }
            if self._azure:
                from openai import AsyncAzureOpenAI

                self._client = AsyncAzureOpenAI(
                    api_key=self._api_key,
                    azure_endpoint=self._azure["endpoint"],
                    api_version=self._azure["api_version"],
                    azure_deployment=self._azure.get("deployment") or None,
                    max_retries=0,
                    timeout=self._timeout,
                    **guarded,
                )
            else:
                from openai import AsyncOpenAI

                self._client = AsyncOpenAI(
                    api_key=self._api_key, base_url=self._base_url, max_retries=0, timeout=self._timeout, **guarded
                )
        return self._client

    # -- images ------------------------------------------------------------------------------------
    async def generate(self, request: GenerationRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        client = self._get_client()

        async def send(one: GenerationRequest | EditRequest) -> Any:
            return await client.images.generate(**one.api_params())

        return await self._send_all(send, request, on_partial)

    async def edit(self, request: EditRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        uploads = await asyncio.to_thread(load_edit_uploads, request)  # file reads and decoding off the loop
        client = self._get_client()
        files: dict[str, Any] = {"image": [u.as_file() for u in uploads.images]}
        if uploads.mask is not None:
            files["mask"] = uploads.mask.as_file()
        if uploads.markup is not None:
            files["markup"] = uploads.markup.as_file()

        async def send(one: GenerationRequest | EditRequest) -> Any:
            params = one.api_params()
            # images.edit has no `moderation` argument in the SDK: the API takes it as a form field.
            extra_body = {"moderation": params.pop("moderation")} if "moderation" in params else None
            return await client.images.edit(**files, **params, extra_body=extra_body)

        return await self._send_all(send, request, on_partial)

    refine = provider_refine  # one turn of a conversation with an image (Responses API + image tool)

    async def _send_all(
        self, send: Send, request: GenerationRequest | EditRequest, on_partial: OnPartial | None
    ) -> GenerationResult:
        """One request; with previews (streaming), one streamed n=1 request per image: a completed event carries
        no image index and ``stream`` with ``n`` > 1 is not documented. When a later request breaks, the images
        that arrived come back with ``error`` set (they are paid for: the job keeps them and asks for the rest)."""
        if not request.api_params().get("stream"):
            try:
                async with asyncio.timeout(self._timeout):  # the whole answer, not each read
                    response = await send(request)
                    return await self._result(response, request)
            except errors.ImageStudioError:
                raise
            except Exception as e:
                raise self._translate(e) from None
        parts: list[GenerationResult] = []
        for _index in range(request.n):
            one = dataclasses.replace(request, n=1)
            try:
                async with asyncio.timeout(self._timeout):  # keep-alive comments and drips end here too
                    part = await self._collect_stream(await send(one), one, on_partial)
            except asyncio.CancelledError as e:  # the images already here are paid for: they go with the cancel
                if parts:
                    e.partial_result = _combined(parts, None)  # type: ignore[attr-defined]
                raise
            except Exception as e:
                error = self._translate(e)
                if not parts:
                    raise error from None
                return _combined(parts, error)
            parts.append(part)
            if part.error is not None:
                break
        return parts[0] if len(parts) == 1 else _combined(parts, parts[-1].error)

    async def _collect_stream(
        self, stream: Any, request: GenerationRequest | EditRequest, on_partial: OnPartial | None
    ) -> GenerationResult:
        """Read ``image_generation.*`` / ``image_edit.*`` events; partials go to ``on_partial``. An ``error`` event
        is mapped by its code; a stream cut after some completed images returns them with ``error`` set."""
        images: list[GeneratedImage] = []
        usage: Usage | None = None
        partials = 0
        meta: dict[str, Any] = {}
        failure: errors.ImageStudioError | None = None
        try:
            async for event in stream:
                kind = getattr(event, "type", "")
                if kind.endswith(".partial_image"):
                    partials += 1
                    if on_partial is not None:
                        data = _decode(event.b64_json)
                        on_partial(int(event.partial_image_index), data)
                elif kind.endswith(".completed"):
                    fmt = event.output_format or request.output_format
                    images.append(GeneratedImage(_decode(event.b64_json), fmt))
                    # several completed events of one request: its input counts once (core/money/pricing.merge_stream)
                    got = parse_usage(getattr(event, "usage", None))
                    usage = got if usage is None else merge_stream(usage, got)
                    meta = {k: getattr(event, k, None) for k in ("size", "quality", "background", "output_format")}
                    if len(images) >= request.n:  # all there: kept now, whether or not the stream ever ends
                        await close_quietly(stream)
                        break
                elif kind == "error":  # passed through as an event (no nested "error" object for the SDK to raise)
                    raise stream_error(getattr(event, "code", None), getattr(event, "message", None),
                                       getattr(event, "param", None))  # fmt: skip
        except Exception as e:
            failure = self._translate(e)
            if not images:
                raise failure from None
        if failure is None and len(images) < request.n:
            template = QT_TRANSLATE_NOOP(
                "CoreMessages", "The stream ended after %1 of %2 images; the connection was cut. Try again."
            )
            failure = errors.BadResponse(fill(template, len(images), request.n))
            if not images:
                raise failure
        return GenerationResult(
            images=tuple(images),
            provider=self.name,
            model=request.model,
            usage=dataclasses.replace(usage or parse_usage(None), partial_images=partials),
            request_id=self._clean(getattr(stream, "_request_id", None) or _header_request_id(stream)),
            response_meta=self._clean({k: v for k, v in {**meta, "streamed": True}.items() if v is not None}),
            error=failure,
        )

    async def _result(self, response: Any, request: GenerationRequest | EditRequest) -> GenerationResult:
        """The SDK does not validate answers strictly: ``null``, a list or wrong types arrive as they are."""
        try:
            return await self._parse_result(response, request)
        except (AttributeError, TypeError, ValueError, KeyError):
            raise errors.BadResponse("The server's answer is not a valid image response. Try again.") from None

    async def _parse_result(self, response: Any, request: GenerationRequest | EditRequest) -> GenerationResult:
        items = response.data or []
        images: list[GeneratedImage] = []
        fmt = response.output_format or request.output_format
        failure: errors.ImageStudioError | None = None
        for item in items:
            if item.b64_json:
                images.append(GeneratedImage(_decode(item.b64_json), fmt))
            elif item.url:  # other OpenAI-compatible servers may answer with links
                try:
                    images.append(GeneratedImage(await download_image(item.url, policy=self._download_policy), fmt))
                except errors.ImageStudioError as e:  # the answer is paid for: its usage is recorded all the same
                    failure = e
                    failure.possibly_charged = failure.in_ledger = True
                    break
            else:
                raise errors.BadResponse("The server's answer held an entry without image data.")
        if not images and failure is None:
            raise errors.BadResponse("The server's answer contained no images.")
        return GenerationResult(
            images=tuple(images),
            provider=self.name,
            model=request.model,
            usage=parse_usage(getattr(response, "usage", None), getattr(response, "svg_usage", None)),
            request_id=self._clean(getattr(response, "_request_id", None)),
            response_meta=self._clean(
                {
                    k: v
                    for k, v in {
                        "size": response.size,
                        "quality": response.quality,
                        "background": response.background,
                        "output_format": response.output_format,
                        "created": response.created,
                    }.items()
                    if v is not None
                }
            ),
            error=failure,
        )

    # -- text (prompt enhancement) -----------------------------------------------------------------
    async def complete_text(self, *, model: str, instructions: str, text: str) -> TextResult:
        """One Responses API call (no streaming, no tools) with a small text model."""
        client = self._get_client()
        try:
            response = await client.responses.create(model=model, instructions=instructions, input=text, store=False)
        except Exception as e:
            raise self._translate(e) from None
        answer = (response.output_text or "").strip()
        if not answer:
            raise errors.BadResponse("The text model returned an empty answer.")
        usage = getattr(response, "usage", None)
        tokens_in, tokens_out = (token_count(getattr(usage, name, None)) for name in ("input_tokens", "output_tokens"))
        if tokens_in is None or tokens_out is None:  # missing or impossible: 1 token per character (never $0)
            tokens_in, tokens_out = len(instructions) + len(text), len(answer)
        return TextResult(answer, model, tokens_in, tokens_out)

    async def list_models(self) -> list[str]:
        client = self._get_client()
        try:
            page = await client.models.list()
        except Exception as e:
            raise self._translate(e) from None
        return [m.id for m in page.data]

    async def check(self) -> str:
        """What was checked (the key, by listing models) and what was not (image access, credit)."""
        ids = await self.list_models()
        image_models = sorted(i for i in ids if "image" in i)
        template = QT_TRANSLATE_NOOP(
            "CoreMessages",
            "Connected: the key is valid and the server lists %1 models (image models: %2). Not checked: whether "
            "this account may use the image models (some need a verified organization) and whether it has credit "
            "left — the first image you generate will tell.",
        )
        return fill(template, len(ids), ", ".join(image_models[:8]) or "—")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _translate(self, e: BaseException) -> errors.ImageStudioError:
        """Map an SDK or transport exception to our hierarchy. Only codes and server text go in messages, and
        never the key (a server that echoes it in its message, code or request id)."""
        refused = cause(e, AnswerRefused)
        if refused is not None:
            error: errors.ImageStudioError = errors.BadResponse(refused.message)
            error.possibly_charged = True
        elif isinstance(e, TimeoutError):
            error = errors.NetworkError(
                QT_TRANSLATE_NOOP("CoreMessages", "The request timed out. Check your connection and try again.")
            )
            error.retryable = True
            error.possibly_charged = True  # sent, and the answer never completed
        else:
            error = translate_exception(e if isinstance(e, Exception) else RuntimeError(), secret=self._api_key)
        error.message = self._clean(error.message, limit=None)
        error.args = (error.message,)
        error.request_id = self._clean(error.request_id)
        return error

    def _clean(self, value: Any, *, limit: int | None = MAX_ID_CHARS) -> Any:
        """Server text with the key replaced by ``***`` (ids and details cut at ``limit`` characters)."""
        return redact(value, (self._api_key,), limit=limit)


def _decode(b64: str | None) -> bytes:
    if not b64:
        raise errors.BadResponse("The server sent an image event without image data.")
    try:
        return base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise errors.BadResponse("The server sent image data that is not valid base64.") from None


def _combined(parts: list[GenerationResult], error: Exception | None) -> GenerationResult:
    """Several n=1 requests as one result: their images in order, usages added, one ledger call each."""
    usage = parts[0].usage
    for part in parts[1:]:
        usage = add_calls(usage, part.usage)
    return dataclasses.replace(
        parts[-1],
        images=tuple(image for part in parts for image in part.images),
        usage=usage,
        calls=tuple((part.request_id, part.usage) for part in parts),
        error=error,
    )


def _header_request_id(stream: Any) -> str | None:
    response = getattr(stream, "response", None)
    return response.headers.get("x-request-id") if response is not None else None
