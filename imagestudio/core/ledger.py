"""What images cost, from the usage tokens the API reports and the prices in ``resources/models.json``.

Every paid call (image generation, edit, prompt enhancement) appends one line to ``ledger.jsonl`` in the data
dir, written by the provider wrapper in ``providers/factory.py`` right after the server answered, so the spend
is recorded even if the images are later deleted. Totals for today and this month come from that file; a
monthly budget warns at 80 % and blocks at 100 % unless the person overrides it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import ImageStudioError, InvalidRequest
from imagestudio.core.i18n_marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.types import Usage

FILE_NAME = "ledger.jsonl"
WARN_FRACTION = 0.8


class BudgetExceeded(ImageStudioError):
    """This month's spend reached the budget in Settings; nothing was sent."""


def cost_usd(capabilities: Capabilities, model: str, usage: Usage) -> float | None:
    """The cost in US dollars, or None when the model's prices are not known (never a guess)."""
    try:
        prices = capabilities.get(model).prices_per_million
    except InvalidRequest:
        return None
    parts = (
        (usage.input_text_tokens, prices.get("text_input")),
        (usage.input_image_tokens, prices.get("image_input")),
        (usage.output_image_tokens, prices.get("image_output")),
    )
    total = 0.0
    for tokens, price in parts:
        if tokens and price is None:
            return None
        total += tokens * (price or 0.0) / 1_000_000
    return round(total, 6)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    at: float  # unix time
    kind: str  # "generate", "edit", "enhance"
    provider: str
    model: str
    cost_usd: float | None  # None: prices unknown for this model
    input_tokens: int = 0
    output_tokens: int = 0
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    today_usd: float
    month_usd: float
    unpriced_calls: int  # calls whose cost is unknown (not counted in the sums)
    budget_usd: float  # 0 = none

    @property
    def budget_fraction(self) -> float:
        return self.month_usd / self.budget_usd if self.budget_usd > 0 else 0.0

    @property
    def warn(self) -> bool:
        return self.budget_usd > 0 and self.budget_fraction >= WARN_FRACTION

    @property
    def blocked(self) -> bool:
        return self.budget_usd > 0 and self.month_usd >= self.budget_usd

    def summary(self) -> str:
        text = f"Today ${self.today_usd:.2f} · month ${self.month_usd:.2f}"
        if self.budget_usd > 0:
            text += f" of ${self.budget_usd:.2f} ({self.budget_fraction:.0%})"
        if self.unpriced_calls:
            text += f" · {self.unpriced_calls} without known prices"
        return text


class Ledger:
    """Append-only JSON lines; a damaged line is skipped, never fatal. Thread-safe appends."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME
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
        moment = dt.datetime.fromtimestamp(now if now is not None else time.time())
        today, month = moment.date(), (moment.year, moment.month)
        day_sum = month_sum = 0.0
        unpriced = 0
        for e in self.entries():
            when = dt.datetime.fromtimestamp(e.at)
            if (when.year, when.month) != month:
                continue
            if e.cost_usd is None:
                unpriced += 1
                continue
            month_sum += e.cost_usd
            if when.date() == today:
                day_sum += e.cost_usd
        return Totals(round(day_sum, 6), round(month_sum, 6), unpriced, budget_usd)

    def check_budget(self, budget_usd: float, *, override: bool = False) -> Totals:
        totals = self.totals(budget_usd)
        if totals.blocked and not override:
            template = QT_TRANSLATE_NOOP(
                "CoreMessages",
                "This month's spend (%1) reached your budget of %2. "
                "Raise the budget in Settings or allow this request anyway.",
            )
            raise BudgetExceeded(fill(template, f"${totals.month_usd:.2f}", f"${budget_usd:.2f}"))
        return totals
