"""What images cost, from the usage tokens the API reports and the prices in ``resources/models.json``.

Every paid call (image generation, edit, prompt enhancement) appends one line to ``ledger.jsonl`` in the data
dir, written by the provider wrapper in ``providers/factory.py`` right after the server answered, so the spend
is recorded even if the images are later deleted. Totals for today and this month come from that file; a
monthly budget warns at 80 % and blocks at 100 % unless the person overrides it.
"""

from __future__ import annotations

import json
import math
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import Clock, SystemClock, local_datetime
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.money.pricing import cost_of_usage
from imagestudio.core.types import Usage

FILE_NAME = "ledger.jsonl"
WARN_FRACTION = 0.8


class BudgetExceeded(ImageStudioError):
    """This month's spend reached the budget in Settings; nothing was sent."""


def cost_usd(capabilities: Capabilities, model: str, usage: Usage) -> float:
    """The cost in US dollars (``core/money/pricing.cost_of_usage``: an unknown price or usage counts at a conservative
    estimate, never $0 and never negative)."""
    return cost_of_usage(capabilities, model, usage).usd


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    at: float  # unix time
    kind: str  # "generate", "edit", "enhance"
    provider: str
    model: str
    cost_usd: float | None  # None: an old line whose prices were unknown (new lines always hold a cost)
    input_tokens: int = 0
    output_tokens: int = 0
    request_id: str | None = None
    # counted at an estimate (the usage or the prices were not known exactly): shown with "≈"
    estimated: bool = False
    # the request broke after it may have been billed (2xx then a cut body, a timeout after sending): no images
    possibly_charged: bool = False
    # the usage as the server reported it (core.types.Usage fields), to compare line by line
    usage: dict[str, int] | None = None
    # a line of an OpenAI Batch API batch ("<batch id>/<custom_id>"), priced at the batch rates; one entry each
    batch_line: str | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    today_usd: float
    month_usd: float
    unpriced_calls: int  # old lines whose cost is unknown (not counted in the sums)
    budget_usd: float  # 0 = none
    estimated_calls: int = 0  # counted at an estimate (in the sums)

    @property
    def budget_fraction(self) -> float:
        return self.month_usd / self.budget_usd if self.budget_usd > 0 else 0.0

    @property
    def warn(self) -> bool:
        return self.budget_usd > 0 and self.budget_fraction >= WARN_FRACTION

    @property
    def blocked(self) -> bool:
        return self.budget_usd > 0 and self.month_usd >= self.budget_usd

    def would_block(self, upcoming_usd: float) -> bool:
        """Whether a request estimated at ``upcoming_usd`` is refused by ``Ledger.check_budget`` (unless allowed)."""
        upcoming = upcoming_usd if math.isfinite(upcoming_usd) and upcoming_usd > 0 else 0.0
        return self.blocked or (self.budget_usd > 0 and self.month_usd + upcoming > self.budget_usd)

    def summary(self) -> str:
        about = "≈ " if self.estimated_calls else ""
        text = f"Today {about}${self.today_usd:.2f} · month {about}${self.month_usd:.2f}"
        if self.budget_usd > 0:
            text += f" of ${self.budget_usd:.2f} ({self.budget_fraction:.0%})"
        if self.unpriced_calls:
            text += f" · {self.unpriced_calls} without known prices"
        return text


class Ledger:
    """Append-only JSON lines; a damaged line is skipped, never fatal. Thread-safe appends."""

    def __init__(self, data_dir: Path, clock: Clock | None = None) -> None:
        self.path = data_dir / FILE_NAME
        self.clock: Clock = clock or SystemClock()  # stamps new lines; decides what "today" and "this month" are
        self._lock = threading.Lock()

    def append(self, entry: LedgerEntry) -> None:
        line = (json.dumps(asdict(entry), ensure_ascii=True) + "\n").encode("ascii")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)  # one write of one short line: appends do not interleave
                os.fsync(fd)
            finally:
                os.close(fd)

    def entries(self) -> list[LedgerEntry]:
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError:
            return []
        found = []
        for raw in lines:
            try:
                data: dict[str, Any] = json.loads(raw)
                found.append(LedgerEntry(**data))
            except (ValueError, TypeError):
                continue
        return found

    def totals(self, budget_usd: float = 0.0, now: float | None = None) -> Totals:
        # Local calendar day and month of `now` (the person's budget month), from the one injected clock.
        moment = local_datetime(now if now is not None else self.clock.now())
        today, month = moment.date(), (moment.year, moment.month)
        day_sum = month_sum = 0.0
        unpriced = estimated = 0
        for e in self.entries():
            try:
                when = local_datetime(e.at)
            except (TypeError, ValueError, OverflowError, OSError):
                continue
            if (when.year, when.month) != month:
                continue
            cost = e.cost_usd
            # a damaged or hostile line (negative, NaN, infinite, not a number) never lowers the total
            if isinstance(cost, bool) or not isinstance(cost, int | float) or not math.isfinite(cost) or cost < 0:
                unpriced += 1
                continue
            estimated += 1 if e.estimated else 0
            month_sum += cost
            if when.date() == today:
                day_sum += cost
        return Totals(round(day_sum, 6), round(month_sum, 6), unpriced, budget_usd, estimated)

    def check_budget(self, budget_usd: float, *, override: bool = False, upcoming_usd: float = 0.0) -> Totals:
        """Raise BudgetExceeded when this month's spend, plus ``upcoming_usd`` (the estimate of the request about
        to be sent), would reach the budget."""
        totals = self.totals(budget_usd)
        upcoming = upcoming_usd if math.isfinite(upcoming_usd) and upcoming_usd > 0 else 0.0
        if totals.would_block(upcoming) and not totals.blocked and not override:
            template = QT_TRANSLATE_NOOP(
                "CoreMessages",
                "This request (about %1) would take this month's spend (%2) over your budget of %3. "
                "Raise the budget in Settings or allow this request anyway.",
            )
            spent, budget = f"${totals.month_usd:.2f}", f"${budget_usd:.2f}"
            raise BudgetExceeded(fill(template, f"${upcoming:.2f}", spent, budget))
        if totals.blocked and not override:
            template = QT_TRANSLATE_NOOP(
                "CoreMessages",
                "This month's spend (%1) reached your budget of %2. "
                "Raise the budget in Settings or allow this request anyway.",
            )
            raise BudgetExceeded(fill(template, f"${totals.month_usd:.2f}", f"${budget_usd:.2f}"))
        return totals
