"""``imagestudio refine ID "INSTRUCTION"`` and ``refine ID --from-step N "INSTRUCTION"``: one turn of a conversation
with a library image (``core/refine.py``), run as a job of the persistent queue like ``edit`` (``cli/session.py``
``run_one``). The result is a child of the image refined, in its lineage.

``--from-step N`` refines the N-th step of the chain from ID's root down to ID (1 = the root): a branch from an
earlier step. Exit codes as for ``edit``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sqlite3
import sys
from typing import Any

from imagestudio.cli.images import EXIT_OK, EXIT_PROVIDER, EXIT_USAGE, _settings_for, run_to_end
from imagestudio.cli.messages import fail as _fail
from imagestudio.core import errors, lineage, refine
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.install_id import safety_identifier
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.money.pricing import estimate_request
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import make_provider
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import LibraryImage, RefineRequest


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "refine",
        help="refine a library image in conversation (the result is a new step of its lineage)",
        usage='imagestudio refine ID [--from-step N] "INSTRUCTION" [options]',
    )
    p.add_argument("image_id", type=int, metavar="ID", help="the library image to refine")
    p.add_argument("instruction", help='what to change, e.g. "now make it dusk, keep the fox" (any language)')
    p.add_argument("--from-step", type=int, metavar="N", help="refine step N of ID's lineage (1 = its root)")
    p.add_argument("--text-model", help="the text model that calls the image tool (default from settings)")
    p.add_argument("--no-store", action="store_true", help="ask OpenAI not to keep this response")
    p.add_argument("--model", help="image model (default: the image's own, if current)")
    p.add_argument("--size", help="WIDTHxHEIGHT or auto")
    p.add_argument("--quality", help="auto, low, medium, high")
    p.add_argument("--format", dest="output_format", help="png, jpeg or webp")
    p.add_argument("--compression", type=int, help="0-100, jpeg/webp only")
    p.add_argument("--background", help="auto, opaque or transparent (png/webp)")
    p.add_argument("--moderation", help="auto or low")
    p.add_argument("--partial-images", type=int, help="0-3 streamed previews")
    p.add_argument("--profile", help="a provider profile by name")
    p.add_argument("--provider", choices=("openai", "demo"), help="default: settings, or demo with no key")
    p.add_argument("--base-url", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--over-budget", action="store_true", help="send even if this month's budget is reached")
    p.add_argument("--estimate", action="store_true", help="print what the turn would cost; send nothing")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _target(args: argparse.Namespace, paths: AppPaths) -> LibraryImage:
    library = Library(paths)
    try:
        image = library.db.get(args.image_id)
        if image is None:
            raise errors.InvalidRequest(f"There is no image #{args.image_id} in the library.")
        if args.from_step is None:
            return image
        links = lineage.parse_links(library.db.read(lineage.links_sql()))
        steps = refine.chain(image.id, dict(links))
        if not 1 <= args.from_step <= len(steps):
            raise errors.InvalidRequest(f"#{image.id} has {len(steps)} step(s) in its lineage; choose 1-{len(steps)}.")
        found = library.db.get(steps[args.from_step - 1])
        if found is None:
            raise errors.InvalidRequest(f"Step {args.from_step} of #{image.id} is no longer in the library.")
        return found
    finally:
        library.close()


def _request(args: argparse.Namespace, s: Settings, caps: Capabilities, image: LibraryImage, sid: str) -> RefineRequest:
    fmt = args.output_format or "png"
    partials = args.partial_images if args.partial_images is not None else (s.partial_images or None)
    options: dict[str, Any] = {
        "size": args.size or s.size,
        "quality": args.quality or s.quality,
        "output_format": fmt,
        "background": args.background or s.background or None,
        "output_compression": args.compression,
        "moderation": args.moderation or s.moderation or None,
        "partial_images": partials,
        "safety_identifier": sid,
    }
    if args.model:
        options["model"] = args.model
    store = s.refine_store and not args.no_store
    text_model = args.text_model or s.refine_text_model
    request = refine.request_for(
        image, image.path, args.instruction, caps, text_model=text_model, store=store, **options
    )
    if args.text_model and request.text_model != args.text_model:  # not one that can call the tool
        request = dataclasses.replace(request, text_model=args.text_model)
    refine.validate(caps, request)
    return request


def run_refine(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    try:
        s = _settings_for(args, paths, keys)
        caps = Capabilities.load()
        image = _target(args, paths)
        request = _request(args, s, caps, image, safety_identifier(paths.config))
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return _fail(e.message, EXIT_USAGE)
    except (sqlite3.DatabaseError, OSError) as e:
        return _fail(f"cannot open the library: {e}", EXIT_PROVIDER)
    estimate = estimate_request(caps, request)
    if args.estimate:
        body = {"estimate": estimate.label(), "low_usd": estimate.low_usd, "high_usd": estimate.high_usd,
                "parent_id": image.id, "continues": request.previous_response_id is not None}  # fmt: skip
        print(json.dumps(body) if args.json else f"estimated cost: {estimate.label()} (refining #{image.id})")
        return EXIT_OK
    try:  # a missing key or profile is reported before a job is written
        provider = make_provider(s, keys, ledger=Ledger(paths.data), capabilities=caps, config_dir=paths.config)
    except errors.ImageStudioError as e:
        return _fail(e.message, EXIT_PROVIDER)

    if not args.json:
        how = "continuing its stored response" if request.previous_response_id else "sending the image"
        print(f"refining #{image.id} ({how}), estimated {estimate.label()}", file=sys.stderr)
    ended = run_to_end(paths, keys, s, caps, request, budget_override=args.over_budget)
    if isinstance(ended, int):
        return ended
    job = ended.job
    assert job is not None  # a finished job
    saved = [im.to_json() for im in ended.images]
    if args.json:
        ids = [refine.stored_response(im) for im in ended.images]
        body = {"images": saved, "parent_id": image.id, "provider": provider.name, "model": request.model,
                "text_model": request.text_model, "instruction": request.prompt,
                "response_id": ids[0][0] if ids else None, "cost_usd": job.cost,
                "cost_estimated": job.cost_estimated}  # fmt: skip
        print(json.dumps(body, ensure_ascii=False))
    else:
        for im in saved:
            print(f"{im['path']}  {im['width']}x{im['height']}  #{im['id']} (child of #{image.id})")
    return EXIT_OK
