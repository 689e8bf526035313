"""OpenAI's Files and Batches endpoints for core/batch/runner.py, over the official SDK's synchronous client.

Every method blocks (the runner calls them with ``asyncio.to_thread``: uploads, polls and downloads never run on
the GUI thread). SDK retries are off: an upload or a ``batches.create`` repeated blindly could submit a paid batch
twice, so the runner decides, and finds what a call that broke half-way may have done (``find_file``,
``find_batch``) before doing it again. ``openai`` is imported when the first client is built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from imagestudio.core import errors
from imagestudio.core.providers.openai_errors import translate_exception

if TYPE_CHECKING:
    from openai import OpenAI

#: batches and files looked through when finding what an interrupted call did (newest first)
SCAN_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class BatchStatus:
    """What the API says about one batch (the SDK's ``Batch``, the fields the runner reads)."""

    id: str
    status: str  # validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled
    input_file_id: str
    completed: int = 0
    failed: int = 0
    total: int = 0
    expires_at: float | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: str | None = None  # why a batch failed as a whole (validation), the API's words

    @property
    def ended(self) -> bool:
        return self.status in ("completed", "failed", "expired", "cancelled")


class BatchApi(Protocol):
    def upload(self, path: Path, name: str) -> str: ...
    def find_file(self, name: str, size: int) -> str | None: ...
    def create(self, input_file_id: str, endpoint: str, metadata: dict[str, str]) -> BatchStatus: ...
    def find_batch(self, input_file_id: str) -> BatchStatus | None: ...
    def retrieve(self, batch_id: str) -> BatchStatus: ...
    def cancel(self, batch_id: str) -> BatchStatus: ...
    def download(self, file_id: str, dest: Path) -> None: ...
    def close(self) -> None: ...


def _status(b: Any) -> BatchStatus:
    counts = getattr(b, "request_counts", None)
    problems = getattr(getattr(b, "errors", None), "data", None) or []
    text = "; ".join(str(getattr(p, "message", "") or getattr(p, "code", "")) for p in problems)[:500]
    return BatchStatus(
        id=str(b.id),
        status=str(b.status),
        input_file_id=str(b.input_file_id),
        completed=int(getattr(counts, "completed", 0) or 0),
        failed=int(getattr(counts, "failed", 0) or 0),
        total=int(getattr(counts, "total", 0) or 0),
        expires_at=float(b.expires_at) if getattr(b, "expires_at", None) else None,
        output_file_id=getattr(b, "output_file_id", None) or None,
        error_file_id=getattr(b, "error_file_id", None) or None,
        errors=text or None,
    )


class OpenAIBatchApi:
    def __init__(
        self, *, api_key: str, base_url: str | None, timeout: float, azure: dict[str, str] | None = None
    ) -> None:
        self._api_key = api_key
        self._base_url = base_url
        self._timeout = timeout
        self._azure = azure
        self._client: OpenAI | None = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIBatchApi(base_url={self._base_url!r})"

    def _get(self) -> OpenAI:
        if self._client is None:
            if self._azure:
                from openai import AzureOpenAI

                self._client = AzureOpenAI(
                    api_key=self._api_key,
                    azure_endpoint=self._azure["endpoint"],
                    api_version=self._azure["api_version"],
                    max_retries=0,
                    timeout=self._timeout,
                )
            else:
                from openai import OpenAI

                self._client = OpenAI(
                    api_key=self._api_key, base_url=self._base_url, max_retries=0, timeout=self._timeout
                )
        return self._client

    def _fail(self, e: Exception) -> errors.ImageStudioError:
        return translate_exception(e, secret=self._api_key)

    def upload(self, path: Path, name: str) -> str:
        try:
            with path.open("rb") as f:
                return str(self._get().files.create(file=(name, f, "application/jsonl"), purpose="batch").id)
        except OSError as e:
            raise errors.ImageStudioError(f"Cannot read the batch file: {e.strerror or type(e).__name__}") from None
        except Exception as e:
            raise self._fail(e) from None

    def find_file(self, name: str, size: int) -> str | None:
        """An input file uploaded before a crash (its name holds the content's hash)."""
        try:
            for i, f in enumerate(self._get().files.list(purpose="batch", limit=100)):
                if f.filename == name and int(f.bytes) == size:
                    return str(f.id)
                if i >= SCAN_LIMIT:
                    break
        except Exception as e:
            raise self._fail(e) from None
        return None

    def create(self, input_file_id: str, endpoint: str, metadata: dict[str, str]) -> BatchStatus:
        try:
            batch = self._get().batches.create(
                input_file_id=input_file_id,
                endpoint=endpoint,  # type: ignore[arg-type]
                completion_window="24h",
                metadata=metadata,
            )
        except Exception as e:
            raise self._fail(e) from None
        return _status(batch)

    def find_batch(self, input_file_id: str) -> BatchStatus | None:
        """A batch created from this upload before a crash (one upload is never submitted twice)."""
        try:
            for i, b in enumerate(self._get().batches.list(limit=100)):
                if b.input_file_id == input_file_id:
                    return _status(b)
                if i >= SCAN_LIMIT:
                    break
        except Exception as e:
            raise self._fail(e) from None
        return None

    def retrieve(self, batch_id: str) -> BatchStatus:
        try:
            return _status(self._get().batches.retrieve(batch_id))
        except Exception as e:
            raise self._fail(e) from None

    def cancel(self, batch_id: str) -> BatchStatus:
        try:
            return _status(self._get().batches.cancel(batch_id))
        except Exception as e:
            raise self._fail(e) from None

    def download(self, file_id: str, dest: Path) -> None:
        """The file's content, streamed to ``dest`` (written whole or not at all)."""
        part = dest.with_name(f".part-{dest.name}-{os.getpid()}")
        try:
            with self._get().files.with_streaming_response.content(file_id) as response, part.open("wb") as out:
                for chunk in response.iter_bytes(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, dest)
        except OSError as e:
            raise errors.ImageStudioError(
                f"Cannot save the batch's results: {e.strerror or type(e).__name__}"
            ) from None
        except Exception as e:
            raise self._fail(e) from None
        finally:
            part.unlink(missing_ok=True)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def batch_api_of(provider: object) -> BatchApi | None:
    """The Batch API of a job's provider (through the metering wrapper), on a client of its own, with the same
    key, server and timeout; None when it has none (the demo)."""
    from imagestudio.core.providers.openai_provider import OpenAIProvider

    inner = getattr(provider, "inner", provider)
    if not isinstance(inner, OpenAIProvider):
        return None
    return OpenAIBatchApi(api_key=inner._api_key, base_url=inner._base_url, timeout=inner._timeout, azure=inner._azure)
