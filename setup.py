"""Build hook: the wheel carries what the app reads at run time.

The top-level ``resources/`` folder stays the one source (the checkout, PyInstaller and the .deb read it there).
For a wheel, ``build_py`` copies it into the package as ``imagestudio/resources/`` — the model table, presets,
icons, the Linux desktop file and metainfo — and compiles the Chinese catalogue (``.ts`` → ``.qm``) with
PySide6's lrelease (a build requirement in pyproject.toml), so ``pip install .`` / ``pipx install .`` give a
complete app. ``imagestudio.core.paths.resources_dir()`` looks there first. Editable installs (``make``) skip the
copy and read the checkout's ``resources/``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
LINUX = ROOT / "packaging" / "linux"


def _lrelease() -> str:
    """PySide6's lrelease from the build environment (beside this Python, else on PATH)."""
    for name in ("pyside6-lrelease", "lrelease"):
        beside = Path(sys.executable).with_name(name)
        if beside.exists():
            return str(beside)
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("pyside6-lrelease not found: the wheel needs PySide6-Essentials to compile its translations")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's resources/
        target = Path(self.build_lib) / "imagestudio" / "resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "resources", target, ignore=shutil.ignore_patterns("*.qm", "__pycache__"))
        (target / "linux").mkdir()
        for name in ("io.github.imagestudio.ImageStudio.desktop", "io.github.imagestudio.ImageStudio.metainfo.xml"):
            shutil.copy2(LINUX / name, target / "linux" / name)
        for ts in sorted((target / "translations").glob("*.ts")):
            # the GUI loads the .qm; the CLI reads the .ts itself (no Qt in the CLI), so both ship
            subprocess.run([_lrelease(), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


setup(cmdclass={"build_py": BuildWithResources})
