"""The small async interface every image provider satisfies (OpenAI, demo, test fakes)."""

from __future__ import annotations

from typing import Protocol

from imagestudio.core.types import GenerationRequest, GenerationResult


class ImageProvider(Protocol):
    #: Short id stored with every image ("openai", "custom", "demo").
    name: str

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        """Make the images. Raises a ProviderError subclass with a human message on failure."""
        ...

    async def check(self) -> str:
        """Test the connection and credentials; returns a one-line human summary."""
        ...

    async def aclose(self) -> None: ...
