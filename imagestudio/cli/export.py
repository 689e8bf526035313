"""``imagestudio library export [ID...] [--collection NAME] [--saved-search NAME] (--to DIR | --zip FILE
[--manifest csv|json]) [--format F] [--quality Q] [--max-size PX] [--strip-metadata] [--template T] [--json]``:
the same export as the GUI dialog (core/export/convert.py; one ZIP: core/export/archive.py). Never overwrites: a
taken name gets `` (2)``. Exit codes: 0 all written; 1 some images could not be exported (one line each: disk
full, no access…); 2 bad arguments or ids, or `--to` names a file or a folder that cannot be created (one line,
no traceback)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagestudio.core.export import filenames
from imagestudio.core.export.archive import MANIFESTS, export_zip
from imagestudio.core.export.convert import FORMATS, ExportOptions, export_images
from imagestudio.core.library.library import Library
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.types import LibraryImage

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_parser(cmds: Any) -> None:
    ex = cmds.add_parser("export", help="write images as files (original bytes, or converted)")
    ex.add_argument("ids", nargs="*", type=int)
    ex.add_argument("--collection", metavar="NAME", help="every image of this collection (name or id)")
    ex.add_argument("--saved-search", metavar="NAME", help="every image this saved search finds now")
    where = ex.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="DIR", help="folder to write into (created if needed)")
    where.add_argument("--zip", metavar="FILE", help="write one ZIP file instead (atomically; never overwrites)")
    ex.add_argument("--manifest", choices=MANIFESTS, help="with --zip: add manifest.csv or manifest.json")
    ex.add_argument("--format", choices=FORMATS, default="original", help="original = byte-exact copy (default)")
    ex.add_argument("--quality", type=int, default=90, help="1-100 for jpeg, webp, avif (default 90)")
    ex.add_argument("--max-size", type=int, metavar="PX", help="limit the long edge (never enlarges)")
    ex.add_argument("--strip-metadata", action="store_true", help="no prompt, AI label, EXIF, XMP or PNG text")
    ex.add_argument("--xmp-sidecar", action="store_true", help="also write NAME.xmp beside each file (with --to)")
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
        xmp_sidecar=args.xmp_sidecar,
    ).check()  # an ImageStudioError here is a usage error, reported by cli/library.py
    if args.manifest and not args.zip:
        return _usage("--manifest goes with --zip")
    try:
        wanted = list(dict.fromkeys([*args.ids, *_chosen(library, args)]))
    except LookupError as e:
        return _usage(str(e.args[0]))
    if not wanted:
        return _usage("say which images: ids, --collection or --saved-search")
    images = library.db.get_many(wanted)
    missing = sorted(set(args.ids) - {im.id for im in images})
    if missing:
        print(f"imagestudio: no image with id {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE

    def progress(done: int, total: int) -> None:
        if not args.json and total > 1:
            print(f"\r{done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    if args.zip:
        return _zip(images, Path(args.zip).expanduser(), options, args, progress)
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


def _usage(message: str) -> int:
    print(f"imagestudio: {message}", file=sys.stderr)
    return EXIT_USAGE


def _chosen(library: Library, args: argparse.Namespace) -> list[int]:
    """The ids of ``--collection`` and ``--saved-search`` (by name, or a collection's id); LookupError if unknown."""
    ids: list[int] = []
    lists = library.lists() if args.collection or args.saved_search else {}
    if args.collection:
        found = [c for c in lists["collections"] if args.collection in (c.name, str(c.id))]
        if not found:
            raise LookupError(f"no collection called {args.collection!r}")
        ids += library.find(LibraryQuery(collection=found[0].id))
    if args.saved_search:
        searches = [s for s in lists["saved_searches"] if s.name == args.saved_search and s.query is not None]
        if not searches or searches[0].query is None:
            raise LookupError(f"no saved search called {args.saved_search!r}")
        ids += library.find(searches[0].query)
    return ids


def _zip(
    images: list[LibraryImage],
    target: Path,
    options: ExportOptions,
    args: argparse.Namespace,
    progress: Callable[[int, int], None],
) -> int:
    result = export_zip(images, target, options, manifest=args.manifest, progress=progress)
    if args.json:
        print(
            json.dumps(
                {"zip": str(result.path) if result.path else None, "files": list(result.files),
                 "problems": list(result.problems)},
                ensure_ascii=False,
            )
        )  # fmt: skip
    else:
        if result.path is not None:
            print(f"{result.path} ({len(result.files)} image(s))")
        for problem in result.problems:
            print(f"imagestudio: {problem}", file=sys.stderr)
    if result.path is None:
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if result.problems else EXIT_OK
