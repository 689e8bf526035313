"""Download an image that an OpenAI-compatible server returned as a ``url`` instead of ``b64_json``.

Only http(s); a size limit checked while streaming (a lying or missing Content-Length cannot make us read more)
and one overall timeout. ``httpx2`` is the SDK's own HTTP client, so it is imported lazily like ``openai``.
"""

from __future__ import annotations

import asyncio

from imagestudio.core import errors

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 60.0


async def download_image(url: str, *, limit: int = MAX_DOWNLOAD_BYTES, timeout: float = DOWNLOAD_TIMEOUT_S) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise errors.BadResponse("The server returned an image link that is not http(s); it was not followed.")
    import httpx2

    chunks: list[bytes] = []
    received = 0
    try:
        async with (
            asyncio.timeout(timeout),
            httpx2.AsyncClient(follow_redirects=True, timeout=timeout) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise errors.BadResponse(f"The image link answered {response.status_code}; the image is lost.")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise errors.BadResponse(f"The linked image is larger than {limit // (1024 * 1024)} MB.")
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > limit:
                    raise errors.BadResponse(f"The linked image is larger than {limit // (1024 * 1024)} MB.")
                chunks.append(chunk)
    except TimeoutError:
        raise errors.NetworkError(f"Downloading the image took longer than {timeout:.0f} s.") from None
    except errors.ImageStudioError:
        raise
    except Exception as e:  # transport errors of httpx2
        raise errors.NetworkError(f"The image could not be downloaded ({type(e).__name__}).") from None
    return b"".join(chunks)
