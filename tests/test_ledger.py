from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import FixedClock
from imagestudio.core.money.ledger import BudgetExceeded, Ledger, LedgerEntry, cost_usd
from imagestudio.core.types import Usage


def test_sunburst_prices_per_token_kind() -> None:
    caps = Capabilities.load()
    usage = Usage(input_tokens=3_000, output_tokens=10_000, input_text_tokens=1_000, input_image_tokens=2_000,
                  output_image_tokens=10_000)  # fmt: skip
    # $5/M text in, $8/M image in, $30/M image out
    assert cost_usd(caps, "gpt-image-2.5-sunburst", usage) == 0.005 + 0.016 + 0.3


def test_every_model_has_prices_and_unknown_ones_are_never_free() -> None:
    caps = Capabilities.load()
    one_image = Usage(input_tokens=10, output_tokens=7024, input_text_tokens=10, output_image_tokens=7024)
    for model in caps.models():
        assert cost_usd(caps, model.id, one_image) == pytest.approx(10 * 5e-6 + 7024 * 30e-6)
    assert cost_usd(caps, "no-such-model", one_image) > cost_usd(caps, "gpt-image-2", one_image)
    assert cost_usd(caps, "gpt-image-2", Usage()) == 0.0  # a reported zero is zero


def _line(path: Path, at: float, cost: object, **extra: object) -> None:
    entry = {"at": at, "kind": "generate", "provider": "openai", "model": "gpt-image-2", "cost_usd": cost, **extra}
    with path.open("a") as f:
        f.write(json.dumps(entry) + "\n")


def test_hostile_lines_never_lower_the_total(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    now = 1_790_000_000.0
    _line(ledger.path, now, 0.25)
    _line(ledger.path, now, -2722.0)
    _line(ledger.path, now, math.nan)
    _line(ledger.path, now, math.inf)
    _line(ledger.path, now, "12")
    _line(ledger.path, now, 0.1, estimated=True)
    totals = ledger.totals(1.0, now=now)
    assert totals.month_usd == pytest.approx(0.35)
    assert totals.unpriced_calls == 4 and totals.estimated_calls == 1
    assert totals.summary().startswith("Today ≈ $0.35")


def test_budget_counts_the_estimate_of_the_next_request(tmp_path: Path) -> None:
    clock = FixedClock(1_790_000_000.0)
    ledger = Ledger(tmp_path, clock)
    ledger.append(LedgerEntry(at=clock.now(), kind="generate", provider="openai", model="gpt-image-2", cost_usd=0.9))
    ledger.check_budget(1.0, upcoming_usd=0.05)  # fits
    with pytest.raises(BudgetExceeded, match="would take"):
        ledger.check_budget(1.0, upcoming_usd=0.21)
    ledger.check_budget(1.0, upcoming_usd=0.21, override=True)
    ledger.check_budget(1.0, upcoming_usd=math.nan)  # a broken estimate is not a reason to block
