"""``imagestudio queue list|resume|cancel|clear``: the persistent job queue shared with the app.

``resume`` turns the jobs of dead processes into ``interrupted``, resumes them (only their missing images are
asked for) and runs every waiting job here. Exit codes: 0 all done; 2 a bad argument; 3 a job failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

from imagestudio.cli.batch_api import run_batches
from imagestudio.cli.messages import fail as _fail
from imagestudio.cli.session import EXIT_OK, EXIT_USAGE, Session, report, with_concurrency
from imagestudio.core import settings as settings_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.host import runner_alive
from imagestudio.core.queue.jobs import Job
from imagestudio.core.secrets import KeyStore
from imagestudio.core.types import JobState


def add_commands(sub: Any) -> None:
    q = sub.add_parser("queue", help="the job queue shared with the app")
    q.add_argument("action", choices=("list", "resume", "cancel", "clear", "batches"))
    q.add_argument("id", nargs="?", type=int, help="the job to cancel")
    q.add_argument("--json", action="store_true")
    q.add_argument("--concurrency", type=int)
    q.add_argument("--wait", action="store_true", help="batches: poll until every Batch API batch has ended")
    q.add_argument("--every", type=float, default=60.0, help="batches --wait: seconds between polls (default 60)")
    q.add_argument(
        "--resubmit-missing",
        action="store_true",
        help="resume: also send again, once, the jobs an expired batch missed",
    )


def run_queue(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    s = settings_io.load(paths.settings_file).settings
    limited = with_concurrency(s, args.concurrency)
    if limited is None:
        return _fail("--concurrency must be between 1 and 16", EXIT_USAGE)
    session = Session(paths, keys, limited, Capabilities.load(), None)
    actions: dict[str, Callable[[argparse.Namespace, Session], int]] = {
        "list": _list,
        "resume": _resume,
        "cancel": _cancel,
        "clear": _clear,
        "batches": lambda a, sess: run_batches(sess, wait=a.wait, every=max(0.0, a.every), as_json=a.json),
    }
    try:
        return actions[args.action](args, session)
    finally:
        session.close()


def _list(args: argparse.Namespace, session: Session) -> int:
    now = session.store.db.clock.now()  # a job whose process died (kill -9, a crash) is listed as interrupted
    session.store.recover(lambda runner: runner_alive(runner, now=now))
    jobs = session.store.all()
    if args.json:
        print(json.dumps([j.to_json() for j in jobs], ensure_ascii=False))
        return EXIT_OK
    if not jobs:
        print("The queue is empty.")
    for j in jobs:
        cost = "—" if j.cost is None else f"${j.cost:.2f}"
        error = f"  {j.error}" if j.error and j.state is not JobState.DONE else ""
        print(f"#{j.id:<5} {j.state.value:<11} {j.received}/{j.n}  tries {j.attempts}  {cost:>6}  {j.profile:<8} "
              f"{j.request.prompt[:40]}{error}")  # fmt: skip
    return EXIT_OK


def _resume(args: argparse.Namespace, session: Session) -> int:
    async def go() -> list[Job]:
        await session.runner.start()
        missing = set() if args.resubmit_missing else await asyncio.to_thread(session.batches.store.missing_ids)
        interrupted = await asyncio.to_thread(
            lambda: [j.id for j in session.store.all() if j.state is JobState.INTERRUPTED]
        )
        resumed = [i for i in interrupted if i not in missing and await asyncio.to_thread(session.store.retry, i)]
        if missing:
            print(f"imagestudio: {len(missing)} job(s) an expired batch missed wait (--resubmit-missing sends them)",
                  file=sys.stderr)  # fmt: skip
        await session.batches.tick(poll_now=True)  # batch-mode jobs are sent, every batch polled, ended ones collected
        await session.batches.close()
        if resumed:
            note = f"resuming {len(resumed)} interrupted job(s) (they may have been charged)"
            print(f"imagestudio: {note}", file=sys.stderr)
        waiting = await asyncio.to_thread(session.store.candidates, session.runner.token)
        await session.run_until_idle()
        return waiting

    jobs = asyncio.run(go())
    if not jobs:
        print("Nothing to resume.")
        return EXIT_OK
    return report(session, jobs, [], args.json, None)


def _cancel(args: argparse.Namespace, session: Session) -> int:
    if args.id is None:
        return _fail("queue cancel needs a job id (see: imagestudio queue list)", EXIT_USAGE)
    job = session.store.get(args.id)
    if job is None:
        return _fail(f"there is no job #{args.id}", EXIT_USAGE)
    if job.state.finished:
        print(f"Job #{job.id} has already finished ({job.state.value}).")
    elif session.store.request_cancel(job.id):
        print(f"Job #{job.id} cancelled.")
    else:
        print(f"Job #{job.id} is running; the process running it will stop it.")
    return EXIT_OK


def _clear(args: argparse.Namespace, session: Session) -> int:
    removed = session.store.clear_finished()
    print(f"Removed {len(removed)} finished job(s) from the queue (their images stay in the library).")
    return EXIT_OK
