from __future__ import annotations

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.ledger import cost_usd
from imagestudio.core.types import Usage


def test_sunburst_prices_per_token_kind() -> None:
    caps = Capabilities.load()
    usage = Usage(input_text_tokens=1_000, input_image_tokens=2_000, output_image_tokens=10_000)
    # $5/M text in, $8/M image in, $30/M image out
    assert cost_usd(caps, "gpt-image-2.5-sunburst", usage) == 0.005 + 0.016 + 0.3


def test_unknown_prices_give_none_not_a_guess() -> None:
    caps = Capabilities.load()
    assert cost_usd(caps, "gpt-image-2", Usage(output_image_tokens=100)) is None
    assert cost_usd(caps, "no-such-model", Usage(output_image_tokens=100)) is None
    assert cost_usd(caps, "gpt-image-2", Usage()) == 0.0
