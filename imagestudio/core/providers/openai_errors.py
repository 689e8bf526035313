"""One mapping from every OpenAI SDK / transport error to our errors: a human message and what to do.

Only status codes, error codes, parameter names and the server's own text go into messages, never request objects
(their headers hold the key); the SDK exception is never chained.

* An ``error`` event inside a stream reaches us as a plain ``openai.APIError`` whose body holds the code: it is
  mapped by that code like an HTTP error (``moderation_blocked`` → the moderation message).
* ``retry-after-ms``, ``retry-after`` in seconds and ``retry-after`` as an HTTP date (measured against the
  answer's own ``Date`` header, so no local clock is read) are honoured.
* Whether a failed attempt may have been billed (``possibly_charged``): a 2xx whose body broke or could not be
  read, a read timeout or a dropped connection after the request was sent. Connect errors are not.
"""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime

from imagestudio.core import errors
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill

#: transport failures that happen before the request reaches the server (nothing can have been billed)
_NOT_SENT = frozenset({"ConnectError", "ConnectTimeout", "PoolTimeout", "UnsupportedProtocol", "ProxyError"})
_PARAM_CODES = frozenset({"unsupported_parameter", "unknown_parameter", "unsupported_value", "invalid_value"})


def translate_exception(e: Exception, *, secret: str = "") -> errors.ImageStudioError:
    result = _translate(e, secret)
    if _possibly_charged(e):
        result.possibly_charged = True
    return result


def _translate(e: Exception, secret: str) -> errors.ImageStudioError:
    import openai

    def clean(text: str) -> str:
        text = text.replace(secret, "***") if secret else text
        return text if len(text) <= 300 else text[:297] + "…"

    request_id = getattr(e, "request_id", None)
    server_text = clean(str(getattr(e, "message", "") or ""))
    code = getattr(e, "code", None)
    code = code if isinstance(code, str) else None
    param = getattr(e, "param", None)
    param = param if isinstance(param, str) else None
    if isinstance(e, openai.AuthenticationError):
        return errors.AuthError(
            QT_TRANSLATE_NOOP("CoreMessages", "The API key was rejected (401). Check or replace it in Settings."),
            request_id=request_id,
        )
    if isinstance(e, openai.PermissionDeniedError):
        return _forbidden(server_text, param, request_id)
    if isinstance(e, openai.NotFoundError):
        return errors.ModelNotFound(
            fill(
                QT_TRANSLATE_NOOP("CoreMessages", "The server does not know this model or endpoint (404): %1"),
                server_text,
            ),
            request_id=request_id,
        )
    if isinstance(e, openai.RateLimitError):
        return _by_code(code, param, server_text, request_id, retry_after=_retry_after(e)) or _rate_limited(
            request_id, _retry_after(e)
        )
    if isinstance(e, openai.BadRequestError):
        known = _by_code(code, param, server_text, request_id)
        if known is not None:
            return known
        if param == "model":  # retired or unknown models answer 400 invalid_value
            template = QT_TRANSLATE_NOOP("CoreMessages", "The server does not offer this model: %1")
            return errors.ModelNotFound(fill(template, server_text), request_id=request_id)
        template = QT_TRANSLATE_NOOP("CoreMessages", "The server refused the request: %1")
        return errors.BadRequest(fill(template, server_text), request_id=request_id)
    if isinstance(e, openai.InternalServerError):
        return _server_error(getattr(e, "status_code", 500), request_id)
    if isinstance(e, openai.APITimeoutError):
        return errors.NetworkError(
            QT_TRANSLATE_NOOP("CoreMessages", "The request timed out. Check your connection and try again.")
        )
    if isinstance(e, openai.APIConnectionError):
        return errors.NetworkError(
            QT_TRANSLATE_NOOP("CoreMessages", "Could not reach the image service. Check your network connection.")
        )
    if isinstance(e, openai.APIStatusError):
        status = e.status_code
        if status in (408, 409):  # the SDK retries these too: a timeout or conflict on the server's side
            template = QT_TRANSLATE_NOOP("CoreMessages", "The server could not finish the request in time (%1).")
            return errors.ServerError(fill(template, status), request_id=request_id)
        known = _by_code(code, param, server_text, request_id, retry_after=_retry_after(e))
        if known is not None:
            return known
        return errors.ProviderError(
            fill(
                QT_TRANSLATE_NOOP("CoreMessages", "The server answered with an error (%1): %2"),
                status,
                server_text,
            ),
            request_id=request_id,
        )
    if isinstance(e, openai.APIError) and not isinstance(e, openai.APIResponseValidationError):
        # an `error` event inside a stream: the HTTP status was 200, the body says what went wrong
        known = _by_code(code, param, server_text, request_id)
        if known is not None:
            return known
        template = QT_TRANSLATE_NOOP("CoreMessages", "The image service reported an error while sending: %1")
        return errors.ServerError(fill(template, server_text or code or "?"), request_id=request_id)
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


def stream_error(code: object, message: object, param: object = None) -> errors.ImageStudioError:
    """An ``error`` event the SDK passed through as an event (a Responses-style body without a nested ``error``)."""
    text = str(message or "")[:300]
    code_text, param_text = (code if isinstance(code, str) else None), (param if isinstance(param, str) else None)
    known = _by_code(code_text, param_text, text, None)
    if known is not None:
        return known
    template = QT_TRANSLATE_NOOP("CoreMessages", "The image service reported an error while sending: %1")
    return errors.ServerError(fill(template, text or code_text or "?"))


def _by_code(
    code: str | None, param: str | None, text: str, request_id: str | None, *, retry_after: float | None = None
) -> errors.ImageStudioError | None:
    """The error codes the images API documents, whatever the status (or none: a stream's error event)."""
    if code == "moderation_blocked" or "content_policy" in (code or ""):
        return errors.ModerationBlocked(
            QT_TRANSLATE_NOOP(
                "CoreMessages", "The safety system refused this request. Rephrase the prompt and try again."
            ),
            request_id=request_id,
        )
    if code == "insufficient_quota" or "quota" in (code or ""):
        return errors.QuotaExceeded(
            QT_TRANSLATE_NOOP(
                "CoreMessages",
                "Your OpenAI account has no credit left (insufficient_quota). Add credit in the billing settings.",
            ),
            request_id=request_id,
        )
    if code in ("rate_limit_exceeded", "rate_limit"):
        return _rate_limited(request_id, retry_after)
    if code in ("server_error", "server_overloaded", "internal_error"):
        return _server_error(code, request_id)
    if code in _PARAM_CODES and param and param != "model":
        template = QT_TRANSLATE_NOOP("CoreMessages", "The server does not accept the option '%1' here: %2")
        return errors.BadRequest(fill(template, param, text), request_id=request_id)
    return None


def _forbidden(text: str, param: str | None, request_id: str | None) -> errors.ImageStudioError:
    lowered = text.lower()
    fmt = next((f for f in ("gif", "svg") if f"'{f}'" in lowered), None)
    if param == "output_format" or fmt:
        template = QT_TRANSLATE_NOOP(
            "CoreMessages",
            "Your account has no access to %1 output yet (a limited preview). Choose PNG, JPEG or WebP instead.",
        )
        return errors.PermissionDenied(fill(template, (fmt or "this").upper()), request_id=request_id)
    if "verif" in lowered and "organization" in lowered:
        return errors.PermissionDenied(
            QT_TRANSLATE_NOOP(
                "CoreMessages",
                "Your OpenAI organization must be verified to use this model. Open platform.openai.com → Settings → "
                "Organization → General and choose Verify Organization; access can take up to 15 minutes to arrive.",
            ),
            request_id=request_id,
        )
    if "preview" in lowered:
        template = QT_TRANSLATE_NOOP(
            "CoreMessages",
            "This option (%1) is a limited preview your account cannot use yet. Turn it off and try again.",
        )
        return errors.PermissionDenied(fill(template, param or text), request_id=request_id)
    return errors.PermissionDenied(
        fill(QT_TRANSLATE_NOOP("CoreMessages", "This key or account may not do that (403): %1"), text),
        request_id=request_id,
    )


def _rate_limited(request_id: str | None, retry_after: float | None) -> errors.RateLimited:
    text = (
        fill(QT_TRANSLATE_NOOP("CoreMessages", "Too many requests (429). Try again in %1 s."), f"{retry_after:.0f}")
        if retry_after
        else QT_TRANSLATE_NOOP("CoreMessages", "Too many requests (429). Try again shortly.")
    )
    return errors.RateLimited(text, retry_after=retry_after, request_id=request_id)


def _server_error(status: object, request_id: str | None) -> errors.ServerError:
    template = QT_TRANSLATE_NOOP("CoreMessages", "The image service had an internal error (%1). Try again later.")
    return errors.ServerError(fill(template, status), request_id=request_id)


def _retry_after(e: Exception) -> float | None:
    """``retry-after-ms``, else ``retry-after`` in seconds or as an HTTP date (against the answer's ``Date``)."""
    response = getattr(e, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            seconds = float(ms) / 1000
            return seconds if 0 <= seconds < 1e7 else None
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            seconds = float(value)
        except ValueError:
            when, now = parsedate_to_datetime(value), parsedate_to_datetime(headers.get("date") or "")
            seconds = max(0.0, (when - now).total_seconds())
        return seconds if 0 <= seconds < 1e7 else None
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _possibly_charged(e: Exception) -> bool:
    """A failure after the request was sent and before a usable answer arrived: it may have been billed."""
    import openai

    if isinstance(e, json.JSONDecodeError | UnicodeDecodeError | openai.APIResponseValidationError):
        return True  # a 2xx whose body broke
    if isinstance(e, openai.APITimeoutError | openai.APIConnectionError):
        cause = e.__cause__ or e.__context__
        return cause is None or type(cause).__name__ not in _NOT_SENT
    return _is_transport_error(e) and type(e).__name__ not in _NOT_SENT


def _is_transport_error(e: Exception) -> bool:
    module = type(e).__module__ or ""
    return module.split(".")[0] in ("httpx", "httpx2", "httpcore", "h11") or isinstance(e, ConnectionError)
