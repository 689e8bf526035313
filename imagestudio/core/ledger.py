"""What images cost, from the usage tokens the API reports and the prices in ``resources/models.json``."""

from __future__ import annotations

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.types import Usage


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
