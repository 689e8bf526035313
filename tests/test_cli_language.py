"""The CLI speaks the person's language without Qt: core's messages from the .ts catalogue, chosen by LANG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.i18n.text import Catalogue, language_from_environment, translate_message
from imagestudio.core.paths import resources_dir
from imagestudio.core.types import GenerationRequest

TS = resources_dir() / "translations" / "imagestudio_zh_CN.ts"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_GB.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),
        ({}, "en"),
    ],
)
def test_language_follows_the_posix_locale_variables(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment("system", environ) == expected
    assert language_from_environment("en", {"LANG": "zh_CN.UTF-8"}) == "en"  # an explicit choice wins


def test_catalogue_translates_filled_core_messages() -> None:
    catalogue = Catalogue.read(TS)
    assert len(catalogue) > 100
    with pytest.raises(ImageStudioError) as raised:  # the message as core makes it (and marks its template)
        Capabilities.load().validate(GenerationRequest("x", "gpt-image-2", size="17x17"))
    english = raised.value.message
    assert english == "gpt-image-2: Both sides must be multiples of 16 (17x17 is not)."
    chinese = translate_message(english, catalogue.lookup)
    assert chinese != english and "17x17" in chinese and "16" in chinese
    assert translate_message("not a core message", catalogue.lookup) == "not a core message"


def test_a_damaged_or_missing_catalogue_leaves_english(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ts"
    bad.write_text("<TS><context><name>x", encoding="utf-8")
    for path in (bad, tmp_path / "missing.ts"):
        assert len(Catalogue.read(path)) == 0


def test_the_cli_prints_chinese_under_a_chinese_locale_and_imports_no_qt(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from imagestudio.cli import run\n"
        "code = run(['generate', 'x', '--provider', 'demo', '--size', '17x17'])\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'the CLI imported Qt'\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "IMAGESTUDIO_HOME": str(tmp_path), "LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": ""}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "两边都必须是 16 的倍数" in done.stderr
    env["LANG"] = "en_US.UTF-8"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Both sides must be multiples of 16" in done.stderr


def test_a_reader_that_goes_away_ends_the_command_quietly_and_keeps_its_work(tmp_path: Path) -> None:
    """`imagestudio generate … --json | true`: the reader is gone before the answer is printed; no traceback,
    exit 141 (as SIGPIPE would), and the images are in the library all the same."""
    env = {**os.environ, "IMAGESTUDIO_HOME": str(tmp_path), "LANG": "C.UTF-8"}
    command = f"'{sys.executable}' -m imagestudio generate 'a fox' --provider demo --n 3 --json | true"
    done = subprocess.run(
        ["bash", "-c", f"{command}; echo rc=${{PIPESTATUS[0]}}"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "rc=141", (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "imagestudio", "library", "list", "--json", "--expand-stacks"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert listed.stdout.count('"sha256"') == 3
