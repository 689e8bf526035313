"""Filters by date range, model, size and cost: the CLI options of `library list/search` and the gallery's
Filters popup both narrow the same ``LibraryQuery``."""

from __future__ import annotations

import datetime
import json
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import QDate

from imagestudio import cli
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from tests.test_library import make_result

DAY = datetime.date(2025, 3, 10)


def _midday(day: datetime.date) -> float:
    return datetime.datetime.combine(day, datetime.time(12)).timestamp()


def _seed(paths: AppPaths) -> dict[str, int]:
    """Three images: (model, size, day, cost) differ so every filter has something to drop."""
    lib = Library(paths)
    ids: dict[str, int] = {}
    specs = {
        "old small cheap": ("gpt-image-1", (64, 64), DAY - datetime.timedelta(days=30), 0.01),
        "mid big": ("gpt-image-2", (128, 96), DAY, 0.20),
        "new fox": ("gpt-image-2", (64, 48), DAY + datetime.timedelta(days=1), 0.05),
    }
    for prompt, (model, size, day, cost) in specs.items():
        request, result = make_result(prompt=prompt, size=size)
        [image] = lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=_midday(day))
        ids[prompt] = image.id
        with lib.db.transaction() as c:  # the model and price as another tool would have recorded them
            c.execute("UPDATE images SET model = ?, cost_usd = ? WHERE id = ?", (model, cost, image.id))
    lib.close()
    return ids


def _cli_ids(capsys: pytest.CaptureFixture[str], *args: str) -> list[int]:
    assert cli.run(["library", *args, "--json"]) == 0
    return [i["id"] for i in json.loads(capsys.readouterr().out)["images"]]


def test_until_covers_a_25_hour_day(
    paths: AppPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Berlin's 2027-10-31 has 25 hours: an image made at 23:30 that day is still "until 2027-10-31"."""
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        lib = Library(paths)
        request, result = make_result(prompt="late on the long day")
        late = datetime.datetime(2027, 10, 31, 23, 30).timestamp()
        [image] = lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=late)
        lib.close()
        assert _cli_ids(capsys, "list", "--until", "2027-10-31") == [image.id]
        assert _cli_ids(capsys, "list", "--since", "2027-11-01") == []
    finally:
        monkeypatch.undo()
        time.tzset()


def test_cli_filters(paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _seed(paths)
    old, mid, new = ids["old small cheap"], ids["mid big"], ids["new fox"]
    assert _cli_ids(capsys, "list") == [new, mid, old]
    assert _cli_ids(capsys, "list", "--model", "gpt-image-2") == [new, mid]
    assert _cli_ids(capsys, "list", "--since", DAY.isoformat()) == [new, mid]
    assert _cli_ids(capsys, "list", "--until", DAY.isoformat()) == [mid, old]  # the whole last day counts
    assert _cli_ids(capsys, "list", "--since", DAY.isoformat(), "--until", DAY.isoformat()) == [mid]
    assert _cli_ids(capsys, "list", "--min-size", "100x90") == [mid]
    assert _cli_ids(capsys, "list", "--min-cost", "0.05") == [new, mid]
    assert _cli_ids(capsys, "search", "fox", "--model", "gpt-image-2") == [new]
    assert _cli_ids(capsys, "search", "fox", "--model", "gpt-image-1") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "10/03/2025"], "--since must be a date like 2025-01-31"),
        (["--min-size", "big"], "--min-size must look like 1024x1024"),
        (["--min-cost", "-1"], "--min-cost cannot be negative"),
    ],
)
def test_cli_bad_filter_is_a_clear_message(
    paths: AppPaths, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli.run(["library", "list", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.gui
def test_gallery_filter_popup(qtbot: Any, make_app: Any, paths: AppPaths) -> None:
    ids = _seed(paths)
    old, mid, new = ids["old small cheap"], ids["mid big"], ids["new fox"]
    parts = make_app()
    model, filters = parts.gallery_model, parts.window.gallery.search.filters
    qtbot.waitUntil(lambda: model.ids() == [new, mid, old])
    assert filters.text() == "Filters"
    assert filters.model.findText("gpt-image-2") > 0  # the current models are offered

    filters.model.setCurrentText("gpt-image-2")
    qtbot.waitUntil(lambda: model.ids() == [new, mid])
    filters.min_size.setCurrentIndex(0)
    filters.cost.setValue(0.1)
    qtbot.waitUntil(lambda: model.ids() == [mid])
    assert filters.text() == "Filters (2)"

    filters.reset()
    qtbot.waitUntil(lambda: model.ids() == [new, mid, old])
    filters.since.setDate(QDate(DAY.year, DAY.month, DAY.day))
    filters.until.setDate(QDate(DAY.year, DAY.month, DAY.day))
    filters.use_since.setChecked(True)
    qtbot.waitUntil(lambda: model.ids() == [new, mid])
    filters.use_until.setChecked(True)
    qtbot.waitUntil(lambda: model.ids() == [mid])

    filters.reset()
    sizes = [filters.min_size.itemData(i) for i in range(filters.min_size.count())]
    with sqlite3.connect(paths.library_db) as conn:  # make one image "big" for the smallest size step
        conn.execute("UPDATE images SET width = 1024, height = 1024 WHERE id = ?", (old,))
    filters.min_size.setCurrentIndex(sizes.index(1024 * 1024))
    qtbot.waitUntil(lambda: model.ids() == [old])
    assert filters.active_count() == 1
