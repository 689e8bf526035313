"""What the CLI prints for a person: core's messages in their language, without Qt.

The language comes from the POSIX locale variables (``LANG=zh_CN.UTF-8 imagestudio …`` prints Chinese), the
translations from the same ``.ts`` catalogue the GUI's ``.qm`` is built from (the wheel and the checkout carry
it). Messages core did not mark stay in English.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from imagestudio.core.i18n.text import Catalogue, language_from_environment, translate_message
from imagestudio.core.paths import resources_dir


@lru_cache(maxsize=2)
def _catalogue(language: str) -> Catalogue | None:
    if language == "en":
        return None
    return Catalogue.read(resources_dir() / "translations" / f"imagestudio_{language}.ts")


def localized(message: str) -> str:
    catalogue = _catalogue(language_from_environment("system"))
    return message if catalogue is None else translate_message(message, catalogue.lookup)


def fail(message: str, code: int) -> int:
    """One line on stderr in the person's language; returns ``code`` (the exit code)."""
    print(f"imagestudio: {localized(message)}", file=sys.stderr)
    return code
