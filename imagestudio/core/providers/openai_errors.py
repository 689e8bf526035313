"""One mapping from every OpenAI SDK / transport error to our errors: a human message and what to do.

Only status codes, error codes and the server's own text go into messages, never request objects (their
headers hold the key); the SDK exception is never chained.
"""

from __future__ import annotations

import json

from imagestudio.core import errors


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
        fmt = next((f for f in ("gif", "svg") if f"'{f}'" in server_text.lower()), None)
        if getattr(e, "param", None) == "output_format" or fmt:
            return errors.PermissionDenied(
                f"Your account has no access to {(fmt or 'this').upper()} output yet (a limited preview). "
                "Choose PNG, JPEG or WebP instead.",
                request_id=request_id,
            )
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
    if _is_transport_error(e):  # raised while reading a stream, outside the SDK's own wrapping
        return errors.NetworkError("The connection was lost while the image was being sent. Try again.")
    return errors.ProviderError(f"Unexpected error talking to the image service ({type(e).__name__}).")


def _retry_after(e: Exception) -> float | None:
    response = getattr(e, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _is_transport_error(e: Exception) -> bool:
    module = type(e).__module__ or ""
    return module.split(".")[0] in ("httpx", "httpx2", "httpcore", "h11") or isinstance(e, ConnectionError)
