"""``imagestudio library export ID... --to DIR [--format F] [--quality Q] [--max-size PX] [--strip-metadata]
[--template T] [--json]``: the same export as the GUI dialog (core/export.py). Never overwrites: a taken name
gets `` (2)``. Exit codes: 0 all written; 1 some images could not be exported (one line each: disk full, no access…);
2 bad arguments or ids, or `--to` names a file or a folder that cannot be created (one line, no traceback)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from imagestudio.core import filenames
from imagestudio.core.export import FORMATS, ExportOptions, export_images
from imagestudio.core.library.library import Library

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_parser(cmds: Any) -> None:
    ex = cmds.add_parser("export", help="write images as files (original bytes, or converted)")
    ex.add_argument("ids", nargs="+", type=int)
    ex.add_argument("--to", required=True, metavar="DIR", help="folder to write into (created if needed)")
    ex.add_argument("--format", choices=FORMATS, default="original", help="original = byte-exact copy (default)")
    ex.add_argument("--quality", type=int, default=90, help="1-100 for jpeg, webp, avif (default 90)")
    ex.add_argument("--max-size", type=int, metavar="PX", help="limit the long edge (never enlarges)")
    ex.add_argument("--strip-metadata", action="store_true", help="no prompt, AI label, EXIF, XMP or PNG text")
    ex.add_argument("--no-srgb", action="store_true", help="keep the colour profile instead of converting to sRGB")
    ex.add_argument(
        "--template",
        default=filenames.DEFAULT_TEMPLATE,
        help="file names, fields: " + " ".join(f"{{{f}}}" for f in filenames.FIELDS) + " ({prompt:30} = 30 chars)",
    )
    ex.add_argument("--json", action="store_true")


def run(library: Library, args: argparse.Namespace) -> int:
    options = ExportOptions(
        format=args.format,
        quality=args.quality,
        max_edge=args.max_size,
        strip_metadata=args.strip_metadata,
        to_srgb=not args.no_srgb,
        template=args.template,
    ).check()  # an ImageStudioError here is a usage error, reported by cli/library.py
    images = library.db.get_many(list(dict.fromkeys(args.ids)))
    missing = sorted(set(args.ids) - {im.id for im in images})
    if missing:
        print(f"imagestudio: no image with id {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE

    def progress(done: int, total: int) -> None:
        if not args.json and total > 1:
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    result = export_images(images, Path(args.to).expanduser(), options, progress=progress)
    if args.json:
        written = [str(p) for p in result.written]
        print(json.dumps({"written": written, "problems": list(result.problems)}, ensure_ascii=False))
    else:
        for path in result.written:
            print(path)
        for problem in result.problems:
            print(f"imagestudio: {problem}", file=sys.stderr)
    return EXIT_PROBLEMS if result.problems else EXIT_OK
