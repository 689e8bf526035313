"""Disks: full (ENOSPC injected into the write path; a real RLIMIT_FSIZE limit on a CLI process), read-only and
permission errors. Each gives a clear message, nothing half-written, nothing already stored damaged, and the same
objects keep working once the disk is fine again."""

from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core import settings as settings_io
from imagestudio.core.files import fsutil
from imagestudio.core.library import importer, integrity
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult


def picture(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (seed * 40 % 256, 90, 200)).save(out, "PNG")
    return out.getvalue()


def result(seed: int) -> tuple[GenerationRequest, GenerationResult]:
    request = GenerationRequest(prompt=f"kite {seed}", model="gpt-image-2", size="1024x1024")
    return request, GenerationResult(images=(GeneratedImage(picture(seed), "png"),), provider="openai",
                                     model="gpt-image-2")  # fmt: skip


def fail_with(code: int) -> Any:
    def raiser(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))

    return raiser


@pytest.fixture
def library(paths: AppPaths) -> Any:
    lib = Library(paths)
    yield lib
    lib.close()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(("target", "code"), [("fsync", errno.ENOSPC), ("replace", errno.ENOSPC),
                                              ("mkstemp", errno.EROFS), ("mkstemp", errno.EACCES)])  # fmt: skip
def test_ingest_on_a_full_or_read_only_disk(
    library: Library, paths: AppPaths, monkeypatch: pytest.MonkeyPatch, target: str, code: int
) -> None:
    kept = library.ingest(*result(1))
    before = _files(paths.originals)
    owner = tempfile if target == "mkstemp" else fsutil.os
    with monkeypatch.context() as m:
        m.setattr(owner, target, fail_with(code))
        with pytest.raises(OSError) as raised:
            library.ingest(*result(2))
    assert raised.value.errno == code and raised.value.strerror  # the OS's words: "No space left on device"
    assert library.db.count() == 1 and _files(paths.originals) == before  # nothing new, nothing half-written
    assert not [p for p in _files(paths.tmp)]
    assert integrity.check(library).problems == 0  # the image already stored is untouched
    again = library.ingest(*result(2))  # the disk has room again: the same library goes on
    assert library.db.count() == 2 and again[0].id != kept[0].id


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_import_reports_each_file_it_could_not_copy(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.png").write_bytes(picture(i + 10))
    with monkeypatch.context() as m:
        m.setattr(tempfile, "mkstemp", fail_with(code))
        report = importer.import_paths(library, [folder])
    assert [(i.status, i.reason, i.detail) for i in report.items] == [
        ("skipped", "could not be copied", os.strerror(code))
    ] * 3
    assert library.db.count() == 0
    assert importer.import_paths(library, [folder]).count("imported") == 3


def test_settings_save_on_a_full_disk_keeps_the_old_file(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    old = settings_io.Settings(queue_concurrency=5)
    settings_io.save(paths.settings_file, old)
    with monkeypatch.context() as m:
        m.setattr(fsutil.os, "fsync", fail_with(errno.ENOSPC))
        with pytest.raises(OSError):
            settings_io.save(paths.settings_file, dataclasses.replace(old, queue_concurrency=9))
    loaded = settings_io.load(paths.settings_file)
    assert loaded.warnings == [] and loaded.settings == old
    assert [p.name for p in paths.config.iterdir()] == ["settings.json"]  # no temp file left beside it


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))  # a process may write no bigger file


def test_cli_import_under_a_real_file_size_limit(tmp_path: Path) -> None:
    """The kernel refuses the write (EFBIG): the big file is reported, the small ones are imported."""
    folder = tmp_path / "in"
    folder.mkdir()
    noise = Image.frombytes("RGB", (900, 700), os.urandom(900 * 700 * 3))
    noise.save(folder / "big.png")
    assert (folder / "big.png").stat().st_size > 1_500_000
    (folder / "small.png").write_bytes(picture(3))
    env = {**os.environ, "IMAGESTUDIO_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-m", "imagestudio", "library", "import", str(folder), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size,
    )
    assert out.returncode == 1, out.stderr  # 1: some files skipped
    files = {Path(f["path"]).name: f for f in json.loads(out.stdout)["files"]}
    assert files["big.png"]["status"] == "skipped" and files["big.png"]["reason"] == "could not be copied"
    assert files["big.png"]["detail"] == os.strerror(errno.EFBIG)
    assert files["small.png"]["status"] == "imported"
    check = subprocess.run(
        [sys.executable, "-m", "imagestudio", "library", "check", "--json"], env=env, capture_output=True, timeout=60
    )
    assert json.loads(check.stdout)["problems"] == 0


def test_a_job_on_a_full_disk_stays_queued_with_a_clear_message(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.simulator import OpenAISimulator
    from tests.test_faults_api import run_job

    with OpenAISimulator() as sim, monkeypatch.context() as m:
        m.setattr(fsutil.os, "fsync", fail_with(errno.ENOSPC))
        out = run_job(paths, sim)
    assert "No space left on device" in (out.job.error or ""), out.job.error
    assert out.job.state.value in ("queued", "interrupted")


def test_only_dead_processes_temp_files_are_removed_at_start(paths: AppPaths) -> None:
    """The CLI starting while the GUI writes must not delete the GUI's half-written file (it is renamed next)."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid, live_pid = int(dead.stdout), os.getpid()
    for folder in (paths.tmp / str(dead_pid), paths.tmp / str(live_pid), paths.cache / "tmp" / str(dead_pid)):
        folder.mkdir(parents=True)
        (folder / ".part-x").write_bytes(b"half")
    (paths.config / f".part-{dead_pid}-abc").write_bytes(b"half")
    (paths.config / f".part-{live_pid}-abc").write_bytes(b"half")
    Library(paths).close()
    paths.ensure()
    assert not (paths.tmp / str(dead_pid)).exists() and not (paths.cache / "tmp" / str(dead_pid)).exists()
    assert (paths.tmp / str(live_pid) / ".part-x").exists()
    assert sorted(p.name for p in paths.config.iterdir()) == [f".part-{live_pid}-abc"]
