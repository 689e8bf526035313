"""The cost of each stored image, kept in ``images.cost_usd`` so the gallery can sort and filter by it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from functools import lru_cache

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.money import ledger
from imagestudio.core.types import Usage


@lru_cache(maxsize=1)
def _capabilities() -> Capabilities | None:
    try:
        return Capabilities.load()
    except ImageStudioError:
        return None  # no price table: costs stay unknown, never guessed


def image_cost(model: str, usage_json: str, images_in_request: int = 1) -> float | None:
    """This image's share of its request's cost (usage is reported per request), or None when unknown."""
    caps = _capabilities()
    if caps is None:
        return None
    try:
        raw = json.loads(usage_json)
        usage = Usage(**{k: int(v) for k, v in raw.items() if k in Usage.__dataclass_fields__})
    except (ValueError, TypeError):
        return None
    if not usage.total_tokens and not usage.output_image_tokens:
        return None
    cost = ledger.cost_usd(caps, model, usage)
    return None if cost is None else round(cost / max(1, images_in_request), 6)


def ledger_costs(conn: sqlite3.Connection) -> Iterator[tuple[int, float]]:
    """(id, cost) for every image whose cost can be worked out (used when migrating older libraries)."""
    for image_id, model, usage_json, params_json in conn.execute(
        "SELECT id, model, usage_json, params_json FROM images"
    ).fetchall():
        try:
            n = int(json.loads(params_json).get("n", 1))
        except (ValueError, TypeError, AttributeError):
            n = 1
        cost = image_cost(model, usage_json, n)
        if cost is not None:
            yield int(image_id), cost
