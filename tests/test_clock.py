"""Calendar edges: the ledger's day and month, model shutdowns, trash and job stamps all follow the one injected
clock, at 23:59:59 on the last day of a month and of a year, in a zone whose midnight is not UTC's, and across a
daylight-saving change. Nothing here reads the real date."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import FixedClock, day_start, local_date, month_start
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import BudgetExceeded, Ledger, LedgerEntry
from imagestudio.core.paths import AppPaths, resources_dir
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Shanghai", "Pacific/Kiritimati"])
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The same checks in zones behind, ahead of and far ahead of UTC (local midnight is not UTC midnight)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def spend(ledger: Ledger, at: dt.datetime, usd: float) -> None:
    ledger.append(LedgerEntry(at.timestamp(), "generate", "openai", "gpt-image-2", usd))


@pytest.mark.parametrize(
    ("last_second", "month_before"),
    [
        (dt.datetime(2026, 12, 31, 23, 59, 59), dt.datetime(2026, 11, 30, 23, 59, 59)),  # end of a year
        (dt.datetime(2027, 2, 28, 23, 59, 59), dt.datetime(2027, 1, 31, 12)),  # end of a short month
        (dt.datetime(2028, 2, 29, 23, 59, 59), dt.datetime(2028, 1, 1, 0)),  # leap day
    ],
)
def test_budget_month_and_today_turn_over_at_local_midnight(
    zone: str, tmp_path: Path, last_second: dt.datetime, month_before: dt.datetime
) -> None:
    clock = FixedClock(last_second)
    ledger = Ledger(tmp_path, clock)
    first_of_month = last_second.replace(day=1, hour=0, minute=0, second=0)
    spend(ledger, month_before, 50.0)  # last month: never in this month's total
    spend(ledger, first_of_month, 0.40)  # the month's first second
    spend(ledger, last_second - dt.timedelta(hours=1), 0.35)
    spend(ledger, last_second, 0.25)  # the day's last second

    totals = ledger.totals(1.0)
    assert (totals.today_usd, totals.month_usd) == (0.6, 1.0)
    assert totals.blocked
    with pytest.raises(BudgetExceeded):
        ledger.check_budget(1.0)

    clock.advance(1)  # 00:00:00 on the first of the next month: a new budget month and a new day
    totals = ledger.totals(1.0)
    assert (totals.today_usd, totals.month_usd, totals.blocked) == (0.0, 0.0, False)
    ledger.check_budget(1.0)
    spend(ledger, dt.datetime.fromtimestamp(clock.now()), 0.5)
    assert ledger.totals(1.0).month_usd == 0.5


def test_new_lines_are_stamped_by_the_ledger_clock(tmp_path: Path) -> None:
    clock = FixedClock(dt.datetime(2026, 12, 31, 23, 59, 59))
    ledger = Ledger(tmp_path, clock)
    assert ledger.clock.now() == clock.now()
    clock.advance(3600 * 24 * 365 * 5)  # five years on: still the clock's word, not the machine's
    assert local_date(ledger.clock).year == 2031


def test_daylight_saving_days_have_their_local_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        # 2027-03-28 has 23 hours in Berlin, 2027-10-31 has 25: "today" still starts at local 00:00
        for day, hours in ((dt.datetime(2027, 3, 28), 23), (dt.datetime(2027, 10, 31), 25)):
            late = day.replace(hour=23, minute=59, second=59).timestamp()
            assert dt.datetime.fromtimestamp(day_start(late)) == day
            assert round((late + 1 - day_start(late)) / 3600) == hours
        assert dt.datetime.fromtimestamp(month_start(dt.datetime(2027, 3, 31, 23, 59, 59).timestamp())) == (
            dt.datetime(2027, 3, 1)
        )
    finally:
        monkeypatch.undo()
        time.tzset()


def write_table(tmp_path: Path, shutdown: str) -> Path:
    table = json.loads((resources_dir() / "models.json").read_text(encoding="utf-8"))
    for model in table["models"]:
        if model["id"] != table.get("default_model"):
            model["shutdown"] = shutdown
    path = tmp_path / "models.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    return path


def test_a_model_is_offered_until_the_last_second_before_its_shutdown_day(tmp_path: Path) -> None:
    path = write_table(tmp_path, "2027-01-01")
    clock = FixedClock(dt.datetime(2026, 12, 31, 23, 59, 59))
    before = Capabilities.load(path, today=local_date(clock))
    clock.advance(1)
    after = Capabilities.load(path, today=local_date(clock))
    assert len(before.models()) > 1 and [m.id for m in after.models()] == [after.default_model]
    assert before.today == dt.date(2026, 12, 31) and after.today == dt.date(2027, 1, 1)
    soon = next(m for m in before.models() if m.shutdown is not None)
    assert soon.retiring_within(1, before.today) and not soon.retiring_within(0, before.today)
    assert after.restricted_to({after.default_model}).today == after.today


def test_library_and_queue_stamps_come_from_the_clock(tmp_path: Path) -> None:
    clock = FixedClock(dt.datetime(2026, 12, 31, 23, 59, 59))
    paths = AppPaths.from_environment({"IMAGESTUDIO_HOME": str(tmp_path)}).ensure()
    library = Library(paths, clock)
    try:
        store = JobStore(library.db)
        (job,) = store.add([GenerationRequest("a fox in the snow", "gpt-image-2")], profile="demo")
        assert job.created_at == clock.now()
        clock.advance(1)
        collection = library.create_collection("New year")
        assert library.db.read("SELECT created_at FROM collections WHERE id = ?", (collection,)) == [(clock.now(),)]
        assert store.get(job.id) is not None
    finally:
        library.close()
