"""``generate … --estimate`` / ``edit … --estimate``: what the request would cost, and nothing is sent.

The figure is ``core/money/pricing.estimate_request`` — the same estimate the app shows beside Generate and the budget
check counts before sending: model, quality, size, n, input images (mask and markup included) and partial images.
Checked like a real request first (exit 2 for anything the model does not allow); no key is needed. Exit 0.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from imagestudio.cli.images import EXIT_OK, EXIT_USAGE, _build_request
from imagestudio.cli.messages import fail
from imagestudio.core import errors
from imagestudio.core.money.pricing import Estimate, estimate_request
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.jobs import profile_of
from imagestudio.core.secrets import KeyStore
from imagestudio.core.types import EditRequest


def run_estimate(args: argparse.Namespace, paths: AppPaths, keys: KeyStore, *, kind: str) -> int:
    repeat = getattr(args, "repeat", 1)  # ``generate --repeat N --estimate``: N jobs of the request
    if not 1 <= repeat <= 100:
        return fail("--repeat must be between 1 and 100", EXIT_USAGE)
    try:
        s, caps, request = _build_request(args, paths, keys, kind)
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return fail(e.message, EXIT_USAGE)
    one = estimate_request(caps, request)
    total = Estimate(one.low_usd * repeat, one.high_usd * repeat, one.estimated)
    inputs = 0
    if isinstance(request, EditRequest):
        inputs = len(request.images) + (1 if request.mask else 0) + (1 if request.markup else 0)
    provider = profile_of(s)[0]
    facts: dict[str, Any] = {
        "model": request.model,
        "quality": request.quality,
        "size": request.size,
        "n": request.n,
        "input_images": inputs,
        "partial_images": 0 if request.via_batch_api else request.partial_images or 0,
    }
    if request.via_batch_api:  # at the Batch API's price (no previews in a batch)
        facts["batch_api"] = True
    if args.json:
        body = {
            **facts,
            "requests": repeat,
            "provider": provider,
            "estimate": {
                "low_usd": round(total.low_usd, 6),
                "high_usd": round(total.high_usd, 6),
                "usd": round(total.usd, 6),  # the conservative figure the budget check counts
                "estimated": total.estimated,
                "label": total.label(),
            },
            "enhance_included": False,
            "sent": False,
        }
        print(json.dumps(body, ensure_ascii=False))
        return EXIT_OK
    shown = "  ".join(f"{k.replace('_', ' ')} {v}" for k, v in facts.items())
    print(shown + (f"  × {repeat} jobs" if repeat > 1 else ""))
    note = " (≈: partly from unpublished prices or sizes)" if total.estimated else ""
    print(f"estimated cost: {total.label()}{note}")
    if provider == "demo":
        print("The demo provider is free: with it nothing would be charged.")
    if args.enhance:
        print("Prompt enhancement (a text-model call) is not included.")
    print("Nothing was sent.")
    return EXIT_OK
