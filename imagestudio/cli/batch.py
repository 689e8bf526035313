"""``imagestudio batch FILE.jsonl``, ``generate --repeat N`` and ``imagestudio queue list|resume|cancel|clear``.

Every request goes through the same persistent queue as the app (rows in the library DB), so a job queued here
shows up in a running app's jobs panel, and only one process runs a given job. Running the same batch file again
after a crash or kill does not queue it twice: it resumes it (``interrupted`` jobs ask only for their missing
images). Exit codes: 0 all done; 2 a bad line or argument (the other lines still run); 3 a job failed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagestudio.cli.images import _options, _resolve_images, _settings_for
from imagestudio.core import errors
from imagestudio.core import settings as settings_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.install_id import safety_identifier
from imagestudio.core.jobs import AnyRequest, Job, profile_of, settings_for_profile
from imagestudio.core.ledger import Ledger
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import make_provider
from imagestudio.core.queue import JobStore
from imagestudio.core.runner import QueueRunner
from imagestudio.core.runner_host import LocalHost
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest, JobState

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 3
_OPTION_FIELDS = {
    "model", "size", "quality", "n", "output_format", "background", "output_compression", "moderation",
    "complexity", "partial_images", "frame_count", "frame_duration_ms", "svg_model", "svg_effort",
}  # fmt: skip
_LINE_FIELDS = _OPTION_FIELDS | {"prompt", "images", "mask", "markup"}


def add_commands(sub: Any) -> None:
    b = sub.add_parser("batch", help="run a JSONL file of requests (one per line) through the job queue")
    b.add_argument("file", help='lines like {"prompt": "...", "model": "...", "size": "1024x1024", "n": 2}')
    b.add_argument("--concurrency", type=int, help="jobs at once (default: settings, 3)")
    b.add_argument("--json", action="store_true", help="print the result as JSON")
    b.add_argument("--profile", help="a provider profile by name")
    b.add_argument("--provider", choices=("openai", "demo"), help="default: settings, or demo with no key")
    b.add_argument("--base-url", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    q = sub.add_parser("queue", help="the job queue shared with the app")
    q.add_argument("action", choices=("list", "resume", "cancel", "clear"))
    q.add_argument("id", nargs="?", type=int, help="the job to cancel")
    q.add_argument("--json", action="store_true")
    q.add_argument("--concurrency", type=int)


def _fail(message: str, code: int) -> int:
    print(f"imagestudio: {message}", file=sys.stderr)
    return code


# -- parsing ---------------------------------------------------------------------------------------------
def parse_line(text: str, s: Settings, caps: Capabilities, paths: AppPaths, sid: str) -> AnyRequest:
    """One JSONL line → a validated request (raises InvalidRequest with a human message)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise errors.InvalidRequest(f"not valid JSON ({e.msg})") from None
    except ValueError:
        raise errors.InvalidRequest("not valid JSON") from None
    if not isinstance(data, dict):
        raise errors.InvalidRequest("a line must be a JSON object")
    unknown = sorted(set(data) - _LINE_FIELDS)
    if unknown:
        raise errors.InvalidRequest(f"unknown field(s): {', '.join(unknown)}")
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise errors.InvalidRequest('"prompt" must be a non-empty string')
    for name in ("n", "output_compression", "partial_images", "frame_count", "frame_duration_ms"):
        if name in data and (not isinstance(data[name], int) or isinstance(data[name], bool)):
            raise errors.InvalidRequest(f'"{name}" must be a whole number')
    for name in _OPTION_FIELDS - {"n", "output_compression", "partial_images", "frame_count", "frame_duration_ms"}:
        if name in data and not isinstance(data[name], str):
            raise errors.InvalidRequest(f'"{name}" must be a string')
    defaults = _options(argparse.Namespace(**dict.fromkeys(_ARG_NAMES)), s, sid)
    options = defaults | {k: v for k, v in data.items() if k in _OPTION_FIELDS}
    request: AnyRequest
    if "images" in data:
        items = data["images"]
        if not isinstance(items, list) or not items or not all(isinstance(i, str | int) for i in items):
            raise errors.InvalidRequest('"images" must be a list of file paths or library ids')
        files, parents = _resolve_images([str(i) for i in items], paths)
        mask, markup = data.get("mask"), data.get("markup")
        request = EditRequest(prompt=prompt, images=files, mask=mask, markup=markup, parent_ids=parents, **options)
    elif "mask" in data or "markup" in data:
        raise errors.InvalidRequest('"mask" needs "images" (the images to edit)')
    else:
        request = GenerationRequest(prompt=prompt, **options)
    caps.validate(request)
    return request


_ARG_NAMES = (
    "output_format", "compression", "model", "size", "quality", "n", "background", "moderation", "complexity",
    "partial_images", "frame_count", "frame_duration", "svg_model", "svg_effort",
)  # fmt: skip


# -- running ---------------------------------------------------------------------------------------------
class _Session:
    """Library + queue + runner for one CLI command."""

    def __init__(self, paths: AppPaths, keys: KeyStore, s: Settings, caps: Capabilities, batch: str | None) -> None:
        self.library = Library(paths)
        self.store = JobStore(self.library.db)
        ledger = Ledger(paths.data)

        def factory(profile: str, base_url: str) -> ImageProvider:
            job_settings = settings_for_profile(s, profile, base_url)
            return make_provider(job_settings, keys, ledger=ledger, capabilities=caps, config_dir=paths.config)

        self.host = LocalHost(self.library, factory)
        self.quiet = False
        self.runner = QueueRunner(
            self.store,
            self.host,
            caps,
            spawn=lambda coro, name: asyncio.ensure_future(coro),
            concurrency=lambda: s.queue_concurrency,
            on_jobs=self._progress,
            batch=batch,
            poll_interval=0.2,
        )
        self._said: set[tuple[int, str]] = set()

    def _progress(self, jobs: list[Job]) -> None:
        for job in jobs:
            if self.quiet or (job.id, job.state.value) in self._said:
                continue
            self._said.add((job.id, job.state.value))
            if job.state.finished or job.state is JobState.RUNNING:
                extra = f": {job.error}" if job.error else ""
                print(f"job {job.id} {job.state.value} ({job.received}/{job.n}){extra}", file=sys.stderr)

    async def run_until_idle(self) -> None:
        loop = asyncio.ensure_future(self.runner.run())
        try:
            await self.runner.wait_idle()
        finally:
            await self.runner.stop()
            loop.cancel()
            await self.host.close_providers()

    def close(self) -> None:
        self.host.close()
        self.library.close()


def _report(session: _Session, jobs: list[Job], bad: list[dict[str, Any]], as_json: bool, batch: str | None) -> int:
    final = session.store.get_many([j.id for j in jobs])
    if as_json:
        body: dict[str, Any] = {"batch": batch, "jobs": [], "errors": bad}
        for job in final:
            entry = job.to_json()
            entry["images"] = [im.to_json() for im in session.library.db.get_many(list(job.image_ids))]
            body["jobs"].append(entry)
        print(json.dumps(body, ensure_ascii=False))
    else:
        for job in final:
            print(f"#{job.id} {job.state.value} {job.received}/{job.n} {job.request.prompt[:50]}")
            for image in session.library.db.get_many(list(job.image_ids)):
                print(f"  {image.path}  #{image.id}")
    if bad:
        return EXIT_USAGE
    return EXIT_OK if all(j.state is JobState.DONE for j in final) else EXIT_FAILED


def _concurrency(s: Settings, value: int | None) -> Settings | None:
    if value is None:
        return s
    return s.with_changes(queue_concurrency=value) if 1 <= value <= 16 else None


def run_batch(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    try:
        s = _settings_for(args, paths, keys)
        caps = Capabilities.load()
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return _fail(e.message, EXIT_USAGE)
    limited = _concurrency(s, args.concurrency)
    if limited is None:
        return _fail("--concurrency must be between 1 and 16", EXIT_USAGE)
    file = Path(args.file)
    try:
        raw = file.read_bytes()
        lines = raw.decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        return _fail(f"cannot read {file}: {type(e).__name__}", EXIT_USAGE)
    sid = safety_identifier(paths.config)
    requests: list[AnyRequest] = []
    bad: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            requests.append(parse_line(line, limited, caps, paths, sid))
        except errors.ImageStudioError as e:
            bad.append({"line": number, "error": e.message})
            print(f"imagestudio: {file}:{number}: {e.message}", file=sys.stderr)
    # the same file (path and content) is the same batch: running it again resumes instead of repeating
    batch = hashlib.sha256(str(file.resolve()).encode() + b"\0" + raw).hexdigest()[:16]
    return _run_jobs(paths, keys, limited, caps, requests, batch, bad, args.json)


def run_repeat(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    """``generate PROMPT --repeat N``: N jobs of the same request through the queue."""
    if not 1 <= args.repeat <= 100:
        return _fail("--repeat must be between 1 and 100", EXIT_USAGE)
    try:
        s = _settings_for(args, paths, keys)
        caps = Capabilities.load()
        request = GenerationRequest(prompt=args.prompt, **_options(args, s, safety_identifier(paths.config)))
        caps.validate(request)
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return _fail(e.message, EXIT_USAGE)
    return _run_jobs(paths, keys, s, caps, [request] * args.repeat, uuid.uuid4().hex[:16], [], args.json)


def _run_jobs(
    paths: AppPaths,
    keys: KeyStore,
    s: Settings,
    caps: Capabilities,
    requests: list[AnyRequest],
    batch: str,
    bad: list[dict[str, Any]],
    as_json: bool,
) -> int:
    session = _Session(paths, keys, s, caps, batch)

    async def go() -> list[Job]:
        await session.runner.start()
        store, token = session.store, session.runner.token
        existing = await asyncio.to_thread(store.all, batch=batch)
        if existing:
            resumed = [j.id for j in existing if j.state is JobState.INTERRUPTED]
            for job_id in resumed:
                await asyncio.to_thread(store.retry, job_id)
            await asyncio.to_thread(store.adopt, batch, token)
            left = sum(1 for j in existing if not j.state.finished)
            print(f"imagestudio: resuming this batch: {left} job(s) to finish", file=sys.stderr)
            if resumed:
                print(
                    f"imagestudio: {len(resumed)} interrupted job(s) resumed; they may already have been charged, "
                    "only their missing images are asked for",
                    file=sys.stderr,
                )
            jobs = existing
        else:
            profile, base_url = profile_of(s)
            jobs = await asyncio.to_thread(
                lambda: store.add(requests, profile=profile, base_url=base_url, batch=batch, owner=token)
            )
        await session.run_until_idle()
        return jobs

    try:
        jobs = asyncio.run(go())
        return _report(session, jobs, bad, as_json, batch)
    finally:
        session.close()


def run_queue(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    s = settings_io.load(paths.settings_file).settings
    limited = _concurrency(s, args.concurrency)
    if limited is None:
        return _fail("--concurrency must be between 1 and 16", EXIT_USAGE)
    session = _Session(paths, keys, limited, Capabilities.load(), None)
    actions: dict[str, Callable[[argparse.Namespace, _Session], int]] = {
        "list": _list,
        "resume": _resume,
        "cancel": _cancel,
        "clear": _clear,
    }
    try:
        return actions[args.action](args, session)
    finally:
        session.close()


def _list(args: argparse.Namespace, session: _Session) -> int:
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


def _resume(args: argparse.Namespace, session: _Session) -> int:
    async def go() -> list[Job]:
        await session.runner.start()
        resumed = await asyncio.to_thread(session.store.resume_interrupted)
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
    return _report(session, jobs, [], args.json, None)


def _cancel(args: argparse.Namespace, session: _Session) -> int:
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


def _clear(args: argparse.Namespace, session: _Session) -> int:
    removed = session.store.clear_finished()
    print(f"Removed {len(removed)} finished job(s) from the queue (their images stay in the library).")
    return EXIT_OK
