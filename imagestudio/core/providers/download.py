"""Download an image that an OpenAI-compatible server returned as a ``url`` instead of ``b64_json``.

Only http(s) links to public addresses (``netguard``: checked after DNS resolution, for every redirect — at most
three, followed here, never by the HTTP client — and against the address actually connected to); a size limit
checked while streaming (a lying or missing Content-Length cannot make us read more) and one overall timeout.
``httpx2`` is the SDK's own HTTP client, so it is imported lazily like ``openai``.
"""

from __future__ import annotations

import asyncio
import urllib.parse

from imagestudio.core import errors
from imagestudio.core.providers.netguard import (
    AddressRefused,
    DownloadPolicy,
    check_url,
    connected_to,
    public_address,
)

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 60.0


async def download_image(
    url: str,
    *,
    limit: int = MAX_DOWNLOAD_BYTES,
    timeout: float = DOWNLOAD_TIMEOUT_S,
    policy: DownloadPolicy | None = None,
) -> bytes:
    policy = policy or DownloadPolicy()
    if not url.startswith(("https://", "http://")):
        raise errors.BadResponse("The server returned an image link that is not http(s); it was not followed.")
    import httpx2

    try:
        async with asyncio.timeout(timeout), httpx2.AsyncClient(follow_redirects=False, timeout=timeout) as client:
            for _hop in range(policy.max_redirects + 1):
                host, port = await check_url(url, policy)
                async with client.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
                    peer = connected_to(response)
                    if peer is not None and not policy.permits(host, port) and not public_address(peer):
                        raise AddressRefused(f"{host[:60]} is a local, private or reserved address")
                    if response.status_code in (301, 302, 303, 307, 308):
                        location = response.headers.get("location", "")
                        url = urllib.parse.urljoin(url, location)
                        continue
                    return await _body(response, limit)
            raise errors.BadResponse(
                f"The image link redirected more than {policy.max_redirects} times; it was not followed."
            )
    except AddressRefused as e:
        raise errors.BadResponse(f"The server's image link was not followed: {e}.") from None
    except TimeoutError:
        raise errors.NetworkError(f"Downloading the image took longer than {timeout:.0f} s.") from None
    except errors.ImageStudioError:
        raise
    except Exception as e:  # transport errors of httpx2
        raise errors.NetworkError(f"The image could not be downloaded ({type(e).__name__}).") from None


async def _body(response: object, limit: int) -> bytes:
    status = getattr(response, "status_code", 0)
    if status != 200:
        raise errors.BadResponse(f"The image link answered {status}; the image is lost.")
    headers = getattr(response, "headers", {})
    if headers.get("content-encoding", "").strip().lower() not in ("", "identity"):
        raise errors.BadResponse("The linked image came compressed although asked not to; it was not read.")
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise errors.BadResponse(f"The linked image is larger than {limit // (1024 * 1024)} MB.")
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.aiter_raw():  # type: ignore[attr-defined]
        received += len(chunk)
        if received > limit:
            raise errors.BadResponse(f"The linked image is larger than {limit // (1024 * 1024)} MB.")
        chunks.append(chunk)
    return b"".join(chunks)
