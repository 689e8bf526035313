"""Subprocess driver for the kill -9 tests: runs the real CLI (batch, import, trash) against the simulator, kills
it (SIGKILL at a random moment, or at a named crash point), restarts it and checks what a crash left behind.

``python -m tests.killer save-settings`` is the one workload with no CLI command (the GUI saves settings).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

BATCH_PROMPTS = [f"kill loop kite {i}" for i in range(6)]
IMPORT_FILES = 24
N_PER_JOB = 2
_DONE = re.compile(r"^job (\d+) done \((\d+)/(\d+)\)", re.M)


def env_for(home: Path, key: str, crash_at: str | None = None) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "IMAGESTUDIO_CRASH_AT")
    }
    env["IMAGESTUDIO_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["OPENAI_API_KEY"] = key
    if crash_at:
        env["IMAGESTUDIO_CRASH_AT"] = crash_at
    return env


@dataclass
class Workbench:
    """One IMAGESTUDIO_HOME, its batch file and import folder, and what the app has acknowledged so far."""

    root: Path
    base_url: str
    key: str
    acknowledged_jobs: set[int] = field(default_factory=set)
    imports_acknowledged: bool = False
    orphans_seen: int = 0
    kills: int = 0
    trashed: set[str] = field(default_factory=set)  # sha256 of images put in the trash (may be deleted for good)
    batch_number: int = 0  # a finished batch file is followed by a new one; a killed one is run again (resumed)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def batch_file(self) -> Path:
        return self.root / f"kill-{self.batch_number}.jsonl"

    @property
    def import_dir(self) -> Path:
        return self.root / "incoming"

    def new_batch(self) -> None:
        self.batch_number += 1
        prompts = [f"{p} (batch {self.batch_number})" for p in BATCH_PROMPTS]
        lines = [json.dumps({"prompt": p, "n": N_PER_JOB, "quality": "low"}) for p in prompts]
        self.batch_file.write_text("\n".join(lines), encoding="utf-8")

    def prepare(self) -> None:
        self.new_batch()
        self.import_dir.mkdir(parents=True, exist_ok=True)
        for i in range(IMPORT_FILES):
            colour = (i * 37 % 256, i * 91 % 256, i * 13 % 256)
            Image.new("RGB", (96 + i, 64), colour).save(self.import_dir / f"photo-{i:02d}.png")

    def command(self, workload: str) -> list[str]:
        cli = [sys.executable, "-m", "imagestudio"]
        if workload == "batch":
            return [*cli, "batch", str(self.batch_file), "--base-url", self.base_url, "--concurrency", "2"]
        if workload == "import":
            return [*cli, "library", "import", str(self.import_dir)]
        if workload == "empty-trash":
            return [*cli, "library", "empty-trash"]
        if workload == "save-settings":
            return [sys.executable, "-m", "tests.killer", "save-settings"]
        raise ValueError(workload)

    def run(self, workload: str, *, crash_at: str | None = None, kill_after: float | None = None) -> tuple[int, str]:
        """Run one workload; SIGKILL it after ``kill_after`` s if still running. Returns (exit code, stderr)."""
        err_path = self.root / "stderr.txt"
        with err_path.open("wb") as err:
            proc = subprocess.Popen(
                self.command(workload),
                env=env_for(self.home, self.key, crash_at),
                stdout=subprocess.DEVNULL,
                stderr=err,
                cwd=Path(__file__).resolve().parents[1],
            )
            try:
                proc.wait(timeout=kill_after if kill_after is not None else 120)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                self.kills += 1
        stderr = err_path.read_text("utf-8", "replace")
        self._note_acknowledged(workload, stderr)
        if workload == "batch" and proc.returncode == 0:
            self.new_batch()
        return proc.returncode, stderr

    def _note_acknowledged(self, workload: str, stderr: str) -> None:
        """What the app told the person before it died: those images must survive."""
        if workload == "batch":
            self.acknowledged_jobs |= {int(m.group(1)) for m in _DONE.finditer(stderr)}
        if workload == "import" and "file(s) committed" in stderr:
            self.imports_acknowledged = True

    def trash_some(self) -> None:
        """Put a few imported images in the trash (a quick CLI call, never killed) for the empty-trash workload."""
        rows = self.query("SELECT id, sha256 FROM images WHERE provider = 'import' AND trashed_at IS NULL LIMIT 3")
        self.trashed |= {r[1] for r in rows}
        if rows:
            cli = [sys.executable, "-m", "imagestudio", "library", "trash", *(str(r[0]) for r in rows)]
            subprocess.run(cli, env=env_for(self.home, self.key), capture_output=True, check=True, timeout=60)

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        db = self.home / "data" / "library.sqlite3"
        if not db.exists():
            return []
        conn = sqlite3.connect(db, timeout=30)
        try:
            return conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):  # killed before the queue created its tables
                return []
            raise
        finally:
            conn.close()

    # -- after every kill: the app starts again and its library is sound ------------------------------
    def check_after_restart(self) -> dict[str, Any]:
        """``library check --json`` (a fresh process: it removes dead processes' temp files at start)."""
        # a check that hangs dumps its threads' stacks (faulthandler) instead of failing silently
        code = (
            "import faulthandler, sys; faulthandler.dump_traceback_later(60, exit=True); "
            "from imagestudio.main import main; sys.exit(main(['library', 'check', '--json']))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], env=env_for(self.home, self.key), capture_output=True, text=True, timeout=90
        )
        assert out.stdout, f"library check after kill {self.kills} gave no answer: {out.stderr[-3000:]}"
        report: dict[str, Any] = json.loads(out.stdout)
        problems = []
        if report["database"]:
            problems.append(f"database: {report['database']}")
        if report["missing_files"] or report["hash_mismatches"]:
            problems.append(f"missing {report['missing_files']} damaged {report['hash_mismatches']}")
        if report["search_index_out_of_step"]:
            problems.append("search index out of step")
        partial = self.partial_files()
        if partial:
            problems.append(f"partial files left: {partial}")
        problems += self.lost_acknowledged()
        problems += self.duplicates()
        self.orphans_seen += len(report["orphan_files"])
        assert not problems, f"after kill {self.kills}: {problems}"
        return report

    def partial_files(self) -> list[str]:
        found = []
        folders = (self.home / "data" / "tmp", self.home / "cache" / "tmp", self.home / "cache" / "thumbs")
        for folder in (*folders, self.home / "config"):
            if folder.exists():
                found += [str(p) for p in folder.rglob("*") if p.is_file() and p.name.startswith(".part")]
        return found

    def lost_acknowledged(self) -> list[str]:
        lost = []
        for job_id in sorted(self.acknowledged_jobs):
            rows = self.query(
                "SELECT i.rel_path, i.sha256 FROM queue_job_images q JOIN images i ON i.id = q.image_id"
                " WHERE q.job_id = ?",
                (job_id,),
            )
            if len(rows) != N_PER_JOB:
                lost.append(f"job {job_id} was reported done but has {len(rows)} image(s)")
            lost += [f"job {job_id}: {rel} lost or damaged" for rel, sha in rows if not self._intact(rel, sha)]
        if self.imports_acknowledged:
            stored = {r[0]: r[1] for r in self.query("SELECT sha256, rel_path FROM images")}
            for sha in self.incoming_shas() - self.trashed:  # only empty-trash may remove an imported image
                if sha not in stored or not self._intact(stored[sha], sha):
                    lost.append(f"an imported file ({sha[:12]}) was reported imported but is lost")
        return lost

    def incoming_shas(self) -> set[str]:
        return {hashlib.sha256(p.read_bytes()).hexdigest() for p in self.import_dir.iterdir()}

    def _intact(self, rel: str, sha: str) -> bool:
        path = self.home / "data" / rel
        return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha

    def duplicates(self) -> list[str]:
        twice = self.query("SELECT sha256, count(*) FROM images GROUP BY sha256 HAVING count(*) > 1")
        jobs = self.query(
            "SELECT batch, request_json, count(*) FROM queue_jobs GROUP BY batch, request_json HAVING count(*) > 1"
        )
        per_job = self.query("SELECT job_id, count(*) FROM queue_job_images GROUP BY job_id HAVING count(*) > 2")
        return [f"stored twice: {r}" for r in twice] + [f"queued twice: {r}" for r in jobs + per_job]


def random_kill_loop(bench: Workbench, kills: int, seed: int) -> None:
    """``kills`` SIGKILLs at random moments of random workloads, each followed by a restart and a check."""
    rng = random.Random(seed)
    bench.run("import", kill_after=0.05)  # the library exists before the first real kill
    while bench.kills < kills:
        workload = rng.choice(("batch", "batch", "import", "empty-trash"))
        if workload == "empty-trash":
            bench.trash_some()
        bench.run(workload, kill_after=rng.uniform(0.4, 2.4))
        bench.check_after_restart()


def finish_everything(bench: Workbench) -> dict[str, Any]:
    """Run every workload to its end, adopt orphans, and check that the whole library is clean."""
    code, stderr = bench.run("batch")
    assert code == 0, stderr
    code, stderr = bench.run("import")
    assert code in (0, 1), stderr  # 1: nothing skipped is expected, but duplicates are fine
    repaired = subprocess.run(
        [sys.executable, "-m", "imagestudio", "library", "check", "--repair", "--json"],
        env=env_for(bench.home, bench.key),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(repaired.stdout)["not_fixed"] == [], repaired.stdout
    final = bench.check_after_restart()
    assert final["problems"] == 0, final
    return final


def _save_settings() -> None:
    from imagestudio.core import settings
    from imagestudio.core.paths import AppPaths

    paths = AppPaths.from_environment().ensure()
    current = settings.load(paths.settings_file).settings
    settings.save(paths.settings_file, current.with_changes(queue_concurrency=current.queue_concurrency % 16 + 1))


if __name__ == "__main__":
    if sys.argv[1:] == ["save-settings"]:
        _save_settings()
    else:
        raise SystemExit(f"unknown workload: {sys.argv[1:]}")
