"""Builds the provider that the settings (or a named profile) describe, metered by the cost ledger."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from imagestudio.core import errors
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.enhance import TextAnswer, text_cost_usd
from imagestudio.core.errors import ConfigError, ImageStudioError, NoApiKey
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.money.ledger import Ledger, LedgerEntry
from imagestudio.core.money.pricing import Estimate, cost_of_usage, estimate_request, text_rates
from imagestudio.core.profiles import Profile
from imagestudio.core.profiles import find as find_profile
from imagestudio.core.profiles import load as load_profiles
from imagestudio.core.providers.base import ImageProvider, OnPartial
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest, GenerationResult, RefineRequest, Usage

ImageRequest = GenerationRequest | EditRequest | RefineRequest


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
    """Writes one ledger line per paid call, right after the server answered (before anything is saved), and
    one "possibly charged" line for an attempt that broke after it may have been billed. The budget check counts
    the request's estimate (``core/money/pricing.estimate_request``) before anything is sent."""

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

    async def _check_budget(self, request: ImageRequest | None = None) -> None:
        """Block a paid request when this month's spend plus its estimate would pass the budget
        (BudgetExceeded), unless overridden (for the whole provider, or for this one request the person allowed)."""
        override = self._override or bool(request is not None and request.allow_over_budget)
        if self._budget > 0 and self.name != "demo":
            upcoming = estimate_request(self._caps, request).usd if request is not None else 0.0
            await asyncio.to_thread(self._ledger.check_budget, self._budget, override=override, upcoming_usd=upcoming)

    async def _append(self, entry: LedgerEntry) -> None:
        try:
            await asyncio.to_thread(self._ledger.append, entry)
        except OSError as e:  # a full disk must not cost the images just paid for; the cost is still logged
            log.warning("could not write the cost ledger (%s): %s %s", e.strerror, entry.model, entry.cost_usd)

    async def _record(self, kind: str, request: ImageRequest, result: GenerationResult) -> GenerationResult:
        """One line per HTTP request of the result; the result comes back with its cost filled in."""
        if result.provider == "demo":
            return dataclasses.replace(result, cost_usd=0.0, cost_estimated=False)  # free
        calls = result.calls or ((result.request_id, result.usage),)
        per_image = dataclasses.replace(request, n=max(1, len(result.images) // max(1, len(calls))))
        estimate = estimate_request(self._caps, per_image)
        total, estimated = 0.0, False
        for request_id, usage in calls:
            agent = request.text_model if isinstance(request, RefineRequest) else None
            cost = cost_of_usage(
                self._caps, result.model, usage, estimate=estimate, svg_model=request.svg_model, agent_model=agent
            )
            total += cost.usd
            estimated = estimated or cost.estimated
            await self._append(self._entry(kind, result.model, cost.usd, cost.estimated, usage, request_id))
        return dataclasses.replace(result, cost_usd=round(total, 6), cost_estimated=estimated)

    def _entry(
        self,
        kind: str,
        model: str,
        usd: float,
        estimated: bool,
        usage: Usage | None,
        request_id: str | None,
        *,
        possibly_charged: bool = False,
    ) -> LedgerEntry:
        return LedgerEntry(
            at=self._ledger.clock.now(),
            kind=kind,
            provider=self.name,
            model=model,
            cost_usd=usd,
            input_tokens=usage.input_tokens if usage else 0,
            output_tokens=usage.output_tokens if usage else 0,
            request_id=request_id,
            estimated=estimated,
            possibly_charged=possibly_charged,
            usage=usage.to_json() if usage and usage.reported else None,
        )

    async def _possibly_charged(self, kind: str, request: ImageRequest, error: Exception) -> None:
        """The attempt broke after it may have been billed (and brought no image): counted at its estimate."""
        if self.name == "demo" or not getattr(error, "possibly_charged", False):
            return
        # previews are one request per image (openai_provider._send_all): the one that broke asked for one image
        one_request = dataclasses.replace(request, n=1) if request.partial_images else request
        estimate: Estimate = estimate_request(self._caps, one_request)
        request_id = getattr(error, "request_id", None)
        entry = self._entry(kind, request.model, estimate.usd, True, None, request_id, possibly_charged=True)
        await self._append(entry)

    async def generate(self, request: GenerationRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        return await self._metered("generate", request, self.inner.generate(request, on_partial=on_partial))

    async def edit(self, request: EditRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        return await self._metered("edit", request, self.inner.edit(request, on_partial=on_partial))

    async def refine(self, request: RefineRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        """A refine turn (Responses API + image tool): budget by its estimate, one ledger line ("refine") with the
        text model's and the image part's cost."""
        refine = getattr(self.inner, "refine", None)
        if refine is None:
            raise ConfigError(f"The provider {self.name} cannot refine images.")
        return await self._metered("refine", request, refine(request, on_partial=on_partial))

    async def _metered(
        self, kind: str, request: ImageRequest, call: Coroutine[Any, Any, GenerationResult]
    ) -> GenerationResult:
        """The budget checked before ``call`` is sent; then its cost, or a possibly-charged line, in the ledger."""
        try:
            await self._check_budget(request)
        except BaseException:
            call.close()  # never sent
            raise
        try:
            result = await call
        except ImageStudioError as e:
            await asyncio.shield(self._possibly_charged(kind, request, e))
            raise
        except asyncio.CancelledError as e:
            await asyncio.shield(self._cancelled(kind, request, e))
            raise
        return await asyncio.shield(self._finish(kind, request, result))

    async def _cancelled(self, kind: str, request: ImageRequest, cancel: BaseException) -> None:
        """Cancelled while a request was out: the images that came before the cancel are priced (the runner keeps
        them), and the request in flight may have been billed all the same."""
        partial = getattr(cancel, "partial_result", None)
        if isinstance(partial, GenerationResult):
            cancel.partial_result = await self._record(kind, request, partial)  # type: ignore[attr-defined]
        in_flight = errors.ProviderError("cancelled while the request was out")
        in_flight.possibly_charged = True
        await self._possibly_charged(kind, request, in_flight)

    async def _finish(self, kind: str, request: ImageRequest, result: GenerationResult) -> GenerationResult:
        result = await self._record(kind, request, result)
        if result.error is not None and not getattr(result.error, "in_ledger", False):  # a later request broke
            await self._possibly_charged(kind, request, result.error)
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
                at=self._ledger.clock.now(),
                kind="enhance",
                provider=self.name,
                model=model,
                cost_usd=text_cost_usd(self._caps, model, answer.input_tokens, answer.output_tokens),
                input_tokens=answer.input_tokens,
                output_tokens=answer.output_tokens,
                estimated=text_rates(self._caps, model)[2],
            )
            await asyncio.shield(asyncio.to_thread(self._ledger.append, entry))
        return answer

    async def list_models(self) -> list[str]:
        return await self.inner.list_models()

    async def check(self) -> str:
        return await self.inner.check()

    async def aclose(self) -> None:
        await self.inner.aclose()
