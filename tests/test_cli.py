"""`imagestudio generate` and `imagestudio key`, run as a person would: a real process, real HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from imagestudio import __version__
from tests.simulator import OpenAISimulator


def cli(
    *args: str,
    home: Path,
    key: str | None = None,
    stdin: str | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")} | (env or {})
    env["IMAGESTUDIO_HOME"] = str(home)
    # a keyring backend that exists nowhere: no real keyring is touched by CLI tests
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if key is not None:
        env["OPENAI_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "imagestudio", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version(tmp_path: Path) -> None:
    out = cli("--version", home=tmp_path)
    assert out.returncode == 0
    assert out.stdout.strip() == f"imagestudio {__version__}"


def test_generate_against_openai_compatible_server(tmp_path: Path, simulator: OpenAISimulator) -> None:
    out = cli(
        "generate", "雪中的红狐狸在奔跑", "--size", "1536x1024", "--n", "2", "--quality", "low",
        "--format", "webp", "--base-url", simulator.base_url, "--json",
        home=tmp_path, key=simulator.api_key,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert len(result["images"]) == 2
    with sqlite3.connect(tmp_path / "data" / "library.sqlite3") as db:
        rows = dict(db.execute("SELECT id, sha256 FROM images").fetchall())
    for image in result["images"]:
        data = Path(image["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == image["sha256"] == rows[image["id"]]
        with Image.open(Path(image["path"])) as im:
            assert (im.format, im.size) == ("WEBP", (1536, 1024))
        assert (image["width"], image["height"]) == (1536, 1024)

    # the request was valid for the official API, and exactly one was sent (no SDK retries)
    [request] = [r for r in simulator.requests if r.path == "/v1/images/generations"]
    assert request.json is not None
    sent = dict(request.json)
    # a hash of the local install id (never personal data), the same on every request
    assert len(sent.pop("safety_identifier")) == 64
    assert sent == {
        "prompt": "雪中的红狐狸在奔跑", "model": "gpt-image-2", "size": "1536x1024",
        "quality": "low", "n": 2, "output_format": "webp",
    }  # fmt: skip
    assert request.headers.get("authorization") == f"Bearer {simulator.api_key}"

    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert simulator.api_key.encode() not in file.read_bytes(), file


def test_generate_plain_output_and_demo(tmp_path: Path) -> None:
    out = cli("generate", "a quiet harbour", "--provider", "demo", home=tmp_path)
    assert out.returncode == 0, out.stderr
    path = out.stdout.split()[0]
    assert Path(path).exists()
    assert "1024x1024" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "1000x1000"], "multiples of 16"),
        (["--size", "3840x1024"], "aspect ratio"),
        (["--model", "dall-e-3"], "shut down"),
        (["--model", "gpt-image-2", "--quality", "xhigh"], "quality"),
        (["--n", "11"], "not 11"),
        (["--format", "gif"], "cannot produce 'gif'"),  # gpt-image-2 has no GIF preview
        (["--format", "png", "--compression", "50"], "JPEG and WEBP"),
        (["--background", "transparent", "--format", "jpeg"], "transparent"),
        (["--partial-images", "4"], "partial images"),
        (["--base-url", "ftp://x"], "http"),
    ],
)
def test_invalid_options_exit_2_before_any_request(
    tmp_path: Path, simulator: OpenAISimulator, args: list[str], message: str
) -> None:
    base = [] if "--base-url" in args else ["--base-url", simulator.base_url]
    out = cli("generate", "a cat", *base, *args, home=tmp_path, key=simulator.api_key)
    assert out.returncode == 2
    assert message in out.stderr
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (429, "insufficient_quota", "no credit left"),
        (400, "moderation_blocked", "safety system"),
    ],
)  # a 429 rate limit or a 500 is retried by the queue instead: tests/test_cli_jobs.py
def test_provider_errors_exit_3_with_one_human_line(
    tmp_path: Path, simulator: OpenAISimulator, status: int, code: str | None, message: str
) -> None:
    simulator.fail_next(status, code=code)
    out = cli("generate", "a cat", "--base-url", simulator.base_url, home=tmp_path, key=simulator.api_key)
    assert out.returncode == 3
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert len(simulator.requests) == 1  # never retried behind the user's back: retries can double-bill


def test_rejected_key_exit_3_and_key_not_printed(tmp_path: Path, simulator: OpenAISimulator) -> None:
    wrong = "sk-this-is-not-the-right-key-98765"
    out = cli("generate", "a cat", "--base-url", simulator.base_url, home=tmp_path, key=wrong)
    assert out.returncode == 3
    assert "rejected" in out.stderr
    assert wrong not in out.stderr + out.stdout
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert wrong.encode() not in file.read_bytes(), file


def test_network_down_exit_3(tmp_path: Path, simulator: OpenAISimulator) -> None:
    url = simulator.base_url
    simulator.stop()
    out = cli("generate", "a cat", "--base-url", url, home=tmp_path, key="sk-anything-12345678")
    assert out.returncode == 3
    assert "Could not reach" in out.stderr


def test_no_key_for_openai_exit_3(tmp_path: Path) -> None:
    out = cli("generate", "a cat", "--provider", "openai", home=tmp_path)
    assert out.returncode == 3
    assert "No API key" in out.stderr


def test_key_commands_without_secure_store(tmp_path: Path) -> None:
    status = cli("key", "status", home=tmp_path)
    assert status.returncode == 0
    assert "no key set" in status.stdout and "none" in status.stdout
    saved = cli("key", "set", home=tmp_path, stdin="sk-secret-value-000111222\n")
    assert saved.returncode == 3
    assert "No secure keyring" in saved.stderr
    assert "sk-secret-value-000111222" not in saved.stderr + saved.stdout
    env_status = cli("key", "status", home=tmp_path, key="sk-from-environment-4321")
    assert "sk-…4321" in env_status.stdout
    assert "sk-from-environment-4321" not in env_status.stdout
