"""`imagestudio generate` / `edit` are jobs of the persistent queue, driven as a person would: a real process, the
real SDK, real HTTP to the loopback simulator. A job row exists before anything is sent; a single 429 or 500 is
retried by the queue's policy; kill -9 leaves an interrupted job that `queue resume` finishes; Ctrl+C cancels
the job; a mistyped command exits 2 without opening a window."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from tests.simulator import OpenAISimulator
from tests.test_cli import cli


def _env(home: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env |= {"IMAGESTUDIO_HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env["OPENAI_API_KEY"] = key
    return env


# The CLI as a terminal starts it: Ctrl+C (SIGINT) at its default. A suite started in the background by a
# non-interactive shell inherits SIGINT ignored, and an ignored signal stays ignored across exec: the CLI would
# then (rightly) not react to it, and these tests would wait for nothing.
CLI_WITH_CTRL_C = [
    sys.executable,
    "-c",
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'imagestudio'; runpy.run_module('imagestudio', run_name='__main__', alter_sys=True)",
]


def _jobs(home: Path) -> list[tuple[int, str, int, int, str | None]]:
    with sqlite3.connect(home / "data" / "library.sqlite3") as db:
        rows = db.execute("SELECT id, state, n, received, batch FROM queue_jobs ORDER BY id").fetchall()
    return [(int(r[0]), str(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows]


def _image_count(home: Path) -> int:
    with sqlite3.connect(home / "data" / "library.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM images").fetchone()[0])


def _generations(simulator: OpenAISimulator) -> int:
    return sum(1 for r in simulator.requests if r.path == "/v1/images/generations")


def _wait_for_request(simulator: OpenAISimulator, proc: subprocess.Popen[str]) -> None:
    """Until the CLI's image request has reached the server (the server holds it: ``latency``)."""
    deadline = time.monotonic() + 60
    while _generations(simulator) == 0:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the request never arrived"
        time.sleep(0.05)


def test_generate_writes_a_job_and_keeps_its_output(tmp_path: Path, simulator: OpenAISimulator) -> None:
    out = cli(
        "generate", "a lighthouse", "--n", "2", "--quality", "low", "--base-url", simulator.base_url, "--json",
        home=tmp_path, key=simulator.api_key,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert set(body) == {"images", "provider", "model"}  # the shape scripts read, unchanged
    assert (body["provider"], body["model"]) == ("custom", "gpt-image-2")
    assert len(body["images"]) == 2
    assert set(body["images"][0]) >= {"id", "path", "width", "height", "sha256", "format", "prompt"}
    [(job_id, state, n, received, batch)] = _jobs(tmp_path)
    assert (state, n, received) == ("done", 2, 2) and batch  # a batch of its own: no other process runs it
    with sqlite3.connect(tmp_path / "data" / "library.sqlite3") as db:
        linked = [r[0] for r in db.execute("SELECT image_id FROM queue_job_images WHERE job_id = ?", (job_id,))]
    assert sorted(linked) == sorted(image["id"] for image in body["images"])
    listed = cli("queue", "list", "--json", home=tmp_path)
    assert [j["id"] for j in json.loads(listed.stdout)] == [job_id]
    assert out.stderr == ""  # nothing to say when all went well


def test_a_single_429_is_retried_and_the_image_stored(tmp_path: Path, simulator: OpenAISimulator) -> None:
    simulator.fail_next(429, code="rate_limit_exceeded", retry_after=1)
    out = cli("generate", "a cat", "--base-url", simulator.base_url, home=tmp_path, key=simulator.api_key)
    assert out.returncode == 0, out.stderr
    assert "Too many requests" in out.stderr and "Retrying" in out.stderr  # said once, on stderr
    path = Path(out.stdout.split()[0])
    with Image.open(path) as im:
        assert im.size == (1024, 1024)
    assert _generations(simulator) == 2
    assert [(state, received) for _id, state, _n, received, _b in _jobs(tmp_path)] == [("done", 1)]


def test_a_single_500_is_retried(tmp_path: Path, simulator: OpenAISimulator) -> None:
    simulator.fail_next(500)
    out = cli("generate", "a cat", "--base-url", simulator.base_url, "--json", home=tmp_path, key=simulator.api_key)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["images"]) == 1
    assert _generations(simulator) == 2
    assert _image_count(tmp_path) == 1


def test_enhance_and_partial_images_go_through_the_job(tmp_path: Path, simulator: OpenAISimulator) -> None:
    out = cli(
        "generate", "a kite", "--enhance", "--partial-images", "2", "--quality", "low",
        "--base-url", simulator.base_url, "--json", home=tmp_path, key=simulator.api_key,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["original_prompt"] == "a kite" and body["enhanced_prompt"] != "a kite"
    assert body["images"][0]["prompt"] == body["enhanced_prompt"]
    assert "partial image 1 (" in out.stderr and "partial image 2 (" in out.stderr
    [request] = [r for r in simulator.requests if r.path == "/v1/images/generations"]
    assert request.json is not None and request.json["stream"] is True


def test_kill_9_mid_request_leaves_a_job_that_queue_resume_finishes(tmp_path: Path) -> None:
    with OpenAISimulator(latency=120) as simulator:
        proc = subprocess.Popen(
            [*CLI_WITH_CTRL_C, "generate", "a harbour", "--base-url", simulator.base_url],
            env=_env(tmp_path, simulator.api_key), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait_for_request(simulator, proc)
        proc.kill()
        proc.communicate(timeout=30)
        [(job_id, state, _n, received, _batch)] = _jobs(tmp_path)
        assert (state, received) == ("running", 0)  # as the killed process left it
        listed = cli("queue", "list", "--json", home=tmp_path)  # sees that its process is gone
        assert [(j["id"], j["state"]) for j in json.loads(listed.stdout)] == [(job_id, "interrupted")]
        simulator.latency = 0
        url = ("--base-url", simulator.base_url)
        other = cli("generate", "a boat", *url, home=tmp_path, key=simulator.api_key)  # runs its own job only
        assert other.returncode == 0, other.stderr
        assert f"1 interrupted job(s) wait (#{job_id}): `imagestudio queue resume` finishes" in other.stderr
        assert [(i, s) for i, s, *_ in _jobs(tmp_path)] == [(job_id, "interrupted"), (job_id + 1, "done")]
        out = cli("queue", "resume", "--json", home=tmp_path, key=simulator.api_key)
        assert out.returncode == 0, out.stderr
        assert "resuming 1 interrupted job" in out.stderr
        [job] = json.loads(out.stdout)["jobs"]
        assert (job["id"], job["state"], len(job["images"])) == (job_id, "done", 1)
        assert _image_count(tmp_path) == 2
        assert _generations(simulator) == 3


def test_ctrl_c_cancels_the_job(tmp_path: Path) -> None:
    with OpenAISimulator(latency=120) as simulator:
        proc = subprocess.Popen(
            [*CLI_WITH_CTRL_C, "generate", "a harbour", "--base-url", simulator.base_url],
            env=_env(tmp_path, simulator.api_key), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait_for_request(simulator, proc)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, stderr
        assert stderr.strip().splitlines() == [f"imagestudio: job #{_jobs(tmp_path)[0][0]} cancelled."]
        assert stdout == ""
        assert [(state, received) for _id, state, _n, received, _b in _jobs(tmp_path)] == [("cancelled", 0)]
        assert _generations(simulator) == 1  # not sent again
        resumed = cli("queue", "resume", home=tmp_path, key=simulator.api_key)
        assert resumed.stdout.strip() == "Nothing to resume."  # a cancelled job stays cancelled


def test_ctrl_c_while_a_retry_waits_cancels_the_job(tmp_path: Path) -> None:
    with OpenAISimulator() as simulator:
        simulator.fail_next(500)
        proc = subprocess.Popen(
            [*CLI_WITH_CTRL_C, "generate", "a harbour", "--base-url", simulator.base_url],
            env=_env(tmp_path, simulator.api_key), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait_for_request(simulator, proc)
        simulator.latency = 120  # a retry that starts before the Ctrl+C is held by the server, and cancelled there
        deadline = time.monotonic() + 60
        while not [j for j in _jobs(tmp_path) if j[1] == "queued"] and _generations(simulator) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, stderr
        assert "cancelled." in stderr.strip().splitlines()[-1]
        assert [state for _id, state, *_ in _jobs(tmp_path)] == ["cancelled"]
        assert _generations(simulator) <= 2


def test_queue_cancel_from_another_terminal_ends_the_waiting_command(tmp_path: Path) -> None:
    with OpenAISimulator(latency=120) as simulator:
        proc = subprocess.Popen(
            [sys.executable, "-m", "imagestudio", "generate", "a harbour", "--base-url", simulator.base_url, "--json"],
            env=_env(tmp_path, simulator.api_key), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        _wait_for_request(simulator, proc)
        [(job_id, *_rest)] = _jobs(tmp_path)
        cancel = cli("queue", "cancel", str(job_id), home=tmp_path)
        assert "the process running it will stop it" in cancel.stdout
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, stderr
        assert f"job #{job_id} cancelled (from the app or `imagestudio queue cancel`)" in stderr
        assert stdout == ""
        assert [state for _id, state, *_ in _jobs(tmp_path)] == ["cancelled"]


def test_a_mistyped_command_exits_2_without_opening_a_window(tmp_path: Path) -> None:
    env = _env(tmp_path, "sk-unused-0000")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)  # were a window tried, Qt would fail to start: exit 134, not 2
    probe = (
        "import sys\nfrom imagestudio.main import main\nrc = main(sys.argv[1:])\n"
        "print('qt' if 'PySide6' in sys.modules else 'no qt')\nsys.exit(rc)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, "genrate", "a red fox"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert out.stdout.strip() == "no qt"
    [line] = out.stderr.strip().splitlines()
    assert "unknown command 'genrate'" in line and "Did you mean “generate”?" in line
    unknown_option = cli("--verbose", home=tmp_path)
    assert unknown_option.returncode == 2 and "unrecognized arguments: --verbose" in unknown_option.stderr


def test_what_opens_the_window() -> None:
    from imagestudio.launch import opens_window

    assert opens_window([])
    assert opens_window(["-platform", "offscreen"]) and opens_window(["--style=fusion", "-reverse"])
    assert opens_window(["-psn_0_12345"])
    assert not opens_window(["genrate"]) and not opens_window(["photo.png"])
    assert not opens_window(["-reverse", "generate"]) and not opens_window(["--json"])


def test_estimate_prints_the_cost_and_sends_nothing(tmp_path: Path, simulator: OpenAISimulator) -> None:
    from imagestudio.core.capabilities import Capabilities
    from imagestudio.core.money.pricing import estimate_request
    from imagestudio.core.types import EditRequest, GenerationRequest

    url = ("--base-url", simulator.base_url)
    one = cli("generate", "a fox", *url, "--quality", "high", "--size", "1536x1024", "--estimate", "--json",
              home=tmp_path, key=simulator.api_key)  # fmt: skip
    two = cli("generate", "a fox", *url, "--quality", "high", "--size", "1536x1024", "--n", "2", "--partial-images",
              "1", "--estimate", "--json", home=tmp_path, key=simulator.api_key)  # fmt: skip
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    first, second = json.loads(one.stdout), json.loads(two.stdout)
    assert (first["model"], first["quality"], first["size"], first["n"]) == ("gpt-image-2", "high", "1536x1024", 1)
    assert (second["n"], second["partial_images"], second["sent"]) == (2, 1, False)
    caps = Capabilities.load()
    expected = estimate_request(caps, GenerationRequest("a fox", "gpt-image-2", "1536x1024", "high", n=2,
                                                        partial_images=1))  # fmt: skip
    assert second["estimate"]["usd"] == round(expected.usd, 6) > first["estimate"]["usd"] > 0
    assert second["estimate"]["label"] == expected.label()

    photo, mask = tmp_path / "photo.png", tmp_path / "mask.png"
    Image.new("RGB", (64, 64), (10, 200, 30)).save(photo)
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(mask)
    edit = cli("edit", str(photo), str(photo), "--mask", str(mask), "make it blue", *url, "--estimate",
               "--size", "1024x1024", "--quality", "auto", home=tmp_path, key=simulator.api_key)  # fmt: skip
    assert edit.returncode == 0, edit.stderr
    assert "input images 3" in edit.stdout and "Nothing was sent." in edit.stdout
    request = EditRequest("make it blue", "gpt-image-2", (str(photo), str(photo)), mask=str(mask), size="1024x1024")
    assert f"estimated cost: {estimate_request(caps, request).label()}" in edit.stdout

    bad = cli("generate", "a fox", *url, "--quality", "xhigh", "--estimate", home=tmp_path, key=simulator.api_key)
    assert bad.returncode == 2 and "quality" in bad.stderr
    assert simulator.requests == []  # nothing was sent, ever
    db = tmp_path / "data" / "library.sqlite3"
    assert not db.exists() or _jobs(tmp_path) == []  # and no job was queued
