"""Run by tests/test_secret_service.py inside ``dbus-run-session`` with an unlocked gnome-keyring-daemon.

Not a test module itself (the leading underscore keeps pytest from collecting it). It exercises
``imagestudio.core.secrets.KeyStore`` and the ``key`` CLI against the real Secret Service with the default
keyring backend, then prints one JSON summary line on stdout. Every check is recorded (not asserted), so
the test sees all failures at once.

stdin: one JSON object ``{"api_key": "...", "cli_key": "..."}``; the keys never appear in the summary.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

SERVICE = "imagestudio"
PROFILE = "openai"
USERNAME = f"api-key:{PROFILE}"
EXPECTED_BACKEND = "keyring.backends.SecretService.Keyring"

checks: list[dict[str, Any]] = []
info: dict[str, Any] = {}


def check(name: str, ok: bool, detail: object = "") -> bool:
    checks.append({"name": name, "ok": bool(ok), "detail": str(detail)})
    return bool(ok)


def secret_tool_lookup() -> tuple[int, str]:
    """What ``secret-tool`` (libsecret, not Python) finds under keyring's attributes."""
    proc = subprocess.run(
        ["secret-tool", "lookup", "service", SERVICE, "username", USERNAME],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return proc.returncode, proc.stdout


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imagestudio", "key", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
    )


def stored_attributes() -> list[dict[str, str]]:
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return [dict(item.get_attributes()) for item in collection.search_items({"service": SERVICE})]
    finally:
        connection.close()


def scan(roots: list[Path], secrets: list[str], label: str) -> None:
    """No file under ``roots`` may hold a key in plaintext or base64 (what keyrings.alt would write)."""
    needles = []
    for s in secrets:
        needles += [s.encode(), base64.b64encode(s.encode()), s.encode("utf-16-le")]
    scanned, keyring_files, hits = 0, [], []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            scanned += 1
            if ".local/share/keyrings" in path.as_posix():
                keyring_files.append({"path": str(path.relative_to(root)), "size": len(data)})
            if any(n in data for n in needles):
                hits.append(str(path))
    info[f"scan_{label}"] = {"files": scanned, "keyring_files": keyring_files}
    check(f"{label}: no key in any file under HOME, IMAGESTUDIO_HOME, XDG_RUNTIME_DIR", not hits, hits)


def main() -> None:
    keys = json.loads(sys.stdin.readline())
    api_key, cli_key = keys["api_key"], keys["cli_key"]
    home = Path(os.environ["HOME"])
    app_home = Path(os.environ["IMAGESTUDIO_HOME"])
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    roots = [home, app_home, runtime]

    check("OPENAI_API_KEY is not set", "OPENAI_API_KEY" not in os.environ)
    check("a D-Bus session bus is set", bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")))

    from imagestudio.core.secrets import KeySource, KeyStore, mask

    started = time.monotonic()
    store = KeyStore()
    info["backend"] = store.backend_name()
    check("default backend is SecretService", info["backend"] == EXPECTED_BACKEND, info["backend"])
    check("keyring_available()", store.keyring_available())
    status = store.status(PROFILE)
    check("no key before the test", status.source is KeySource.NONE, status.source)

    # --- KeyStore: set, read back through a new KeyStore, look up with libsecret, delete ---------------
    check("set() stores in the keyring", store.set(PROFILE, api_key) is KeySource.KEYRING)
    check("set() leaves os.environ alone", not any(api_key in v for v in os.environ.values()))
    got, source = KeyStore().get(PROFILE)
    check("a new KeyStore reads the key back", got == api_key)
    check("... with source KEYRING", source is KeySource.KEYRING, source)
    fresh_status = KeyStore().status(PROFILE)
    check("status() shows the masked form", fresh_status.masked == mask(api_key), fresh_status.masked)
    check("status() names the backend", fresh_status.keyring_name == EXPECTED_BACKEND, fresh_status.keyring_name)
    rc, out = secret_tool_lookup()
    check("secret-tool lookup finds the key", rc == 0 and out == api_key, f"rc={rc}, len={len(out)}")
    attributes = stored_attributes()
    info["item_attributes"] = attributes  # no secrets in attributes
    check("exactly one item for the service", len(attributes) == 1, attributes)
    scan(roots, [api_key, cli_key], "stored")
    check("delete() reports a removal", KeyStore().delete(PROFILE) is True)
    got, source = KeyStore().get(PROFILE)
    check("gone for a new KeyStore", got is None and source is KeySource.NONE, source)
    rc, out = secret_tool_lookup()
    check("gone for secret-tool", rc != 0 and out == "", f"rc={rc}, len={len(out)}")
    check("a second delete() reports nothing removed", KeyStore().delete(PROFILE) is False)
    info["keystore_seconds"] = round(time.monotonic() - started, 2)

    # --- CLI: key set (stdin), key status, key delete ------------------------------------------------
    started = time.monotonic()
    masked = mask(cli_key)
    results = {}
    for step, args, stdin in [
        ("set", ("set",), cli_key + "\n"),
        ("status_stored", ("status",), ""),
        ("delete", ("delete",), ""),
        ("status_deleted", ("status",), ""),
    ]:
        proc = cli(*args, stdin=stdin)
        results[step] = proc
        output = proc.stdout + proc.stderr
        check(f"cli {step}: exit 0", proc.returncode == 0, f"rc={proc.returncode} stderr={proc.stderr[-500:]!r}")
        check(f"cli {step}: full key not printed", cli_key not in output and api_key not in output)
        if step == "set":
            rc, out = secret_tool_lookup()
            check("cli set: secret-tool finds the key", rc == 0 and out == cli_key, f"rc={rc}, len={len(out)}")
            scan(roots, [api_key, cli_key], "cli_stored")
    check("cli set: says saved, masked", masked in results["set"].stdout, results["set"].stdout)
    stored = results["status_stored"].stdout
    check("cli status: masked, in the system keyring", f"{masked} in the system keyring" in stored, stored)
    check("cli status: names the backend", EXPECTED_BACKEND in stored, stored)
    check("cli delete: says deleted", "Key deleted." in results["delete"].stdout, results["delete"].stdout)
    deleted = results["status_deleted"].stdout
    check("cli status after delete: no key set", "no key set" in deleted, deleted)
    rc, out = secret_tool_lookup()
    check("cli delete: gone for secret-tool", rc != 0 and out == "", f"rc={rc}, len={len(out)}")
    info["cli_seconds"] = round(time.monotonic() - started, 2)
    info["cli_status_output"] = stored

    scan(roots, [api_key, cli_key], "final")
    info["app_home_files"] = sorted(str(p.relative_to(app_home)) for p in app_home.rglob("*") if p.is_file())


if __name__ == "__main__":
    try:
        main()
    except Exception:
        check("probe ran to the end", False, traceback.format_exc())
    print(json.dumps({"ok": all(c["ok"] for c in checks), "checks": checks, "info": info}))
