"""Keep the Chinese translation in step with the code.

    python -m tools.translations update    # pyside6-lupdate: add new source texts to the .ts, drop vanished ones
    python -m tools.translations release   # pyside6-lrelease: build the .qm the app loads (never edit it by hand)
    python -m tools.translations check     # list texts that are new or unfinished (exit 1 if any)

Translate in Qt Linguist (``pyside6-linguist resources/translations/imagestudio_zh_CN.ts``) or any editor.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# core marks its messages with QT_TRANSLATE_NOOP (core/i18n/marks.py); the interface translates them
SOURCES = [ROOT / "imagestudio" / "ui", ROOT / "imagestudio" / "app", ROOT / "imagestudio" / "core"]
TS = ROOT / "resources" / "translations" / "imagestudio_zh_CN.ts"


def tool(name: str) -> str:
    """A Qt tool from PySide6 next to this Python (a venv's bin), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e .)")
    return found


def update(ts: Path = TS) -> None:
    ts.parent.mkdir(parents=True, exist_ok=True)
    # no source locations: line numbers would change the .ts on every unrelated edit
    args = ["-extensions", "py", "-no-obsolete", "-locations", "none", "-silent"]
    subprocess.run([tool("pyside6-lupdate"), *args, *map(str, SOURCES), "-ts", str(ts)], check=True)


def release(ts: Path = TS, qm: Path | None = None) -> Path:
    qm = qm or ts.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def unfinished(ts: Path = TS) -> list[tuple[str, str]]:
    """(context, source) of every message without a finished translation."""
    missing = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            empty = translation is None or (not (translation.text or "").strip() and not translation.findall("*"))
            if empty or (translation is not None and translation.get("type") in ("unfinished", "vanished", "obsolete")):
                missing.append((name, message.findtext("source", "")))
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "release":
        release()
    elif command != "check":
        print(__doc__)
        return 2
    missing = unfinished()
    for context, source in missing:
        print(f"unfinished: [{context}] {source}")
    return 1 if missing and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
