"""What a server may make us do, bounded: how much we read, where we connect for ``url`` results, what we keep.

* **Size while reading.** ``cap_response`` is an httpx response hook: the body (JSON or an SSE stream) is read
  through a counter that stops at ``MAX_ANSWER_BYTES`` — a 200 MB answer costs at most the cap in memory, not
  the whole body plus its parse. Answers are asked for uncompressed (``Accept-Encoding: identity``); one that is
  compressed anyway is refused before a byte is decoded (a gzip bomb would pass a cap on the wire).
* **Where ``url`` results are fetched from** (``DownloadPolicy``): only public addresses — loopback, private,
  link-local, multicast, reserved and unspecified addresses are refused after DNS resolution, again for every
  redirect (at most ``MAX_REDIRECTS``), and once more against the address actually connected to (DNS
  rebinding). Tests reach their loopback simulator through ``DownloadPolicy(allowed=…)``, an allowance the test
  builds and injects into the provider it makes; no setting, option or environment variable turns it on.
* **Known secrets never stored.** ``redact`` replaces the API key (and its URL-encoded form) in anything that
  came from a server — request ids, response details, error texts — before it reaches the library, the queue
  or the ledger; over-long ids are cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_ANSWER_BYTES = 100 * 1024 * 1024  # base64 of a 64 MB image is 85 MB
MAX_REDIRECTS = 3
MAX_ID_CHARS = 200

Resolver = Callable[[str, int], Awaitable[list[str]]]


class AnswerRefused(Exception):
    """The server's answer was not read to its end: too large, or compressed although asked not to be."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AddressRefused(Exception):
    """A ``url`` result (or one of its redirects) points at an address we do not connect to."""


# -- secrets -------------------------------------------------------------------------------------------------
def redact(value: Any, secrets: Iterable[str], *, limit: int | None = None) -> Any:
    """``value`` (a str, or a dict/list of them) with every known secret replaced by ``***``."""
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
                    value = value.replace(form, "***")
        return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, dict):
        return {redact(k, secrets): redact(v, secrets, limit=limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v, secrets, limit=limit) for v in value)
    return value


# -- size while reading --------------------------------------------------------------------------------------
def cap_response(cap: int = MAX_ANSWER_BYTES) -> Callable[[Any], Awaitable[None]]:
    """An httpx(2) ``response`` event hook that makes the body stop at ``cap`` bytes."""

    async def hook(response: Any) -> None:
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding not in ("", "identity"):
            raise AnswerRefused(
                f"The server compressed its answer ({encoding[:20]}) although asked not to; it was not read."
            )
        response.stream = _capped_stream_type()(response.stream, cap)

    return hook


_CAPPED: list[type] = []


def _capped_stream_type() -> type:
    """httpx2 insists on its own ``AsyncByteStream`` type; it is imported lazily, like ``openai``."""
    if not _CAPPED:
        import httpx2

        class CappedStream(httpx2.AsyncByteStream):
            def __init__(self, inner: Any, cap: int) -> None:
                self._inner, self._cap = inner, cap

            async def __aiter__(self) -> Any:
                received = 0
                async for chunk in self._inner:
                    received += len(chunk)
                    if received > self._cap:
                        raise AnswerRefused(
                            f"The server's answer is larger than {self._cap // (1024 * 1024)} MB; "
                            "it was not read further."
                        )
                    yield chunk

            async def aclose(self) -> None:
                await self._inner.aclose()

        _CAPPED.append(CappedStream)
    return _CAPPED[0]


# -- where url results may come from -------------------------------------------------------------------------
@dataclass(frozen=True)
class DownloadPolicy:
    """``allowed``: (host, port) pairs a test's loopback server answers on — the only way past the address
    check, built by the test itself. ``resolve``: the DNS lookup (tests give one that needs no network)."""

    allowed: frozenset[tuple[str, int]] = frozenset()
    resolve: Resolver | None = None
    max_redirects: int = MAX_REDIRECTS
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def permits(self, host: str, port: int) -> bool:
        return (host, port) in self.allowed

    async def addresses(self, host: str, port: int) -> list[str]:
        if self.resolve is not None:
            return await self.resolve(host, port)
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return sorted({str(info[4][0]) for info in infos})


def public_address(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"))  # CGNAT
    )


async def check_url(url: str, policy: DownloadPolicy) -> tuple[str, int]:
    """(host, port) of an http(s) ``url`` whose every address is public (or that the policy allows)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("not an http(s) link")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("a link with an invalid port") from None
    if policy.permits(host, port):
        return host, port
    try:
        found = await policy.addresses(host, port)
    except OSError:
        raise AddressRefused(f"the name {host[:60]} could not be resolved") from None
    if not found or not all(public_address(a) for a in found):
        raise AddressRefused(f"{host[:60]} is a local, private or reserved address")
    return host, port


def connected_to(response: Any) -> str | None:
    """The peer address of the connection a response came over (httpcore's network stream), if known."""
    stream = response.extensions.get("network_stream") if hasattr(response, "extensions") else None
    if stream is None:
        return None
    try:
        peer = stream.get_extra_info("server_addr")
    except Exception:  # a transport that does not say: the pre-connection check stands
        return None
    return str(peer[0]) if isinstance(peer, tuple) and peer else None


async def close_quietly(stream: Any) -> None:
    """Close an SDK stream we are done with (the images are in hand; a broken close changes nothing)."""
    close = getattr(stream, "close", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()


def cause(e: BaseException | None, kind: type[Any]) -> Any:
    """``e`` or the first exception it was raised from (the SDK wraps what a response hook raises)."""
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, kind):
            return e
        e, seen = e.__cause__ or e.__context__, seen + 1
    return None
