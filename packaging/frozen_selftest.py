"""Self-test of a frozen build on any OS (.github/workflows/release.yml runs it on Windows and macOS).

    python packaging/frozen_selftest.py --cli EXE [--gui EXE] --backend NAME

Runs the same checks as the Linux installed-build smoke test (packaging/smoke_test.sh), minus dpkg:
``--version``, one demo image through the CLI, one image through the real (frozen, lazily imported) openai SDK
against tests/simulator.py, the GUI offscreen until its main window is shown (IMAGESTUDIO_SMOKE_TEST=1), the
keyring backend the frozen app selects, and that keyrings.alt is not in the bundle. Every run of the app gets a
fresh IMAGESTUDIO_HOME. ``--cli`` is the console executable (imagestudio-cli.exe on Windows, whose
imagestudio.exe is windowed and has no stdout); ``--gui`` defaults to it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imagestudio import __version__  # noqa: E402

SIMULATOR_KEY = "sk-test-simulator-key-0000"  # tests/simulator.py's default


def _run(cmd: list[str], home: Path, extra: dict[str, str] | None = None, timeout: float = 120) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "PYTHON_KEYRING_BACKEND")}
    env.update(IMAGESTUDIO_HOME=str(home), QT_QPA_PLATFORM="offscreen", **(extra or {}))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"FAIL {cmd!r} exited {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def _image_path(stdout: str) -> Path:
    path = Path(json.loads(stdout)["images"][0]["path"])
    if not path.is_file() or path.stat().st_size == 0:
        raise SystemExit(f"FAIL no image at {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True, type=Path)
    parser.add_argument("--gui", type=Path)
    parser.add_argument(
        "--backend",
        required=True,
        help="expected `key status` secure store, e.g. keyring.backends.Windows.WinVaultKeyring",
    )
    parser.add_argument("--keyring-round-trip", action="store_true", help="also set, read and delete a test key")
    args = parser.parse_args(argv)
    cli, gui = str(args.cli), str(args.gui or args.cli)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)

        out = _run([cli, "--version"], home).strip()
        assert out == f"imagestudio {__version__}", out
        print(f"ok   --version: {out}")

        demo = _image_path(_run([cli, "generate", "a lighthouse at dusk", "--provider", "demo", "--json"], home))
        print(f"ok   demo provider: {demo.name}")

        out = _run([gui], home, {"IMAGESTUDIO_SMOKE_TEST": "1"})  # exit 0 only after the window was exposed
        # (a windowed Windows exe prints nothing; elsewhere the app says what it saw)
        assert not out or ("gallery holds 1 images; icon ok" in out), out
        print("ok   GUI showed its main window offscreen and quit cleanly")

        with subprocess.Popen(
            [sys.executable, "-m", "tests.simulator"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        ) as simulator:
            try:
                assert simulator.stdout is not None
                base_url = simulator.stdout.readline().strip()
                assert base_url.startswith("http://127.0.0.1:"), base_url
                cmd = [cli, "generate", "a red kite over the sea", "--base-url", base_url, "--json"]
                image = _image_path(_run(cmd, home, {"OPENAI_API_KEY": SIMULATOR_KEY}))
            finally:
                simulator.kill()
        print(f"ok   openai SDK against the simulator: {image.name}")

        status = _run([cli, "key", "status"], home)
        assert f"secure store: {args.backend}" in status, status
        print(f"ok   keyring backend: {args.backend}")
        if args.keyring_round_trip:
            key = "sk-selftest-0123456789abcdef"
            env = {"IMAGESTUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
            done = subprocess.run(
                [cli, "key", "set"], input=key + "\n", capture_output=True, text=True, env={**os.environ, **env}
            )
            assert done.returncode == 0 and "Key saved" in done.stdout, done.stdout + done.stderr
            assert "sk-…cdef in the system keyring" in _run([cli, "key", "status"], home)
            assert "Key deleted." in _run([cli, "key", "delete"], home)
            print("ok   keyring round trip: set, status, delete")

    listing = subprocess.run(
        [sys.executable, "-m", "PyInstaller.utils.cliutils.archive_viewer", "-r", "-b", str(args.cli)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    missing = {"keyring.backends.SecretService", "keyring.backends.Windows", "keyring.backends.macOS", "openai"}
    missing -= set(listing)
    assert not missing, f"not in the frozen app: {missing}"
    assert not [m for m in listing if m.startswith("keyrings")], "keyrings.alt is in the frozen app"
    print("ok   keyring backends and openai frozen in; keyrings.alt absent")
    print("frozen self-test: all checks ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
