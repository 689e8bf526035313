"""Show core's English messages in the interface language.

Core marks its message templates with ``QT_TRANSLATE_NOOP`` (``core/i18n_marks.py``) and fills ``%1``… with
the variable parts. Here a finished message is matched against the recorded templates: a fixed text is looked
up directly, a filled one by a pattern built from its template, and the variable parts (which may be messages
themselves, e.g. "Could not save: <reason>") are translated in turn. Unknown text is shown as it is.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from imagestudio.core.i18n_marks import TEMPLATES, fill

_patterns: dict[str, tuple[re.Pattern[str], list[int]]] = {}


def _pattern(template: str) -> tuple[re.Pattern[str], list[int]]:
    if template not in _patterns:
        parts = re.split(r"%([1-9])", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
        _patterns[template] = (re.compile(regex, re.DOTALL), [int(p) for p in parts[1::2]])
    return _patterns[template]


def translate_message(text: str, _depth: int = 0) -> str:
    """``text`` in the interface language when core marked its template, else ``text`` unchanged."""
    if not text or _depth > 3:
        return text
    context = TEMPLATES.get(text)
    if context is not None:
        return QCoreApplication.translate(context, text)
    # the most specific template first: the one with the most fixed text
    candidates = sorted((t for t in list(TEMPLATES) if "%" in t), key=lambda t: -len(re.sub(r"%[1-9]", "", t)))
    for template in candidates:
        regex, order = _pattern(template)
        match = regex.fullmatch(text)
        if match is None:
            continue
        args: dict[int, str] = {}
        for number, value in zip(order, match.groups(), strict=True):
            args[number] = translate_message(value, _depth + 1)
        weak = len(re.sub(r"%[1-9]", "", template)) < 4  # e.g. "%1: %2" fits any text with a colon
        if weak and all(args[n] == v for n, v in zip(order, match.groups(), strict=True)):
            continue
        translated = QCoreApplication.translate(TEMPLATES[template], template)
        return fill(translated, *(args.get(i, f"%{i}") for i in range(1, max(order) + 1)))
    # several messages joined into one line by whoever reported them
    for separator in ("\n", "; "):
        if separator in text:
            pieces = text.split(separator)
            translated_pieces = [translate_message(p, _depth + 1) for p in pieces]
            if translated_pieces != pieces:
                return separator.join(translated_pieces)
    return text
