"""The Batch API's file formats (core/batch/runner.py sends and reads them; no SQL, no HTTP).

Input: one JSON line per job, ``{"custom_id", "method": "POST", "url": "/v1/images/generations" | "/v1/images/edits",
"body": {…}}``; the body is the request's JSON body without streaming (a batch has no previews); an edit carries its
input images, mask and markup as ``data:`` URLs (``images: [{"image_url": …}]``, ``mask: {"image_url": …}``).
Output and error files: one line per request, ``{"id", "custom_id", "response": {"status_code", "request_id",
"body"} | null, "error": {"code", "message"} | null}``. Limits (OpenAI's batch docs, the SDK's
``BatchCreateParams``): 50,000 lines and 200 MB per input file; ``custom_id`` is at most 64 characters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from imagestudio.core import errors
from imagestudio.core.money.pricing import parse_usage
from imagestudio.core.providers.openai_errors import stream_error
from imagestudio.core.queue.jobs import AnyRequest
from imagestudio.core.types import EditRequest, GeneratedImage, GenerationResult

ENDPOINTS = {"generate": "/v1/images/generations", "edit": "/v1/images/edits"}
MAX_LINES = 50_000
MAX_FILE_BYTES = 200 * 1000 * 1000  # the API's 200 MB, counted in decimal megabytes to stay below either reading
COMPLETION_WINDOW = "24h"
WINDOW_S = 24 * 3600
#: error-file codes of lines the batch never ran (not charged): their jobs wait to be sent again
NEVER_RAN = ("batch_expired", "batch_cancelled")
_CUSTOM_ID = re.compile(r"^imagestudio-(\d{1,15})-(\d{1,6})$")


def custom_id(job_id: int, attempt: int) -> str:
    """Stable for one attempt of one job: the same line written again after a crash has the same id."""
    return f"imagestudio-{job_id}-{attempt}"


def parse_custom_id(text: object) -> tuple[int, int] | None:
    m = _CUSTOM_ID.match(text) if isinstance(text, str) else None
    return (int(m.group(1)), int(m.group(2))) if m else None


def _data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def line_body(kind: str, request: AnyRequest) -> dict[str, Any]:
    """The JSON body of one batch line (reads an edit's files: call it off the GUI thread)."""
    body = request.api_params()
    body.pop("stream", None)
    body.pop("partial_images", None)
    if kind == "edit":
        from imagestudio.core.masks import load_edit_uploads  # Pillow: only when an edit is written

        assert isinstance(request, EditRequest)
        uploads = load_edit_uploads(request)
        body["images"] = [{"image_url": _data_url(u.data, u.mime)} for u in uploads.images]
        if uploads.mask is not None:
            body["mask"] = {"image_url": _data_url(uploads.mask.data, uploads.mask.mime)}
        if uploads.markup is not None:
            body["markup"] = {"image_url": _data_url(uploads.markup.data, uploads.markup.mime)}
    return body


def request_line(cid: str, kind: str, request: AnyRequest) -> bytes:
    line = {"custom_id": cid, "method": "POST", "url": ENDPOINTS[kind], "body": line_body(kind, request)}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


@dataclass(frozen=True, slots=True)
class Written:
    """What ``write_input`` put in the file: the lines (custom id, job id), their jobs that could not be sent."""

    lines: list[tuple[str, int]]
    refused: list[tuple[int, str]]  # (job id, why) — e.g. an input image that can no longer be read
    sha256: str
    size: int


def write_input(
    out: IO[bytes], jobs: Iterable[tuple[int, str, AnyRequest]], *, max_bytes: int = MAX_FILE_BYTES
) -> Written:
    """Write ``(custom_id, job id, kind, request)`` lines while they fit the API's limits; hash as it goes."""
    digest = hashlib.sha256()
    lines: list[tuple[str, int]] = []
    refused: list[tuple[int, str]] = []
    size = 0
    for job_id, cid, request in jobs:
        kind = "edit" if isinstance(request, EditRequest) else "generate"
        try:
            line = request_line(cid, kind, request)
        except errors.ImageStudioError as e:
            refused.append((job_id, e.message))
            continue
        if len(line) > max_bytes:
            refused.append((job_id, "Too large for the Batch API (its input file holds at most 200 MB)."))
            continue
        if size + len(line) > max_bytes or len(lines) >= MAX_LINES:
            break
        out.write(line)
        digest.update(line)
        size += len(line)
        lines.append((cid, job_id))
    return Written(lines, refused, digest.hexdigest(), size)


def write_input_file(path: Path, jobs: Iterable[tuple[int, str, AnyRequest]]) -> Written:
    """``write_input`` into a new file, flushed to disk before the batch that names it is recorded."""
    with path.open("xb") as out:
        written = write_input(out, jobs)
        out.flush()
        os.fsync(out.fileno())
    return written


@dataclass(frozen=True, slots=True)
class ResultLine:
    """One line of an output or error file."""

    custom_id: str
    ok: bool
    body: dict[str, Any] | None  # the images response (ok) or None
    request_id: str | None
    error: errors.ImageStudioError | None  # what went wrong (not ok), the API's message
    code: str | None = None  # the API's error code (``batch_expired``: the request never ran)

    @property
    def never_ran(self) -> bool:
        return self.code in NEVER_RAN


def read_results(path: Path) -> Iterator[ResultLine]:
    """Stream a downloaded output/error file line by line (a damaged line is skipped, never fatal)."""
    with path.open("rb") as f:
        for raw in f:
            found = parse_result_line(raw)
            if found is not None:
                yield found


def parse_result_line(raw: bytes) -> ResultLine | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("custom_id"), str):
        return None
    cid = data["custom_id"]
    response = data.get("response") if isinstance(data.get("response"), dict) else None
    body = response.get("body") if response is not None and isinstance(response.get("body"), dict) else None
    request_id = response.get("request_id") if response is not None else None
    request_id = request_id if isinstance(request_id, str) else None
    status = response.get("status_code") if response is not None else None
    if status == 200 and body is not None and isinstance(body.get("data"), list):
        return ResultLine(cid, True, body, request_id, None)
    problem = data.get("error") if isinstance(data.get("error"), dict) else None
    if problem is None and body is not None and isinstance(body.get("error"), dict):
        problem = body["error"]
    problem = problem or {}
    message = problem.get("message") or f"The Batch API could not run this request (status {status})."
    code = problem.get("code") if isinstance(problem.get("code"), str) else None
    return ResultLine(cid, False, None, request_id, stream_error(code, message, problem.get("param")), code)


def result_from_body(
    body: dict[str, Any], request: AnyRequest, provider: str, request_id: str | None
) -> GenerationResult:
    """An images response (as in a batch output line) → a result: bytes exactly as sent, usage as reported."""
    images: list[GeneratedImage] = []
    fmt = body.get("output_format") if isinstance(body.get("output_format"), str) else request.output_format
    for item in body.get("data") or []:
        b64 = item.get("b64_json") if isinstance(item, dict) else None
        if not isinstance(b64, str) or not b64:
            raise errors.BadResponse("The batch's answer held an entry without image data.")
        try:
            images.append(GeneratedImage(base64.b64decode(b64, validate=True), str(fmt)))
        except (binascii.Error, ValueError):
            raise errors.BadResponse("The batch's answer held image data that is not valid base64.") from None
    meta: dict[str, Any] = {
        k: body[k] for k in ("size", "quality", "background", "output_format", "created") if k in body
    }
    return GenerationResult(
        images=tuple(images),
        provider=provider,
        model=request.model,
        usage=parse_usage(body.get("usage"), body.get("svg_usage")),
        request_id=request_id,
        response_meta={**meta, "batch_api": True},
    )


def file_name(sha256: str) -> str:
    """The name the input file is uploaded under: found again by it after a crash during the upload."""
    return f"imagestudio-batch-{sha256[:32]}.jsonl"
