"""The image commands of the CLI: every generate option, ``edit``, ``--enhance``, streaming, ``ledger``.

Same core as the GUI, no Qt. Exit codes as in ``cli.py``: 2 before any request for anything the chosen model
does not allow; 3 for provider, network and budget problems.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from imagestudio.cli.messages import fail as _fail
from imagestudio.cli.messages import localized
from imagestudio.cli.session import OneJob, run_one, send_via_batch_api
from imagestudio.core import errors
from imagestudio.core import settings as settings_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.enhance import Enhancement, enhance
from imagestudio.core.install_id import safety_identifier
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import key_profile, make_provider
from imagestudio.core.queue.jobs import AnyRequest
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest, JobState

EXIT_OK, EXIT_USAGE, EXIT_PROVIDER, EXIT_CANCELLED = 0, 2, 3, 130


def add_image_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``generate`` and ``edit`` (the model decides which values are valid)."""
    p.add_argument("--model", help="image model id (default from settings)")
    p.add_argument("--size", help="WIDTHxHEIGHT or auto")
    p.add_argument("--quality", help="auto, low, medium, high (xhigh, max on 2.5+ models)")
    p.add_argument("--n", type=int, help="number of images (1-10)")
    p.add_argument("--format", dest="output_format", help="png, jpeg, webp (gif, svg with preview access)")
    p.add_argument("--compression", type=int, help="0-100, jpeg/webp only")
    p.add_argument("--background", help="auto, opaque or transparent (png/webp)")
    p.add_argument("--moderation", help="auto or low")
    p.add_argument("--complexity", help="low, medium or high (planning effort)")
    p.add_argument("--partial-images", type=int, help="0-3 streamed previews (only final images are stored)")
    p.add_argument("--frame-count", type=int, help="GIF frames (2-16)")
    p.add_argument("--frame-duration", type=int, help="GIF frame duration in ms")
    p.add_argument("--svg-model", help="SVG author model (SVG output with model selection)")
    p.add_argument("--svg-effort", help="SVG author reasoning effort")
    p.add_argument("--enhance", action="store_true", help="rewrite the prompt with the text model first; prints it")
    p.add_argument("--profile", help="a provider profile by name")
    p.add_argument("--provider", choices=("openai", "demo"), help="default: settings, or demo with no key")
    p.add_argument("--base-url", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--over-budget", action="store_true", help="send even if this month's budget is reached")
    p.add_argument("--estimate", action="store_true", help="print what the request would cost; send nothing")
    p.add_argument("--batch", action="store_true", help="send through OpenAI's Batch API: cheaper, results within 24 h")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def add_commands(sub: Any) -> None:
    ed = sub.add_parser(
        "edit",
        help="edit images (library ids or files) with an optional mask or markup",
        usage='imagestudio edit IMAGE_OR_ID... [--mask FILE | --markup FILE] "PROMPT" [options]',
    )
    ed.add_argument("items", nargs="+", metavar="IMAGE_OR_ID... PROMPT", help="1-16 images, then the prompt")
    group = ed.add_mutually_exclusive_group()
    group.add_argument("--mask", help="PNG with alpha, the first image's size; transparent = edit here")
    group.add_argument("--markup", help="transparent PNG drawn over the first image (2.5+ models)")
    add_image_options(ed)
    led = sub.add_parser("ledger", help="what the API calls cost: today, this month, budget")
    led.add_argument("--json", action="store_true")


def _settings_for(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> Settings:
    s = settings_io.load(paths.settings_file).settings
    if args.profile:
        return s.with_changes(profile=args.profile)
    s = s.with_changes(profile="")
    if args.base_url:
        if not args.base_url.startswith(("http://", "https://")):
            raise errors.InvalidRequest(f"--base-url must start with http:// or https://, not {args.base_url!r}")
        return s.with_changes(provider="custom", base_url=args.base_url)
    if args.provider:
        return s.with_changes(provider=args.provider)
    if s.provider != "demo" and keys.get(key_profile(s.provider))[0] is None:
        return s.with_changes(provider="demo")
    return s


def _options(args: argparse.Namespace, s: Settings, sid: str) -> dict[str, Any]:
    fmt = args.output_format or s.output_format
    compression = args.compression
    if compression is None and fmt in ("jpeg", "webp") and s.output_compression < 100:
        compression = s.output_compression
    return {
        "model": args.model or s.model,
        "size": args.size or s.size,
        "quality": args.quality or s.quality,
        "n": args.n if args.n is not None else s.n,
        "output_format": fmt,
        "background": args.background or s.background or None,
        "output_compression": compression,
        "moderation": args.moderation or s.moderation or None,
        "complexity": args.complexity or s.complexity or None,
        "partial_images": args.partial_images if args.partial_images is not None else (s.partial_images or None),
        "frame_count": args.frame_count,
        "frame_duration_ms": args.frame_duration,
        "svg_model": args.svg_model,
        "svg_effort": args.svg_effort,
        "safety_identifier": sid,
    }


def _resolve_images(items: list[str], paths: AppPaths) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Library ids (digits) become their original files; anything else is a file path."""
    files: list[str] = []
    ids: list[int] = []
    library: Library | None = None
    try:
        for item in items:
            if item.isdigit() and not Path(item).exists():
                library = library or Library(paths)
                image = library.db.get(int(item))
                if image is None:
                    raise errors.InvalidRequest(f"There is no image #{item} in the library.")
                files.append(image.path)
                ids.append(image.id)
            else:
                if not Path(item).is_file():
                    raise errors.InvalidRequest(f"No such image file: {item}")
                files.append(str(Path(item).resolve()))
    finally:
        if library is not None:
            library.close()
    return tuple(files), tuple(ids)


def _build_request(
    args: argparse.Namespace, paths: AppPaths, keys: KeyStore, kind: str
) -> tuple[Settings, Capabilities, GenerationRequest | EditRequest]:
    """The checked request of ``generate``/``edit`` (InvalidRequest or ConfigError: exit 2, nothing sent)."""
    s = _settings_for(args, paths, keys)
    caps = Capabilities.load()
    options = _options(args, s, safety_identifier(paths.config))
    if kind == "edit":
        if len(args.items) < 2:
            raise errors.InvalidRequest('Give at least one image and then the prompt: edit IMAGE "PROMPT".')
        images, parents = _resolve_images(args.items[:-1], paths)
        request: GenerationRequest | EditRequest = EditRequest(
            prompt=args.items[-1], images=images, mask=args.mask, markup=args.markup, parent_ids=parents,
            **options,
        )  # fmt: skip
    else:
        request = GenerationRequest(prompt=args.prompt, **options)
    if getattr(args, "batch", False):
        request = replace(request, via_batch_api=True)
    caps.validate(request)
    if args.enhance and caps.text_model(s.text_model) is None:
        raise errors.InvalidRequest(f"{s.text_model!r} is not a current text model for enhancement.")
    return s, caps, request


def run_images(args: argparse.Namespace, paths: AppPaths, keys: KeyStore, *, kind: str) -> int:
    """``generate``/``edit``: one job of the persistent queue, run here and waited for (see cli/session.py)."""
    try:
        s, caps, request = _build_request(args, paths, keys, kind)
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return _fail(e.message, EXIT_USAGE)
    ledger = Ledger(paths.data)
    try:  # a missing key or profile is reported before a job is written
        provider = make_provider(
            s, keys, ledger=ledger, capabilities=caps, config_dir=paths.config, budget_override=args.over_budget
        )
    except errors.ImageStudioError as e:
        return _fail(e.message, EXIT_PROVIDER)
    enhancement = None
    if args.enhance:  # a text request of its own (metered), before the image job is written

        async def rewrite() -> Enhancement:
            try:
                return await enhance(
                    provider,  # type: ignore[arg-type]  # MeteredProvider: complete_text via the profile
                    caps,
                    request.prompt,
                    model=s.text_model,
                    instruction=s.enhance_instruction,
                )
            finally:
                await provider.aclose()

        try:
            enhancement = asyncio.run(rewrite())
        except errors.InvalidRequest as e:
            return _fail(e.message, EXIT_USAGE)
        except errors.ImageStudioError as e:
            return _fail(e.message, EXIT_PROVIDER)
        if not args.json:
            print(f"enhanced prompt: {enhancement.enhanced}")
        request = _replace_prompt(request, enhancement)

    if request.via_batch_api:  # queued in batch mode and sent; `queue batches` collects the images
        return send_via_batch_api(paths, keys, s, caps, [request], uuid.uuid4().hex[:16], args.json, args.over_budget)

    ended = run_to_end(paths, keys, s, caps, request, budget_override=args.over_budget)
    if isinstance(ended, int):
        return ended
    saved = [image.to_json() for image in ended.images]
    if args.json:
        body: dict[str, Any] = {"images": saved, "provider": provider.name, "model": request.model}
        if enhancement is not None:
            body["enhanced_prompt"] = enhancement.enhanced
            body["original_prompt"] = enhancement.original
        print(json.dumps(body, ensure_ascii=False))
    else:
        for image in saved:
            print(f"{image['path']}  {image['width']}x{image['height']}  #{image['id']}")
    return EXIT_OK


def run_to_end(
    paths: AppPaths, keys: KeyStore, s: Settings, caps: Capabilities, request: AnyRequest, *, budget_override: bool
) -> OneJob | int:
    """Run ``request`` as a job of its own, previews noted on stderr: the finished job, or the exit code (with its
    one line said) when it was cancelled, failed or the library could not be opened."""

    def on_partial(job_id: int, index: int, data: bytes) -> None:
        print(f"partial image {index + 1} ({len(data):,} bytes)", file=sys.stderr)

    try:
        ended = run_one(paths, keys, s, caps, request, budget_override=budget_override, on_partial=on_partial)
    except (sqlite3.DatabaseError, OSError, RuntimeError) as e:  # a damaged, newer or unreadable library
        return _fail(f"cannot open the library: {e}", EXIT_PROVIDER)
    job = ended.job
    if job is None or (job.state is not JobState.DONE and ended.interrupted):
        return _cancelled(ended)
    if job.state is not JobState.DONE:
        return _job_failed(ended)
    return ended


def _kept(ended: OneJob) -> str:
    """What a job that did not finish had already saved (paid images are kept)."""
    if not ended.images:
        return ""
    ids = ", ".join(f"#{image.id}" for image in ended.images)
    return f" {len(ended.images)} image(s) it received are in the library ({ids})."


def _cancelled(ended: OneJob) -> int:
    if ended.job is None:
        print("imagestudio: interrupted before the job was queued; nothing was sent.", file=sys.stderr)
    else:
        how = "" if ended.interrupted else " (from the app or `imagestudio queue cancel`)"
        print(f"imagestudio: job #{ended.job.id} cancelled{how}.{_kept(ended)}", file=sys.stderr)
    return EXIT_CANCELLED


def _job_failed(ended: OneJob) -> int:
    job = ended.job
    assert job is not None
    if job.state is JobState.CANCELLED:
        return _cancelled(ended)
    message = localized(job.error) if job.error else f"The job ended {job.state.value}."
    if job.state is JobState.INTERRUPTED:
        message += f" Job #{job.id} waits: `imagestudio queue resume` finishes it."
    print(f"imagestudio: {message}{_kept(ended)}", file=sys.stderr)
    last = job.attempt_log[-1].outcome if job.attempt_log else None
    return EXIT_USAGE if last == "InvalidRequest" else EXIT_PROVIDER


def _replace_prompt(request: GenerationRequest | EditRequest, e: Enhancement) -> GenerationRequest | EditRequest:
    return replace(request, prompt=e.enhanced, original_prompt=e.original)


def run_ledger(args: argparse.Namespace, paths: AppPaths) -> int:
    s = settings_io.load(paths.settings_file).settings
    ledger = Ledger(paths.data)
    totals = ledger.totals(s.monthly_budget_usd)
    if args.json:
        entries = [asdict(e) for e in ledger.entries()[-50:]]
        print(
            json.dumps(
                {
                    "today_usd": totals.today_usd,
                    "month_usd": totals.month_usd,
                    "budget_usd": totals.budget_usd,
                    "unpriced_calls": totals.unpriced_calls,
                    "recent": entries,
                }
            )
        )
    else:
        print(totals.summary())
    return EXIT_OK
