"""Builds the provider that the settings describe."""

from __future__ import annotations

from imagestudio.core.errors import ConfigError, NoApiKey
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.demo import DemoProvider
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings


def key_profile(provider: str) -> str:
    """Keyring entry per provider: the official API and a custom server keep separate keys."""
    return "custom" if provider == "custom" else "openai"


def make_provider(settings: Settings, keys: KeyStore, *, demo_latency: float = 0.8) -> ImageProvider:
    if settings.provider == "demo":
        return DemoProvider(latency=demo_latency)
    if settings.provider == "custom" and not settings.base_url:
        raise ConfigError("Enter the base URL of your OpenAI-compatible server in Settings.")
    key, _source = keys.get(key_profile(settings.provider))
    if not key:
        raise NoApiKey(
            "No API key is set. Paste your OpenAI key in Settings (it is stored in the system keyring), "
            "or switch to the demo provider."
        )
    from imagestudio.core.providers.openai_provider import OpenAIProvider  # no openai import until here

    return OpenAIProvider(
        api_key=key,
        base_url=settings.base_url if settings.provider == "custom" else None,
        name=settings.provider,
        timeout=settings.request_timeout_s,
    )
