"""Plain records of the job queue (no SQL here): a job, its attempts, the processes that run jobs."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest, JobState, RefineRequest

AnyRequest = GenerationRequest | EditRequest | RefineRequest

JOB_COLUMNS = (
    "id, position, kind, request_json, profile, base_url, state, n, received, attempts, retry_base, error,"
    " cost_usd, cost_known, owner, batch, cancel_requested, created_at, started_at, finished_at, updated_at,"
    " not_before, mode, api_batch,"
    # the API batch holding the job: what its card shows ("in batch: in progress 3/10 · 23 h left")
    " (SELECT json_object('step', b.step, 'status', b.status, 'done', b.completed + b.failed, 'total', b.total,"
    " 'expires_at', b.expires_at) FROM queue_api_batches b WHERE b.id = queue_jobs.api_batch)"
)

BATCH_CANCELLED = QT_TRANSLATE_NOOP(
    "CoreMessages", "Cancelled. It was already sent in a Batch API batch that runs on: it may still be charged."
)
#: a job whose line in an API batch may still deliver is never queued again (it would be paid twice)
NO_PENDING_LINE = "NOT EXISTS (SELECT 1 FROM queue_api_lines l WHERE l.job_id = queue_jobs.id AND l.state = 'pending')"


def request_from_json(kind: str, data: dict[str, Any]) -> AnyRequest:
    if kind == "refine":
        return RefineRequest.from_json(data)
    return EditRequest.from_json(data) if kind == "edit" else GenerationRequest.from_json(data)


def request_kind(request: AnyRequest) -> str:
    if isinstance(request, RefineRequest):
        return "refine"
    return "edit" if isinstance(request, EditRequest) else "generate"


@dataclass(slots=True)
class Attempt:
    number: int
    asked: int
    started_at: float
    finished_at: float | None
    outcome: str | None
    error: str | None
    request_id: str | None


@dataclass(slots=True, eq=False)
class Job:
    """One job as the queue stores it. The app keeps one object per id and refreshes it in place."""

    id: int
    request: AnyRequest
    kind: str = "generate"
    profile: str = "demo"
    base_url: str = ""
    state: JobState = JobState.QUEUED
    position: float = 0.0
    n: int = 1
    received: int = 0
    attempts: int = 0
    retry_base: int = 0
    error: str | None = None
    cost_usd: float = 0.0
    cost_known: bool = True
    owner: str | None = None
    batch: str | None = None
    cancel_requested: bool = False
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    updated_at: float = 0.0
    not_before: float = 0.0
    mode: str = "now"  # "batch": sent through OpenAI's Batch API (core/batch/runner.py)
    api_batch: int | None = None  # the queue_api_batches row holding it (state batched)
    #: that batch as last seen: step, status, done, total, expires_at (None: not in a batch)
    batch_info: dict[str, Any] | None = None
    image_ids: tuple[int, ...] = ()
    attempt_log: tuple[Attempt, ...] = ()

    @property
    def provider(self) -> str:
        return self.profile

    @property
    def remaining(self) -> int:
        return max(0, self.n - self.received)

    @property
    def request_ids(self) -> tuple[str, ...]:
        return tuple(a.request_id for a in self.attempt_log if a.request_id)

    @property
    def cost(self) -> float | None:
        """US dollars so far (a part without exact usage or prices is counted at its estimate: ``cost_estimated``)."""
        return self.cost_usd

    @property
    def cost_estimated(self) -> bool:
        return not self.cost_known

    def elapsed(self, now: float) -> float:
        """Seconds the job has run until ``now`` (the library's clock), or until it finished."""
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else now
        return max(0.0, end - self.started_at)

    def refresh_from(self, other: Job) -> None:
        for name in self.__slots__:  # type: ignore[attr-defined]
            setattr(self, name, getattr(other, name))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state.value,
            "kind": self.kind,
            "profile": self.profile,
            "prompt": self.request.prompt,
            "model": self.request.model,
            "n": self.n,
            "received": self.received,
            "attempts": self.attempts,
            "error": self.error,
            "cost_usd": self.cost,
            "cost_estimated": self.cost_estimated,
            "image_ids": list(self.image_ids),
            "request_ids": list(self.request_ids),
            "batch": self.batch,
            "mode": self.mode,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }


@dataclass(frozen=True, slots=True)
class Runner:
    token: str
    pid: int
    host: str
    heartbeat: float


def job_from_row(r: tuple[Any, ...], image_ids: list[int], attempts: list[Attempt]) -> Job:
    kind = str(r[2])
    return Job(
        id=int(r[0]),
        position=float(r[1]),
        kind=kind,
        request=request_from_json(kind, json.loads(r[3])),
        profile=str(r[4]),
        base_url=str(r[5]),
        state=JobState(r[6]),
        n=int(r[7]),
        received=int(r[8]),
        attempts=int(r[9]),
        retry_base=int(r[10]),
        error=r[11],
        cost_usd=float(r[12]),
        cost_known=bool(r[13]),
        owner=r[14],
        batch=r[15],
        cancel_requested=bool(r[16]),
        created_at=float(r[17]),
        started_at=r[18],
        finished_at=r[19],
        updated_at=float(r[20]),
        not_before=float(r[21]),
        mode=str(r[22]),
        api_batch=r[23],
        batch_info=json.loads(r[24]) if r[24] else None,
        image_ids=tuple(image_ids),
        attempt_log=tuple(attempts),
    )


def profile_of(settings: Settings) -> tuple[str, str]:
    """The (profile, base_url) a job is queued for: a named profile as ``profile:NAME``, else the provider."""
    if settings.profile:
        return f"profile:{settings.profile}", ""
    return settings.provider, settings.base_url if settings.provider == "custom" else ""


def settings_for_profile(settings: Settings, profile: str, base_url: str) -> Settings:
    """The settings that build the provider of a queued job (its profile, whatever is selected now)."""
    if profile.startswith("profile:"):
        return settings.with_changes(profile=profile.removeprefix("profile:"))
    return settings.with_changes(profile="", provider=profile, base_url=base_url)
