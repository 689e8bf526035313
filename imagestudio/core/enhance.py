"""The prompt-enhancement agent: a small text model rewrites a short prompt into a detailed image description.

The model name comes from settings (its prices and shutdown date from ``resources/models.json``); the
instruction is editable. The user's language is kept unless the instruction says otherwise. Both prompts are
stored with the image (``GenerationRequest.original_prompt``) and the text model's cost goes to the ledger.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Protocol

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.money.pricing import text_rates

DEFAULT_INSTRUCTION = (
    "You improve prompts for an image generation model. Rewrite the user's prompt into one detailed, concrete "
    "description of the image: subject, setting, composition, lighting, colours, style and mood. Keep every "
    "detail the user gave and do not contradict it. Answer in the same language as the user's prompt. "
    "Answer with the rewritten prompt only, without quotes, headings or explanations."
)
MAX_ENHANCED_CHARS = 32_000


class TextAnswer(Protocol):
    text: str
    model: str
    input_tokens: int
    output_tokens: int


class TextProvider(Protocol):
    async def complete_text(self, *, model: str, instructions: str, text: str) -> TextAnswer: ...


@dataclass(frozen=True, slots=True)
class Enhancement:
    original: str
    enhanced: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd: float | None  # None: the model's prices are not in the table (never a guess)


def text_cost_usd(caps: Capabilities, model: str, input_tokens: int, output_tokens: int) -> float | None:
    """The text model's cost; a model without a price in the table counts at the conservative fallback rates."""
    pin, pout, _estimated = text_rates(caps, model)
    total = (max(0, input_tokens) * pin + max(0, output_tokens) * pout) / 1_000_000
    return round(total, 6) if 0 <= total < float("inf") else 0.0


async def enhance(
    provider: TextProvider, caps: Capabilities, prompt: str, *, model: str, instruction: str = ""
) -> Enhancement:
    prompt = prompt.strip()
    if not prompt:
        raise InvalidRequest("Write a prompt first.")
    if caps.text_model(model) is None:
        offered = ", ".join(t.id for t in caps.text_models()) or "none"
        raise InvalidRequest(f"{model!r} is not a current text model for enhancement (choose {offered}).")
    answer = await provider.complete_text(model=model, instructions=instruction or DEFAULT_INSTRUCTION, text=prompt)
    enhanced = _clean(answer.text)[:MAX_ENHANCED_CHARS]
    return Enhancement(
        prompt,
        enhanced or prompt,
        model,
        answer.input_tokens,
        answer.output_tokens,
        text_cost_usd(caps, model, answer.input_tokens, answer.output_tokens),
    )


def _clean(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”「」":
        text = text[1:-1].strip()
    return text


_TOKEN = re.compile(r"\s+|[\u3000-\u9fff\uac00-\ud7af]|[^\s\u3000-\u9fff\uac00-\ud7af]+")


def diff_spans(original: str, enhanced: str) -> list[tuple[str, bool]]:
    """``enhanced`` cut into (text, is_new) pieces: words (or CJK characters) not in ``original`` are new."""
    a, b = _TOKEN.findall(original), _TOKEN.findall(enhanced)
    spans: list[tuple[str, bool]] = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        piece = "".join(b[j1:j2])
        if piece:
            spans.append((piece, tag != "equal"))
    return spans


def has_cjk(text: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)
