"""A scripted session with a recognisable key — set key, generate, edit, enhance, a 401, export, a crash — then
every byte the app wrote (data, config, cache, logs, the SQLite DB with its WAL, the ledger, the export folder,
captured stdout/stderr of the session and of the crashed process) is searched for the key, its base64 (at all
three alignments) and its UTF-16 forms. None may hold it. Also: no secure store → a clear message and nothing
written; log records redact Authorization headers and anything shaped like a key; ``keyrings.alt`` (which would
silently write keys to a file) is not installed."""

from __future__ import annotations

import base64
import importlib.metadata
import io
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from imagestudio import cli
from imagestudio.core import crashpoints
from imagestudio.core.secrets import SecretRedactor
from tests.simulator import OpenAISimulator

KEY = "sk-proj-RECOGNISABLE-" + secrets.token_hex(16)


def forms(key: str) -> list[bytes]:
    raw = key.encode()
    found = [raw, key.encode("utf-16-le"), key.encode("utf-16-be")]
    for cut in range(3):  # base64 of the key wherever it starts inside a longer blob
        encoded = base64.b64encode(raw[cut:])
        found.append(encoded[4 : len(encoded) - 4])
        found.append(base64.urlsafe_b64encode(raw[cut:])[4:-4])
    return found


def leaks(blob: bytes) -> list[str]:
    return [repr(f[:12]) for f in forms(KEY) if f in blob]


def scan(*roots: Path) -> dict[str, list[str]]:
    bad = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                found = leaks(path.read_bytes())
                if found:
                    bad[str(path)] = found
    return bad


@pytest.fixture
def sim() -> Iterator[OpenAISimulator]:
    with OpenAISimulator(api_key=KEY) as s:
        yield s


def run_cli(*argv: str, stdin: str | None = None) -> int:
    """``cli.run`` in a fresh thread (it calls asyncio.run); the same process keeps the in-memory keyring."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: cli.run(list(argv), stdin=io.StringIO(stdin or ""))).result(timeout=120)


@pytest.fixture
def no_log_handlers() -> Iterator[None]:
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "imagestudio", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.mark.timeout(180)
def test_a_whole_session_leaves_the_key_nowhere(
    home: Path, sim: OpenAISimulator, tmp_path: Path, capfd: pytest.CaptureFixture[str], no_log_handlers: None
) -> None:
    url = ("--base-url", sim.base_url)
    assert run_cli("key", "set", "--provider", "custom", stdin=KEY + "\n") == 0
    assert run_cli("generate", "a red kite", *url, "--quality", "low", "--partial-images", "1") == 0
    picture = tmp_path / "input.png"
    Image.new("RGB", (64, 64), (10, 200, 30)).save(picture)
    assert run_cli("edit", str(picture), "make it blue", *url) == 0
    assert run_cli("generate", "a kite", *url, "--enhance", "--quality", "low") == 0
    sim.fail_next(401)
    assert run_cli("generate", "a blue kite", *url) == 3
    export = tmp_path / "exported"
    assert run_cli("library", "export", "1", "2", "--to", str(export)) == 0
    assert run_cli("library", "export", "1", "--to", str(export / "jpeg"), "--format", "jpeg") == 0
    assert run_cli("key", "status", "--provider", "custom") == 0
    logging.getLogger("httpx").info("Authorization: Bearer %s", KEY)  # what a careless library might log
    logging.getLogger("imagestudio").exception("failed with headers {'Authorization': 'Bearer %s'}", KEY)
    session = capfd.readouterr()

    crash_env = {**os.environ, "IMAGESTUDIO_HOME": str(home), "OPENAI_API_KEY": KEY,
                 "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                 crashpoints.ENV: "ingest.after_original"}  # fmt: skip
    crashed = subprocess.run(
        [sys.executable, "-m", "imagestudio", "generate", "crash now", *url, "--quality", "low"],
        env=crash_env,
        capture_output=True,
        timeout=120,
    )
    assert crashed.returncode == crashpoints.EXIT_CODE, crashed.stderr

    written = scan(home, export)
    assert (home / "data" / "library.sqlite3").exists() and (home / "data" / "ledger.jsonl").exists()
    assert len(list(export.rglob("*.*"))) == 3
    assert written == {}
    assert leaks(session.out.encode()) == [] and leaks(session.err.encode()) == []
    assert leaks(crashed.stdout) == [] and leaks(crashed.stderr) == []
    log = (home / "logs" / "imagestudio.log").read_text(encoding="utf-8")
    assert f"Authorization: Bearer sk-…{KEY[-4:]}" in log  # the record was kept, only the key went (masked)
    assert "rejected (401)" in session.err


def test_no_secure_store_means_a_clear_message_and_no_file(tmp_path: Path) -> None:
    env = {**os.environ, "IMAGESTUDIO_HOME": str(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("OPENAI_API_KEY", None)
    out = subprocess.run(
        [sys.executable, "-m", "imagestudio", "key", "set"],
        input=(KEY + "\n").encode(),
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 3
    assert b"keyring" in out.stderr.lower() and leaks(out.stderr + out.stdout) == []
    assert scan(tmp_path) == {}


def test_the_scan_finds_every_form() -> None:
    for cut in range(3):  # base64 of a blob that holds the key at any offset
        assert leaks(base64.b64encode(b"xyz"[:cut] + KEY.encode() + b"!"))
    assert leaks(("note: " + KEY).encode("utf-16-le")) and not leaks(b"sk-proj-RECOGNISABLE-")


def test_redactor_masks_unknown_keys_and_authorization_headers() -> None:
    redactor = SecretRedactor()
    text = redactor.redact(f'POST /v1/images headers={{"Authorization": "Bearer {KEY}"}} api_key={KEY}')
    assert KEY not in text and KEY[8:-4] not in text
    assert '"Authorization": "Bearer ***"' in text
    assert redactor.redact("a kite, 1024x1024, sk-short") == "a kite, 1024x1024, sk-short"  # not key-shaped


def test_keyrings_alt_is_not_installed() -> None:
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("keyrings.alt")
