"""Show core's English messages in the interface language (the installed Qt translators).

The matching lives in ``core/i18n/text.py`` (the CLI uses it too, with a catalogue read without Qt); here the
lookup is ``QCoreApplication.translate``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from imagestudio.core.i18n import text as i18n_text


def translate_message(text: str) -> str:
    """``text`` in the interface language when core marked its template, else ``text`` unchanged."""
    return i18n_text.translate_message(text, QCoreApplication.translate)
