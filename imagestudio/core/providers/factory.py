"""Builds the provider that the settings (or a named profile) describe, metered by the cost ledger."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.enhance import TextAnswer, text_cost_usd
from imagestudio.core.errors import ConfigError, NoApiKey
from imagestudio.core.i18n_marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.ledger import Ledger, LedgerEntry, cost_usd
from imagestudio.core.profiles import Profile
from imagestudio.core.profiles import find as find_profile
from imagestudio.core.profiles import load as load_profiles
from imagestudio.core.providers.base import ImageProvider, OnPartial
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest, GenerationResult


def key_profile(provider: str) -> str:
    """Keyring entry per provider: the official API and a custom server keep separate keys."""
    return "custom" if provider == "custom" else "openai"


def _no_key() -> NoApiKey:
    return NoApiKey(
        QT_TRANSLATE_NOOP(
            "CoreMessages",
            "No API key is set. Paste your OpenAI key in Settings (it is stored in the system keyring), "
            "or switch to the demo provider.",
        )
    )


def make_profile_provider(profile: Profile, keys: KeyStore, *, timeout: float, demo_latency: float) -> ImageProvider:
    if profile.kind == "demo":
        from imagestudio.core.providers.demo import DemoProvider  # Pillow: not before the window shows

        return DemoProvider(latency=demo_latency)
    problem = profile.problem()
    if problem:
        raise ConfigError(problem)
    key, _source = keys.get(profile.key_entry)
    if not key:
        missing = QT_TRANSLATE_NOOP(
            "CoreMessages",
            "No API key is set for the profile %1. Add it in Settings → Profiles…, or run: "
            "imagestudio key set --profile NAME",
        )
        raise NoApiKey(fill(missing, repr(profile.name)))
    from imagestudio.core.providers.openai_provider import OpenAIProvider

    azure = None
    if profile.kind == "azure":
        azure = {
            "endpoint": profile.azure_endpoint,
            "api_version": profile.azure_api_version,
            "deployment": profile.azure_deployment,
        }
    return OpenAIProvider(
        api_key=key,
        base_url=profile.base_url if profile.kind == "compatible" else None,
        name=f"profile:{profile.name}",
        timeout=timeout,
        azure=azure,
    )


def make_provider(
    settings: Settings,
    keys: KeyStore,
    *,
    demo_latency: float = 0.8,
    ledger: Ledger | None = None,
    capabilities: Capabilities | None = None,
    config_dir: Path | None = None,
    budget_override: bool = False,
) -> ImageProvider:
    inner = _make_inner(settings, keys, demo_latency=demo_latency, config_dir=config_dir)
    if ledger is None or capabilities is None:
        return inner
    return MeteredProvider(
        inner, ledger, capabilities, budget_usd=settings.monthly_budget_usd, budget_override=budget_override
    )


def _make_inner(settings: Settings, keys: KeyStore, *, demo_latency: float, config_dir: Path | None) -> ImageProvider:
    if settings.profile and config_dir is not None:
        profiles, _warnings = load_profiles(config_dir)
        profile = find_profile(profiles, settings.profile)
        return make_profile_provider(profile, keys, timeout=settings.request_timeout_s, demo_latency=demo_latency)
    if settings.provider == "demo":
        from imagestudio.core.providers.demo import DemoProvider  # Pillow: not before the window shows

        return DemoProvider(latency=demo_latency)
    if settings.provider == "custom" and not settings.base_url:
        raise ConfigError(
            QT_TRANSLATE_NOOP("CoreMessages", "Enter the base URL of your OpenAI-compatible server in Settings.")
        )
    key, _source = keys.get(key_profile(settings.provider))
    if not key:
        raise _no_key()
    from imagestudio.core.providers.openai_provider import OpenAIProvider  # no openai import until here

    return OpenAIProvider(
        api_key=key,
        base_url=settings.base_url if settings.provider == "custom" else None,
        name=settings.provider,
        timeout=settings.request_timeout_s,
    )


def prepared(provider: ImageProvider) -> ImageProvider:
    """Import the SDK and set up the HTTP client now, on the calling thread. The app calls this on the worker
    thread that makes a job's provider; left to the first request, it would run on the GUI thread's loop."""
    inner = provider.inner if isinstance(provider, MeteredProvider) else provider
    prepare = getattr(inner, "prepare", None)
    if callable(prepare):
        prepare()
    return provider


log = logging.getLogger(__name__)


class MeteredProvider:
    """Writes one ledger line per paid call, right after the server answered (before anything is saved)."""

    def __init__(
        self,
        inner: ImageProvider,
        ledger: Ledger,
        capabilities: Capabilities,
        *,
        budget_usd: float = 0.0,
        budget_override: bool = False,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self._ledger = ledger
        self._caps = capabilities
        self._budget = budget_usd
        self._override = budget_override

    async def _check_budget(self, request: GenerationRequest | EditRequest | None = None) -> None:
        """Block a paid request once this month's budget is spent (BudgetExceeded), unless overridden (for the
        whole provider, or for this one request the person allowed)."""
        override = self._override or bool(request is not None and request.allow_over_budget)
        if self._budget > 0 and self.name != "demo":
            await asyncio.to_thread(self._ledger.check_budget, self._budget, override=override)

    async def _record(self, kind: str, result: GenerationResult) -> None:
        if result.provider == "demo":
            return  # free
        entry = LedgerEntry(
            at=time.time(),
            kind=kind,
            provider=result.provider,
            model=result.model,
            cost_usd=cost_usd(self._caps, result.model, result.usage),
            input_tokens=result.usage.input_tokens,
            output_tokens=result.usage.output_tokens,
            request_id=result.request_id,
        )
        try:
            await asyncio.to_thread(self._ledger.append, entry)
        except OSError as e:  # a full disk must not cost the images just paid for; the cost is still logged
            log.warning("could not write the cost ledger (%s): %s %s", e.strerror, entry.model, entry.cost_usd)

    async def generate(self, request: GenerationRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        await self._check_budget(request)
        result = await self.inner.generate(request, on_partial=on_partial)
        await asyncio.shield(self._record("generate", result))
        return result

    async def edit(self, request: EditRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        await self._check_budget(request)
        result = await self.inner.edit(request, on_partial=on_partial)
        await asyncio.shield(self._record("edit", result))
        return result

    async def complete_text(self, *, model: str, instructions: str, text: str) -> TextAnswer:
        """Prompt enhancement through the same profile; its cost goes to the ledger too."""
        complete = getattr(self.inner, "complete_text", None)
        if complete is None:
            raise ConfigError(f"The provider {self.name} cannot run a text model for prompt enhancement.")
        await self._check_budget()
        answer: TextAnswer = await complete(model=model, instructions=instructions, text=text)
        if self.name != "demo":
            entry = LedgerEntry(
                at=time.time(),
                kind="enhance",
                provider=self.name,
                model=model,
                cost_usd=text_cost_usd(self._caps, model, answer.input_tokens, answer.output_tokens),
                input_tokens=answer.input_tokens,
                output_tokens=answer.output_tokens,
            )
            await asyncio.shield(asyncio.to_thread(self._ledger.append, entry))
        return answer

    async def list_models(self) -> list[str]:
        return await self.inner.list_models()

    async def check(self) -> str:
        return await self.inner.check()

    async def aclose(self) -> None:
        await self.inner.aclose()
