"""Helpers for packaging/build-deb.sh that are easier in Python than in shell.

    python packaging/debian_meta.py version              imagestudio.__version__ (the one version number)
    python packaging/debian_meta.py app-id               imagestudio.APP_ID
    python packaging/debian_meta.py changelog OUT        a Debian changelog made from the metainfo <releases>
    python packaging/debian_meta.py elf-files DIR        every ELF file under DIR, one a line
    python packaging/debian_meta.py licenses DIR         the licence files of every bundled distribution

The metainfo's newest release must be the current version: ``changelog`` fails otherwise, so a release cannot be
packaged with stale release notes.
"""

from __future__ import annotations

import email.utils
import importlib.metadata
import re
import shutil
import sys
import textwrap
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imagestudio import APP_ID, __version__  # noqa: E402

METAINFO = ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
MAINTAINER = "imagestudio developers <imagestudio@users.noreply.github.com>"


def releases(metainfo: Path = METAINFO) -> list[tuple[str, str, str]]:
    """(version, date, plain-text notes) for each <release>, newest first as written."""
    root = ET.parse(metainfo).getroot()
    out = []
    for release in root.iterfind("./releases/release"):
        notes = " ".join(" ".join("".join(el.itertext()).split()) for el in release.iterfind("./description/*"))
        out.append((release.get("version", ""), release.get("date", ""), notes))
    return out


def changelog(metainfo: Path = METAINFO) -> str:
    entries = releases(metainfo)
    if not entries or entries[0][0] != __version__:
        newest = entries[0][0] if entries else "none"
        raise SystemExit(f"{metainfo.name}: newest <release> is {newest}, but imagestudio.__version__ is {__version__}")
    blocks = []
    for version, date, notes in entries:
        when = datetime.strptime(date, "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
        body = textwrap.fill(notes or "New release.", width=76, initial_indent="  * ", subsequent_indent="    ")
        blocks.append(
            f"imagestudio ({version}) unstable; urgency=medium\n\n{body}\n\n"
            f" -- {MAINTAINER}  {email.utils.format_datetime(when)}\n"
        )
    return "\n".join(blocks)


def elf_files(directory: Path) -> list[Path]:
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def licenses(out_dir: Path) -> list[Path]:
    """Copy the licence files of imagestudio's runtime dependency closure (and of Python) to OUT/<name>/."""
    from packaging.requirements import Requirement  # PyInstaller depends on packaging

    copied: list[Path] = []
    seen: set[str] = set()
    todo = ["imagestudio"]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in map(Requirement, dist.requires or []):
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
        for file in dist.files or []:
            if re.search(r"LICEN[CS]E|COPYING|NOTICE", file.name, re.I) and ".dist-info" in str(file):
                target = out_dir / name / file.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(str(dist.locate_file(file))), target)
                copied.append(target)
    python_license = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    python_license /= "LICENSE.txt"
    if python_license.is_file():
        (out_dir / "python").mkdir(parents=True, exist_ok=True)
        copied.append(Path(shutil.copyfile(python_license, out_dir / "python" / "LICENSE.txt")))
    return copied


def main(argv: list[str]) -> int:
    if argv == ["version"]:
        print(__version__)
    elif argv == ["app-id"]:
        print(APP_ID)
    elif len(argv) == 2 and argv[0] == "changelog":
        Path(argv[1]).write_text(changelog(), encoding="utf-8")
    elif len(argv) == 2 and argv[0] == "licenses":
        licenses(Path(argv[1]))
    elif len(argv) == 2 and argv[0] == "elf-files":
        print("\n".join(str(p) for p in elf_files(Path(argv[1]))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
