"""One error hierarchy. Each error carries a short human message fit for a status bar or stderr.

Messages never contain secrets: providers build them from error codes and status numbers, never from
request objects or headers.
"""

from __future__ import annotations


class ImageStudioError(Exception):
    """Base of every error the app shows to a person."""

    #: Whether trying the same request again later could succeed.
    retryable: bool = False
    #: The request may have been billed although no image came of it (a 2xx answer cut off, a timeout after the
    #: request was sent): the ledger records it and the queue retries it at most once on its own.
    possibly_charged: bool = False
    #: The answer this error came with is already in the ledger with its own usage (a ``url`` that could not be
    #: downloaded): no second, estimated line for it.
    in_ledger: bool = False

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        return self.message


class InvalidRequest(ImageStudioError):
    """The request breaks a rule of the chosen model (checked before anything is sent)."""


class ConfigError(ImageStudioError):
    """A settings file or resource could not be used."""


class NoApiKey(ImageStudioError):
    """No key is configured for a provider that needs one."""


class SecretStoreUnavailable(ImageStudioError):
    """No secure OS keyring is available; keys can only be kept for this session."""


class ProviderError(ImageStudioError):
    """Anything that went wrong talking to an image provider."""


class AuthError(ProviderError):
    pass


class PermissionDenied(ProviderError):
    pass


class ModelNotFound(ProviderError):
    pass


class QuotaExceeded(ProviderError):
    """No credit left (429 insufficient_quota): retrying cannot help."""


class RateLimited(ProviderError):
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, request_id: str | None = None) -> None:
        super().__init__(message, request_id=request_id)
        self.retry_after = retry_after


class ModerationBlocked(ProviderError):
    pass


class BadRequest(ProviderError):
    pass


class ServerError(ProviderError):
    retryable = True


class NetworkError(ProviderError):
    retryable = True


class BadResponse(ProviderError):
    """The server answered (2xx) with something that is not a valid image response: it may have been billed."""

    retryable = True
    possibly_charged = True


class ImageDecodeError(ImageStudioError):
    """Bytes that should be an image are not one we can use."""
