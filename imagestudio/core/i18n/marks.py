"""Mark core's human messages for translation without importing Qt.

``core`` builds every message in English. ``QT_TRANSLATE_NOOP("CoreMessages", "text %1")`` is a name that
``pyside6-lupdate`` extracts into the ``.ts`` catalogue; here it only records the template and returns it.
``fill(template, *args)`` puts the variable parts into ``%1``, ``%2``…. The interface translates a finished
English message at display time (``imagestudio.app.core_text.translate_message``) by matching it against the
recorded templates, so a message keeps working after it went through ``str(exc)``, a log line or the job table.
"""

from __future__ import annotations

import re

#: template -> its translation context; filled as messages are marked (constant texts, not app state)
TEMPLATES: dict[str, str] = {}
_PLACEHOLDER = re.compile(r"%([1-9])")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """The name lupdate looks for; records ``text`` so the interface can find it again."""
    TEMPLATES.setdefault(text, context)
    return text


def fill(template: str, *args: object) -> str:
    """``template`` with ``%1``… replaced by ``args`` in one pass (an argument containing ``%2`` stays as it is)."""

    def arg(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(args[index]) if index < len(args) else match.group(0)

    return _PLACEHOLDER.sub(arg, template)
