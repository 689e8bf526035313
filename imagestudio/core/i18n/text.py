"""Core's English messages in another language, without Qt: the matcher both the GUI and the CLI use.

A finished message (``fill``-ed, maybe passed through ``str(exc)``, a log line or the job table) is matched
against the templates core marked (``i18n_marks.TEMPLATES``): a fixed text is looked up directly, a filled one by a
pattern built from its template, and the variable parts (which may be messages themselves, e.g. "Could not save:
<reason>") are translated in turn. ``lookup(context, source)`` says what a template is in the target language: the
GUI passes ``QCoreApplication.translate`` (app/core_text.py), the CLI a table read from the ``.ts`` catalogue
(``Catalogue``). Unknown text is returned as it is.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path

from imagestudio.core.i18n.marks import TEMPLATES, fill

Lookup = Callable[[str, str], str]
_patterns: dict[str, tuple[re.Pattern[str], list[int]]] = {}


def _pattern(template: str) -> tuple[re.Pattern[str], list[int]]:
    if template not in _patterns:
        parts = re.split(r"%([1-9])", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
        _patterns[template] = (re.compile(regex, re.DOTALL), [int(p) for p in parts[1::2]])
    return _patterns[template]


def translate_message(text: str, lookup: Lookup, _depth: int = 0) -> str:
    """``text`` in ``lookup``'s language when core marked its template, else ``text`` unchanged."""
    if not text or _depth > 3:
        return text
    context = TEMPLATES.get(text)
    if context is not None:
        return lookup(context, text)
    # the most specific template first: the one with the most fixed text
    candidates = sorted((t for t in list(TEMPLATES) if "%" in t), key=lambda t: -len(re.sub(r"%[1-9]", "", t)))
    for template in candidates:
        regex, order = _pattern(template)
        match = regex.fullmatch(text)
        if match is None:
            continue
        args: dict[int, str] = {}
        for number, value in zip(order, match.groups(), strict=True):
            args[number] = translate_message(value, lookup, _depth + 1)
        weak = len(re.sub(r"%[1-9]", "", template)) < 4  # e.g. "%1: %2" fits any text with a colon
        if weak and all(args[n] == v for n, v in zip(order, match.groups(), strict=True)):
            continue
        translated = lookup(TEMPLATES[template], template)
        return fill(translated, *(args.get(i, f"%{i}") for i in range(1, max(order) + 1)))
    # several messages joined into one line by whoever reported them
    for separator in ("\n", "; "):
        if separator in text:
            pieces = text.split(separator)
            translated_pieces = [translate_message(p, lookup, _depth + 1) for p in pieces]
            if translated_pieces != pieces:
                return separator.join(translated_pieces)
    return text


class Catalogue:
    """The finished translations of one ``.ts`` file, by (context, source): the CLI's Qt-free lookup."""

    def __init__(self, entries: Mapping[tuple[str, str], str]) -> None:
        self._entries = dict(entries)

    @classmethod
    def read(cls, path: Path) -> Catalogue:
        """An empty catalogue when the file is missing or damaged: messages then stay in English."""
        entries: dict[tuple[str, str], str] = {}
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError):
            return cls(entries)
        for context in root.iter("context"):
            name = context.findtext("name", "")
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
                    continue
                if translation.text and translation.text.strip():
                    entries[(name, message.findtext("source", ""))] = translation.text
        return cls(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, context: str, source: str) -> str:
        return self._entries.get((context, source), source)


def language_from_environment(setting: str, environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language: the settings' choice when it names one we ship, else the POSIX locale variables in
    their order of precedence (LC_ALL, LC_MESSAGES, LANG; LANGUAGE's first entry before them, as gettext does)."""
    if setting in ("en", "zh_CN"):
        return setting
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            if value.split(".")[0] in ("C", "POSIX"):
                return "en"
            preferred = env.get("LANGUAGE", "").split(":")[0] or value
            return "zh_CN" if preferred.lower().startswith("zh") else "en"
    return "en"
