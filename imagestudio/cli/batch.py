"""``imagestudio batch FILE.jsonl`` and ``generate --repeat N`` (``queue …`` lives in ``cli/queue.py``).

Every request goes through the same persistent queue as the app (rows in the library DB), so a job queued here
shows up in a running app's jobs panel, and only one process runs a given job. Running the same batch file again
after a crash or kill does not queue it twice: it resumes it (``interrupted`` jobs ask only for their missing
images). Exit codes: 0 all done; 2 a bad line or argument (the other lines still run); 3 a job failed; 4 the same
batch is already running in another process (one line says which; nothing is sent twice).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import json
import sys
import uuid
from pathlib import Path
from typing import Any

from imagestudio.cli.images import _options, _resolve_images, _settings_for
from imagestudio.cli.messages import fail as _fail
from imagestudio.cli.session import EXIT_USAGE, Session, report, send_via_batch_api, with_concurrency
from imagestudio.core import errors
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.install_id import safety_identifier
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.jobs import AnyRequest, Job, profile_of
from imagestudio.core.queue.store import JobStore
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest, JobState

EXIT_BUSY = 4  # the same batch file is being run by another process

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
    b.add_argument(
        "--via-batch-api", action="store_true", help="send every line through OpenAI's Batch API (cheaper, within 24 h)"
    )


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
def run_batch(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    try:
        s = _settings_for(args, paths, keys)
        caps = Capabilities.load()
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return _fail(e.message, EXIT_USAGE)
    limited = with_concurrency(s, args.concurrency)
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
    if args.via_batch_api:
        requests = [dataclasses.replace(r, via_batch_api=True) for r in requests]
        code = send_via_batch_api(paths, keys, limited, caps, requests, "api-" + batch, args.json)
        return EXIT_USAGE if bad else code
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
    if args.batch:
        batched: list[AnyRequest] = [dataclasses.replace(request, via_batch_api=True)] * args.repeat
        return send_via_batch_api(paths, keys, s, caps, batched, uuid.uuid4().hex[:16], args.json, args.over_budget)
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
    session = Session(paths, keys, s, caps, batch)
    busy: list[str] = []

    async def go() -> list[Job]:
        await session.runner.start()
        store, token = session.store, session.runner.token
        existing = await asyncio.to_thread(store.all, batch=batch)
        if existing:
            resumed = [j.id for j in existing if j.state is JobState.INTERRUPTED]
            for job_id in resumed:
                await asyncio.to_thread(store.retry, job_id)
            await asyncio.to_thread(store.adopt, batch, token)
            elsewhere = await asyncio.to_thread(_held_elsewhere, store, batch, token)
            if elsewhere:
                busy.append(elsewhere)
                return existing
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
        if busy:
            print(f"imagestudio: {busy[0]}", file=sys.stderr)
            return EXIT_BUSY
        return report(session, jobs, bad, as_json, batch)
    finally:
        session.close()


def _held_elsewhere(store: JobStore, batch: str, token: str) -> str:
    """Why this run cannot take the batch's unfinished jobs: another live process runs them (empty: none)."""
    others = {j.owner for j in store.all(batch=batch) if not j.state.finished and j.owner not in (None, token)}
    if not others:
        return ""
    pids = sorted(str(r.pid) for r in store.runners() if r.token in others)
    who = f"process {', '.join(pids)}" if pids else "another process"
    return (
        f"this batch is already running in {who}; its jobs are left to it. Wait for it to finish "
        "(imagestudio queue list shows them), or stop it and run the batch again to resume."
    )
