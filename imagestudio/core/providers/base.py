"""The small async interface every image provider satisfies (OpenAI, demo, test fakes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from imagestudio.core.types import EditRequest, GenerationRequest, GenerationResult

#: Called with (partial_image_index, decoded image bytes) for each streamed partial image.
OnPartial = Callable[[int, bytes], None]


class ImageProvider(Protocol):
    #: Short id stored with every image ("openai", "custom", "demo").
    name: str

    async def generate(self, request: GenerationRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        """Make the images. Raises a ProviderError subclass with a human message on failure.

        With ``request.partial_images`` > 0 the response is streamed and each partial goes to ``on_partial``;
        only the final images are returned.
        """
        ...

    async def edit(self, request: EditRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        """Edit 1-16 input images (with an optional mask or markup). Same errors and partials as generate."""
        ...

    async def list_models(self) -> list[str]:
        """Model ids the server offers (``GET /v1/models``); empty when it cannot say (demo)."""
        ...

    async def check(self) -> str:
        """Test the connection and credentials; returns a one-line human summary."""
        ...

    async def aclose(self) -> None: ...
