"""KeyStore and the ``key`` CLI against a real Secret Service (gnome-keyring under a private D-Bus session).

The conftest's in-memory keyring only replaces the backend in this process; the probe runs in a fresh
interpreter with keyring's default backend selection. System packages: see tests/system-deps.sh.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "_secret_service_probe.py"
TIMEOUT = 30  # seconds; a normal run takes 1-2 s
SESSION = 'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"; exec "$0" "$1"'
# Variables that would point keyring, the daemon or the app anywhere but the temp dirs.
SCRUB = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "PYTHON_KEYRING_BACKEND",
    "DBUS_SESSION_BUS_ADDRESS",
    "GNOME_KEYRING_CONTROL",
    "SSH_AUTH_SOCK",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
)


def _missing_tools() -> list[str]:
    return [t for t in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(t) is None]


def _scan(roots: list[Path], needles: list[str]) -> list[str]:
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                if any(n.encode() in data for n in needles):
                    hits.append(str(path))
    return hits


@pytest.mark.secret_service
def test_keystore_and_cli_against_real_secret_service(tmp_path: Path) -> None:
    missing = _missing_tools()
    if missing:
        pytest.skip(f"needs {' and '.join(missing)} (apt: gnome-keyring dbus; see tests/system-deps.sh)")
    # secret-tool is part of the required setup (libsecret-tools): a missing one fails the probe loudly.

    home, runtime, app_home = tmp_path / "home", tmp_path / "run", tmp_path / "app"
    for d in (home, runtime, app_home):
        d.mkdir()
        d.chmod(0o700)  # gnome-keyring and dbus insist on a private runtime dir
    env = {k: v for k, v in os.environ.items() if k not in SCRUB}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), IMAGESTUDIO_HOME=str(app_home), PYTHONUNBUFFERED="1")
    tag = secrets.token_hex(12)
    keys = {"api_key": f"sk-imagestudio-probe-{tag}-api", "cli_key": f"sk-imagestudio-probe-{tag}-cli"}

    started = time.monotonic()
    proc = subprocess.Popen(
        ["dbus-run-session", "--", "bash", "-c", SESSION, sys.executable, str(PROBE)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # one process group to kill on timeout
    )
    try:
        stdout, stderr = proc.communicate(json.dumps(keys) + "\n", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"the probe did not finish within {TIMEOUT} s\nstdout: {stdout[-2000:]}\nstderr: {stderr[-2000:]}")
    elapsed = time.monotonic() - started

    assert proc.returncode == 0, f"rc={proc.returncode}\nstdout: {stdout[-2000:]}\nstderr: {stderr[-2000:]}"
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON summary\nstdout: {stdout[-2000:]}\nstderr: {stderr[-2000:]}"
    summary = json.loads(lines[-1])
    failed = [c for c in summary["checks"] if not c["ok"]]
    assert not failed, json.dumps(failed, indent=2) + f"\nstderr: {stderr[-2000:]}"

    info = summary["info"]
    assert info["backend"] == "keyring.backends.SecretService.Keyring"
    # keyring's SecretService backend stores these attributes; secret-tool looked the key up by the first two.
    # gnome-keyring sometimes adds "xdg:schema" (when it has re-read its file before the search): ignore it.
    attributes = [{k: v for k, v in a.items() if k != "xdg:schema"} for a in info["item_attributes"]]
    assert attributes == [
        {"service": "imagestudio", "username": "api-key:openai", "application": "Python keyring library"}
    ]
    # The daemon really wrote its (encrypted) store under the temp HOME, and the scan covered it.
    assert info["scan_stored"]["keyring_files"], info["scan_stored"]
    assert info["scan_cli_stored"]["keyring_files"], info["scan_cli_stored"]
    assert len(summary["checks"]) >= 30

    # Nothing leaked into the probe's own output, nor into any file once the daemon has exited.
    assert not any(k in stdout or k in stderr for k in keys.values())
    assert _scan([home, runtime, app_home], list(keys.values())) == []
    assert elapsed < TIMEOUT
