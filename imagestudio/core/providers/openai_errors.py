"""One mapping from every OpenAI SDK / transport error to our errors: a human message and what to do.

Only status codes, error codes and the server's own text go into messages, never request objects (their
headers hold the key); the SDK exception is never chained.
"""

from __future__ import annotations

import json

from imagestudio.core import errors
from imagestudio.core.i18n_marks import QT_TRANSLATE_NOOP, fill


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
            QT_TRANSLATE_NOOP("CoreMessages", "The API key was rejected (401). Check or replace it in Settings."),
            request_id=request_id,
        )
    if isinstance(e, openai.PermissionDeniedError):
        fmt = next((f for f in ("gif", "svg") if f"'{f}'" in server_text.lower()), None)
        if getattr(e, "param", None) == "output_format" or fmt:
            return errors.PermissionDenied(
                fill(
                    QT_TRANSLATE_NOOP(
                        "CoreMessages",
                        "Your account has no access to %1 output yet (a limited preview). "
                        "Choose PNG, JPEG or WebP instead.",
                    ),
                    (fmt or "this").upper(),
                ),
                request_id=request_id,
            )
        return errors.PermissionDenied(
            fill(QT_TRANSLATE_NOOP("CoreMessages", "This key or account may not do that (403): %1"), server_text),
            request_id=request_id,
        )
    if isinstance(e, openai.NotFoundError):
        return errors.ModelNotFound(
            fill(
                QT_TRANSLATE_NOOP("CoreMessages", "The server does not know this model or endpoint (404): %1"),
                server_text,
            ),
            request_id=request_id,
        )
    if isinstance(e, openai.RateLimitError):
        if code == "insufficient_quota" or "quota" in (code or ""):
            return errors.QuotaExceeded(
                QT_TRANSLATE_NOOP(
                    "CoreMessages",
                    "Your OpenAI account has no credit left (insufficient_quota). Add credit in the billing settings.",
                ),
                request_id=request_id,
            )
        retry_after = _retry_after(e)
        text = (
            fill(QT_TRANSLATE_NOOP("CoreMessages", "Too many requests (429). Try again in %1 s."), f"{retry_after:.0f}")
            if retry_after
            else QT_TRANSLATE_NOOP("CoreMessages", "Too many requests (429). Try again shortly.")
        )
        return errors.RateLimited(text, retry_after=retry_after, request_id=request_id)
    if isinstance(e, openai.BadRequestError):
        if code == "moderation_blocked":
            return errors.ModerationBlocked(
                QT_TRANSLATE_NOOP(
                    "CoreMessages", "The safety system refused this request. Rephrase the prompt and try again."
                ),
                request_id=request_id,
            )
        if getattr(e, "param", None) == "model":  # retired or unknown models answer 400 invalid_value
            template = QT_TRANSLATE_NOOP("CoreMessages", "The server does not offer this model: %1")
            return errors.ModelNotFound(fill(template, server_text), request_id=request_id)
        template = QT_TRANSLATE_NOOP("CoreMessages", "The server refused the request: %1")
        return errors.BadRequest(fill(template, server_text), request_id=request_id)
    if isinstance(e, openai.InternalServerError):
        return errors.ServerError(
            fill(
                QT_TRANSLATE_NOOP("CoreMessages", "The image service had an internal error (%1). Try again later."),
                getattr(e, "status_code", 500),
            ),
            request_id=request_id,
        )
    if isinstance(e, openai.APITimeoutError):
        return errors.NetworkError(
            QT_TRANSLATE_NOOP("CoreMessages", "The request timed out. Check your connection and try again.")
        )
    if isinstance(e, openai.APIConnectionError):
        return errors.NetworkError(
            QT_TRANSLATE_NOOP("CoreMessages", "Could not reach the image service. Check your network connection.")
        )
    if isinstance(e, openai.APIStatusError):
        return errors.ProviderError(
            fill(
                QT_TRANSLATE_NOOP("CoreMessages", "The server answered with an error (%1): %2"),
                e.status_code,
                server_text,
            ),
            request_id=request_id,
        )
    if isinstance(e, json.JSONDecodeError | UnicodeDecodeError | openai.APIResponseValidationError):
        return errors.BadResponse(
            QT_TRANSLATE_NOOP("CoreMessages", "The server's answer was cut off or is not valid JSON. Try again.")
        )
    if isinstance(e, errors.ImageStudioError):
        return e
    if _is_transport_error(e):  # raised while reading a stream, outside the SDK's own wrapping
        return errors.NetworkError(
            QT_TRANSLATE_NOOP("CoreMessages", "The connection was lost while the image was being sent. Try again.")
        )
    template = QT_TRANSLATE_NOOP("CoreMessages", "Unexpected error talking to the image service (%1).")
    return errors.ProviderError(fill(template, type(e).__name__))


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
