"""A hostile OpenAI-compatible server on loopback: answers built to hang, flood, echo secrets or send the client
somewhere it must not go. ``HostileServer(mode)``; every mode answers ``POST /v1/images/generations``.

Modes (``MODES``):
    keepalive       an SSE stream of ``: keep-alive`` comments, never an event, never the end
    drip            a JSON body announced as 10 kB, sent one byte every ``drip_s`` seconds
    no-close        an SSE stream with one completed image event, then keep-alive comments forever
    huge-json       a 200 MB JSON body sent as fast as the socket takes it (generated, not held in memory)
    gzip            a small JSON answer compressed although the client asked for ``identity``
    echo-key        a good image whose request id, headers and details repeat the caller's API key
    echo-key-error  a 400 error whose message, code and request id repeat the key
    url-loopback    a ``url`` result pointing at a loopback listener (the SSRF canary)
    url-private     ``url`` results at 10.0.0.1, 169.254.169.254, 224.0.0.1 and [::1]
    url-redirect    a ``url`` result on this server that redirects to the loopback canary
    url-redirects   a ``url`` result that redirects to itself ``redirects`` times, then serves the image
    url-named       a ``url`` result at ``http://metadata.internal:PORT/`` (the test's resolver decides)

``SsrfCanary`` is a listener that only counts connections: no test may ever make it count one. Scale with
``IMAGESTUDIO_HOSTILE_SCALE`` (``make soak``): longer drips and floods.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

MODES = (
    "keepalive", "drip", "no-close", "huge-json", "gzip", "echo-key", "echo-key-error", "url-loopback",
    "url-private", "url-redirect", "url-redirects", "url-named",
)  # fmt: skip
SCALE = max(1, int(os.environ.get("IMAGESTUDIO_HOSTILE_SCALE", "1")))
HUGE_BYTES = 200 * 1024 * 1024
ECHOED_KEY = "sk-hostile-ECHO-1234567890"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Recorded:
    path: str


class SsrfCanary:
    """A TCP listener that must never be reached; ``hits`` counts the connections it got."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.hits = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._sock.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hostile: HostileServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *_args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        h = self.server.hostile
        if self.path.startswith("/redirect/"):
            left = int(self.path.rsplit("/", 1)[1])
            target = f"{h.base}/img.png" if left <= 1 else f"{h.base}/redirect/{left - 1}"  # /redirect/N: N hops
            if h.mode == "url-redirect":
                target = f"http://127.0.0.1:{h.canary.port}/secret"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = png()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        h = self.server.hostile
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        h.requests.append(Recorded(self.path))
        h.seen_headers.append({k.lower(): v for k, v in self.headers.items()})
        key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        getattr(self, "_" + h.mode.replace("-", "_"))(key)

    # -- helpers ------------------------------------------------------------------------------------------
    def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _sse_start(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # no length, no chunking: the stream ends when the connection closes

    def _forever(self, write: bytes) -> None:
        h = self.server.hostile
        try:
            while not h.stopping:
                self.wfile.write(write)
                self.wfile.flush()
                time.sleep(h.tick_s)
        except OSError:
            pass

    def _image_body(self) -> dict[str, Any]:
        return {"created": 1, "data": [{"b64_json": base64.b64encode(png()).decode()}],
                "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110}}  # fmt: skip

    # -- modes --------------------------------------------------------------------------------------------
    def _keepalive(self, _key: str) -> None:
        self._sse_start()
        self._forever(b": keep-alive\n\n")

    def _drip(self, _key: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        self._forever(b" ")

    def _no_close(self, _key: str) -> None:
        self._sse_start()
        event = {"type": "image_generation.completed", "b64_json": base64.b64encode(png()).decode(),
                 "output_format": "png", "size": "1024x1024", "quality": "low", "background": "opaque",
                 "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110}}  # fmt: skip
        self.wfile.write(b"event: image_generation.completed\ndata: " + json.dumps(event).encode() + b"\n\n")
        self.wfile.flush()
        self._forever(b": keep-alive\n\n")

    def _huge_json(self, _key: str) -> None:
        total = HUGE_BYTES * SCALE
        head, tail = b'{"created": 1, "data": [{"b64_json": "', b'"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        block = b"A" * (1 << 20)
        try:
            self.wfile.write(head)
            sent = len(head)
            while sent < total - len(tail):
                piece = block[: total - len(tail) - sent]
                self.wfile.write(piece)
                sent += len(piece)
            self.wfile.write(tail)
        except OSError:
            self.server.hostile.huge_cut = True  # the client stopped reading: what the test wants

    def _gzip(self, _key: str) -> None:
        data = gzip.compress(json.dumps(self._image_body()).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _echo_key(self, key: str) -> None:
        body = self._image_body()
        body.update({"size": f"1024x1024 {key}", "quality": key, "background": key, "output_format": "png"})
        self._json(200, body, {"x-request-id": f"req_{key}", "openai-processing-ms": key})

    def _echo_key_error(self, key: str) -> None:
        error = {"message": f"Invalid value for 'size' from key {key}", "type": "invalid_request_error",
                 "param": key, "code": f"bad_{key}"}  # fmt: skip
        self._json(400, {"error": error}, {"x-request-id": f"req_{key}"})

    def _urls(self, urls: list[str]) -> None:
        self._json(200, {"created": 1, "data": [{"url": u} for u in urls],
                         "usage": {"input_tokens": 10, "output_tokens": 100, "total_tokens": 110}})  # fmt: skip

    def _url_loopback(self, _key: str) -> None:
        self._urls([f"http://127.0.0.1:{self.server.hostile.canary.port}/secret.png"])

    def _url_private(self, _key: str) -> None:
        port = self.server.hostile.canary.port
        self._urls([f"http://{host}:{port}/x.png" for host in ("10.0.0.1", "169.254.169.254", "224.0.0.1", "[::1]")])

    def _url_redirect(self, _key: str) -> None:
        self._urls([f"{self.server.hostile.base}/redirect/1"])

    def _url_redirects(self, _key: str) -> None:
        h = self.server.hostile
        self._urls([f"{h.base}/redirect/{h.redirects}" if h.redirects else f"{h.base}/img.png"])

    def _url_named(self, _key: str) -> None:
        self._urls([f"http://metadata.internal:{self.server.hostile.canary.port}/latest"])


class HostileServer:
    def __init__(self, mode: str, *, tick_s: float = 0.2, redirects: int = 3, api_key: str = ECHOED_KEY) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.mode, self.tick_s, self.redirects, self.api_key = mode, tick_s, redirects, api_key
        self.requests: list[Recorded] = []
        self.seen_headers: list[dict[str, str]] = []
        self.stopping = False
        self.huge_cut = False
        self.canary = SsrfCanary()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hostile = self
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.base}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping = True
        self._server.shutdown()
        self._server.server_close()
        self.canary.close()
