"""OpenAI's Files and Batches endpoints on the loopback simulator (tests/simulator.py), for the Batch API tests.

Shapes follow the SDK's types (``FileObject``, ``Batch``, cursor pages) and OpenAI's batch guide: an input file
uploaded with ``purpose=batch`` (JSONL: ``custom_id``, ``method``, ``url``, ``body``; at most 50,000 lines and
200 MB; ``custom_id`` unique), ``batches.create(completion_window="24h")``; output and error files (purpose
``batch_output``) with ``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}`` lines.
Each line is answered by the simulator's own image validation and renderer, as the synchronous endpoint would.

Progress is driven by the test, never by the wall clock: ``advance(batch_id)`` takes one step (validating →
in_progress → finalizing → completed), ``run_lines(batch_id, k)`` runs k lines, ``expire``; with ``auto_steps=k``
each ``batches.retrieve`` takes k steps (for a CLI in another process). The service's clock (``now``) is the test's.
Fault switches: ``fail_next(op, status)`` answers an operation with an error, ``drop_after_effect(op)`` does it
and then closes the connection without an answer (the client cannot know it happened).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests import simulator as sim_module
from tests.simulator import ApiError, OpenAISimulator

ENDPOINTS = ("/v1/images/generations", "/v1/images/edits")
MAX_LINES = 50_000
MAX_BYTES = 200 * 1024 * 1024
WINDOW_S = 24 * 3600
OPS = ("upload", "list_files", "content", "create", "retrieve", "list_batches", "cancel")


@dataclass
class StoredFile:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int

    def object(self) -> dict[str, Any]:
        return {
            "id": self.id, "object": "file", "bytes": len(self.data), "created_at": self.created_at,
            "filename": self.filename, "purpose": self.purpose, "status": "processed", "expires_at": None,
            "status_details": None,
        }  # fmt: skip


@dataclass
class SimBatch:
    id: str
    input_file_id: str
    endpoint: str
    created_at: int
    metadata: dict[str, str] | None
    status: str = "validating"
    lines: list[dict[str, Any]] = field(default_factory=list)
    done: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (custom_id, output line) — ok
    errors: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # failed lines
    problems: list[dict[str, Any]] = field(default_factory=list)  # validation errors (batch failed)
    stamps: dict[str, int] = field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None

    @property
    def ran(self) -> int:
        return len(self.done) + len(self.errors)

    def object(self) -> dict[str, Any]:
        return {
            "id": self.id, "object": "batch", "endpoint": self.endpoint,
            "errors": {"object": "list", "data": self.problems} if self.problems else None,
            "input_file_id": self.input_file_id, "completion_window": "24h", "status": self.status,
            "output_file_id": self.output_file_id, "error_file_id": self.error_file_id,
            "created_at": self.created_at, "expires_at": self.created_at + WINDOW_S,
            **{f"{k}_at": self.stamps.get(k) for k in (
                "in_progress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled")},
            "request_counts": {"total": len(self.lines), "completed": len(self.done), "failed": len(self.errors)},
            "metadata": self.metadata,
        }  # fmt: skip


class BatchService:
    def __init__(self, sim: OpenAISimulator, *, auto_steps: int = 0, now: int = 1_796_000_000) -> None:
        self.sim = sim
        self.auto_steps = auto_steps
        self.now = now
        self.files: dict[str, StoredFile] = {}
        self.batches: dict[str, SimBatch] = {}
        self.calls: dict[str, int] = dict.fromkeys(OPS, 0)
        self.expired_lines_in_error_file = False
        self._faults: deque[tuple[str, str, int]] = deque()  # (op, "status" | "drop", status)
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        route = re.compile
        sim._routes[:0] = [
            ("POST", route(r"/v1/files"), self._upload, False),
            ("GET", route(r"/v1/files"), self._list_files, False),
            ("GET", route(r"/v1/files/([^/]+)/content"), self._content, False),
            ("GET", route(r"/v1/files/([^/]+)"), self._file, False),
            ("POST", route(r"/v1/batches"), self._create, False),
            ("GET", route(r"/v1/batches"), self._list_batches, False),
            ("GET", route(r"/v1/batches/([^/]+)"), self._retrieve, False),
            ("POST", route(r"/v1/batches/([^/]+)/cancel"), self._cancel, False),
        ]

    # -- test controls ---------------------------------------------------------------------------------
    def fail_next(self, op: str, status: int = 500, times: int = 1) -> None:
        assert op in OPS
        with self._lock:
            self._faults.extend([(op, "status", status)] * times)

    def drop_after_effect(self, op: str) -> None:
        """The next ``op`` takes effect (the file stored, the batch created) but its answer never arrives."""
        assert op in OPS
        with self._lock:
            self._faults.append((op, "drop", 0))

    def advance(self, batch_id: str | None = None, steps: int = 1) -> None:
        with self._lock:
            for b in [self.batches[batch_id]] if batch_id else list(self.batches.values()):
                for _ in range(steps):
                    self._step(b)

    def run_lines(self, batch_id: str, count: int) -> None:
        with self._lock:
            b = self.batches[batch_id]
            if b.status == "in_progress":
                for line in b.lines[b.ran : b.ran + count]:
                    self._run_line(b, line)

    def expire(self, batch_id: str) -> None:
        with self._lock:
            b = self.batches[batch_id]
            if b.status in ("validating", "in_progress", "finalizing"):
                self._finish(b, "expired")

    def only_batch(self) -> SimBatch:
        assert len(self.batches) == 1, list(self.batches)
        return next(iter(self.batches.values()))

    # -- processing ------------------------------------------------------------------------------------
    def _step(self, b: SimBatch) -> None:
        if b.status == "validating":
            self._validate(b)
        elif b.status == "in_progress":
            for line in b.lines[b.ran :]:
                self._run_line(b, line)
            b.status = "finalizing"
            b.stamps["finalizing"] = self.now
        elif b.status == "finalizing":
            self._finish(b, "completed")
        elif b.status == "cancelling":
            self._finish(b, "cancelled")

    def _validate(self, b: SimBatch) -> None:
        data = self.files[b.input_file_id].data
        seen: set[str] = set()
        for number, raw in enumerate(data.splitlines(), start=1):
            try:
                line = json.loads(raw)
                cid, url, body = line["custom_id"], line["url"], line["body"]
                ok = isinstance(cid, str) and line.get("method") == "POST" and isinstance(body, dict)
            except (ValueError, KeyError, TypeError):
                ok, cid, url = False, None, None
            if not ok:
                b.problems.append({"code": "invalid_json_line", "message": "This line is not a valid request.",
                                   "param": None, "line": number})  # fmt: skip
            elif url != b.endpoint:
                message = f"The url {url} does not match the batch endpoint {b.endpoint}."
                b.problems.append({"code": "mismatched_endpoint", "param": "url", "line": number, "message": message})
            elif cid in seen or len(cid) > 64:
                b.problems.append({"code": "duplicate_custom_id", "param": "custom_id", "line": number,
                                   "message": "The custom_id must be unique and at most 64 characters."})  # fmt: skip
            else:
                seen.add(cid)
                b.lines.append(line)
        if len(b.lines) > MAX_LINES or len(data) > MAX_BYTES:
            b.problems.append({"code": "too_large", "message": "The input file is too large.", "param": None,
                               "line": None})  # fmt: skip
        if b.problems or not b.lines:
            b.status = "failed"
            b.stamps["failed"] = self.now
        else:
            b.status = "in_progress"
            b.stamps["in_progress"] = self.now

    def _run_line(self, b: SimBatch, line: dict[str, Any]) -> None:
        request_id = f"req_{secrets.token_hex(12)}"
        out: dict[str, Any] = {"id": f"batch_req_{secrets.token_hex(12)}", "custom_id": line["custom_id"]}
        try:
            body = self._answer(b.endpoint, dict(line["body"]))
        except ApiError as e:
            out |= {"response": {"status_code": e.status, "request_id": request_id, "body": e.body()}, "error": None}
            b.errors.append((line["custom_id"], out))
            return
        out |= {"response": {"status_code": 200, "request_id": request_id, "body": body}, "error": None}
        b.done.append((line["custom_id"], out))

    def _answer(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        sim = self.sim
        if body.get("stream"):
            raise ApiError(400, "Streaming is not supported in the Batch API.", param="stream")
        if endpoint.endswith("generations"):
            job = sim._validate_image_request(body, "image_generation", sim_module._GENERATION_PARAMS)
        else:
            files: dict[str, list[tuple[str, str, bytes]]] = {}
            images = body.pop("images", None)
            if not isinstance(images, list) or not images:
                raise ApiError(400, "Missing required parameter: 'images'.", param="images")
            files["image[]"] = [_from_url(item, f"images[{i}]") for i, item in enumerate(images)]
            for name in ("mask", "markup"):
                if name in body:
                    files[name] = [_from_url(body.pop(name), name)]
            body |= {"image": True, **{k: True for k in files if k != "image[]"}}
            job = sim._validate_image_request(body, "image_edit", sim_module._EDIT_PARAMS)
            job.input_images = sim._validate_edit_files(files, job.model)
            if body.get("size") in (None, "auto"):
                job.width, job.height = sim_module._auto_edit_size(job.input_images[0])
        return {
            "created": self.now, "background": job.background, "output_format": job.output_format,
            "quality": job.quality, "size": job.size, "usage": sim_module._usage(job, job.n),
            "data": [{"b64_json": sim._encode(job, i)} for i in range(job.n)],
        }  # fmt: skip

    def _finish(self, b: SimBatch, status: str) -> None:
        if status == "expired" and self.expired_lines_in_error_file:
            for line in b.lines[b.ran :]:
                out = {"id": f"batch_req_{secrets.token_hex(12)}", "custom_id": line["custom_id"], "response": None,
                       "error": {"code": "batch_expired", "message": "This request could not be executed before the "
                                 "completion window expired."}}  # fmt: skip
                b.errors.append((line["custom_id"], out))
        if b.done:
            b.output_file_id = self._store("batch_output", f"{b.id}_output.jsonl", b.done)
        if b.errors:
            b.error_file_id = self._store("batch_output", f"{b.id}_error.jsonl", b.errors)
        b.status = status
        b.stamps[status] = self.now

    def _store(self, purpose: str, name: str, lines: list[tuple[str, dict[str, Any]]]) -> str:
        data = b"".join(json.dumps(out).encode() + b"\n" for _cid, out in lines)
        file_id = f"file-{secrets.token_hex(12)}"
        self.files[file_id] = StoredFile(file_id, name, purpose, data, self.now)
        return file_id

    # -- routes ----------------------------------------------------------------------------------------
    def _fault(self, op: str, exchange: Any) -> str | None:
        with self._lock:
            self.calls[op] += 1
            if self._faults and self._faults[0][0] == op:
                _op, kind, status = self._faults.popleft()
                if kind == "status":
                    raise ApiError(
                        status, "The server had an error while processing your request.", type="server_error"
                    )
                return "drop"
        return None

    @staticmethod
    def _send(exchange: Any, fault: str | None, payload: object) -> None:
        if fault == "drop":
            exchange.close_abruptly()
        else:
            exchange.send_json(200, payload)

    def _upload(self, exchange: Any, _args: tuple[str, ...]) -> None:
        fault = self._fault("upload", exchange)
        request = exchange.request
        form, files = request.form or {}, request.files or {}
        if "file" not in files:
            raise ApiError(400, "Missing required parameter: 'file'.", param="file")
        purpose = (form.get("purpose") or [""])[-1]
        if purpose not in ("batch", "assistants", "fine-tune", "vision", "user_data"):
            raise ApiError(400, f"Invalid value for 'purpose': {purpose!r}.", param="purpose")
        name, _mime, data = files["file"][-1]
        if purpose == "batch" and len(data) > MAX_BYTES:
            raise ApiError(400, "File is too large for a batch (200 MB).", param="file")
        with self._lock:
            file_id = f"file-{secrets.token_hex(12)}"
            self.files[file_id] = StoredFile(file_id, name, purpose, data, self.now + next(self._ids))
            payload = self.files[file_id].object()
        self._send(exchange, fault, payload)

    def _page(self, exchange: Any, items: list[dict[str, Any]]) -> None:
        query = parse_qs(urlsplit(exchange.handler.path).query)
        limit = int((query.get("limit") or ["20"])[-1])
        after = (query.get("after") or [None])[-1]
        if after is not None:
            ids = [item["id"] for item in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        page = items[:limit]
        exchange.send_json(200, {
            "object": "list", "data": page, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None, "has_more": len(items) > limit,
        })  # fmt: skip

    def _list_files(self, exchange: Any, _args: tuple[str, ...]) -> None:
        self._fault("list_files", exchange)
        purpose = (parse_qs(urlsplit(exchange.handler.path).query).get("purpose") or [None])[-1]
        with self._lock:
            found = [f for f in self.files.values() if purpose is None or f.purpose == purpose]
            items = [f.object() for f in sorted(found, key=lambda f: f.created_at, reverse=True)]
        self._page(exchange, items)

    def _file(self, exchange: Any, args: tuple[str, ...]) -> None:
        with self._lock:
            found = self.files.get(args[0])
        if found is None:
            raise ApiError(404, f"No such File object: {args[0]}", param="id")
        exchange.send_json(200, found.object())

    def _content(self, exchange: Any, args: tuple[str, ...]) -> None:
        fault = self._fault("content", exchange)
        with self._lock:
            found = self.files.get(args[0])
        if found is None:
            raise ApiError(404, f"No such File object: {args[0]}", param="id")
        if fault == "drop":
            exchange.close_abruptly()
            return
        exchange.send_raw(200, found.data, "application/octet-stream")

    def _create(self, exchange: Any, _args: tuple[str, ...]) -> None:
        fault = self._fault("create", exchange)
        body = exchange.request.json or {}
        if body.get("completion_window") != "24h":
            raise ApiError(400, "Invalid value for 'completion_window': only '24h' is supported.",
                           param="completion_window")  # fmt: skip
        if body.get("endpoint") not in ENDPOINTS:
            raise ApiError(400, f"Invalid value for 'endpoint': {body.get('endpoint')!r}.", param="endpoint")
        with self._lock:
            source = self.files.get(str(body.get("input_file_id")))
            if source is None or source.purpose != "batch":
                raise ApiError(400, "The input file must be uploaded with purpose 'batch'.", param="input_file_id")
            batch_id = f"batch_{secrets.token_hex(12)}"
            metadata = body.get("metadata")
            b = SimBatch(batch_id, source.id, str(body["endpoint"]), self.now + next(self._ids), metadata)
            self.batches[batch_id] = b
            payload = b.object()
        self._send(exchange, fault, payload)

    def _list_batches(self, exchange: Any, _args: tuple[str, ...]) -> None:
        self._fault("list_batches", exchange)
        with self._lock:
            items = [b.object() for b in sorted(self.batches.values(), key=lambda b: b.created_at, reverse=True)]
        self._page(exchange, items)

    def _retrieve(self, exchange: Any, args: tuple[str, ...]) -> None:
        fault = self._fault("retrieve", exchange)
        with self._lock:
            b = self.batches.get(args[0])
            if b is None:
                raise ApiError(404, f"No batch found with id '{args[0]}'.", param="batch_id")
            for _ in range(self.auto_steps):
                self._step(b)
            payload = b.object()
        self._send(exchange, fault, payload)

    def _cancel(self, exchange: Any, args: tuple[str, ...]) -> None:
        fault = self._fault("cancel", exchange)
        with self._lock:
            b = self.batches.get(args[0])
            if b is None:
                raise ApiError(404, f"No batch found with id '{args[0]}'.", param="batch_id")
            if b.status in ("validating", "in_progress", "finalizing"):
                b.status = "cancelling"
                b.stamps["cancelling"] = self.now
            payload = b.object()
        self._send(exchange, fault, payload)


def _from_url(item: object, name: str) -> tuple[str, str, bytes]:
    url = item.get("image_url") if isinstance(item, dict) else None
    if not isinstance(url, str) or not url.startswith("data:") or ";base64," not in url:
        raise ApiError(400, f"Invalid '{name}': expected an object with an image_url data URL.", param=name)
    head, _, b64 = url.partition(";base64,")
    return (name, head.removeprefix("data:"), base64.b64decode(b64))
