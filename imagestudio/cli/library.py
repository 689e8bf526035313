"""``imagestudio library …``: list, search, similar, import, check, trash, restore, empty-trash, tag,
favourite, rate, flag, trash-rejected (and ``export``, ``watch``, ``stack``, ``unstack`` in their own modules).
The same core as the GUI (and safe to run while the GUI is open: SQLite WAL, short
IMMEDIATE transactions, a busy timeout). Exit codes: 0 ok; 2 bad arguments, ids or paths; 1 problems found
by ``check`` (or files skipped by ``import``)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagestudio.cli import export, stacks, watch
from imagestudio.cli.messages import fail
from imagestudio.cli.session import LazySvgThumbnailer
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.files.outside import path_text
from imagestudio.core.library import culling, importer, integrity
from imagestudio.core.library.library import Library
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_parser(sub: Any) -> None:
    lib = sub.add_parser("library", help="search, organise, import and check the image library")
    cmds = lib.add_subparsers(dest="library_command", required=True)

    ls = cmds.add_parser("list", help="list images, newest first")
    ls.add_argument("--query", "-q", default="", help="search text (any language)")
    ls.add_argument("--favourites", action="store_true")
    ls.add_argument("--tag")
    ls.add_argument("--trash", action="store_true", help="list the trash instead")
    ls.add_argument("--sort", choices=("newest", "oldest", "largest", "cost", "rating"), default="newest")
    _add_filters(ls)
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--json", action="store_true")

    se = cmds.add_parser("search", help="full-text search over prompts, tags and notes")
    se.add_argument("text")
    _add_filters(se)
    se.add_argument("--limit", type=int, default=50)
    se.add_argument("--json", action="store_true")

    si = cmds.add_parser("similar", help="images that look like ID (perceptual hash)")
    si.add_argument("id", type=int)
    si.add_argument("--json", action="store_true")

    im = cmds.add_parser("import", help="copy image files or folders into the library")
    im.add_argument("paths", nargs="+")
    im.add_argument("--json", action="store_true")

    ch = cmds.add_parser("check", help="find missing, damaged, orphan files and DB corruption")
    ch.add_argument("--repair", action="store_true", help="fix what can be fixed without losing anything")
    ch.add_argument("--fast", action="store_true", help="do not re-hash every original")
    ch.add_argument("--json", action="store_true")

    for name, text in (("trash", "move images to the trash"), ("restore", "bring images back from the trash")):
        p = cmds.add_parser(name, help=text)
        p.add_argument("ids", nargs="+", type=int)
    cmds.add_parser("empty-trash", help="delete every image in the trash for good (files too)")

    tag = cmds.add_parser("tag", help="add or remove tags")
    tag.add_argument("ids", nargs="+", type=int)
    tag.add_argument("--add", action="append", default=[], metavar="TAG")
    tag.add_argument("--remove", action="append", default=[], metavar="TAG")

    fav = cmds.add_parser("favourite", help="star images (--off to unstar)")
    fav.add_argument("ids", nargs="+", type=int)
    fav.add_argument("--off", action="store_true")

    rate = cmds.add_parser("rate", help="give images 0–5 stars (0 clears the rating)")
    rate.add_argument("ids", nargs="+", type=int, metavar="ID")
    rate.add_argument("rating", type=int, metavar="N")
    flag = cmds.add_parser("flag", help="mark images as picked, rejected or neither")
    flag.add_argument("ids", nargs="+", type=int, metavar="ID")
    flag.add_argument("flag", choices=tuple(culling.FLAG_NAMES))
    cmds.add_parser("trash-rejected", help="move every rejected image to the trash (restore brings them back)")
    export.add_parser(cmds)  # `library export` lives in cli/export.py
    watch.add_parser(cmds)  # `library watch …` lives in cli/watch.py
    stacks.add_parser(cmds)  # `library stack/unstack` live in cli/stacks.py


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="only images made by this model (e.g. gpt-image-2)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="created on or after this day (local time)")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="created on or before this day (local time)")
    p.add_argument("--min-size", metavar="WxH", help="at least this many pixels, e.g. 1024x1024")
    p.add_argument("--min-cost", type=float, metavar="USD", help="cost at least this many dollars")
    p.add_argument("--min-rating", type=int, metavar="N", help="at least N stars (1–5)")
    p.add_argument("--flag", choices=tuple(culling.FLAG_NAMES), help="only picked, unflagged or rejected images")
    p.add_argument(
        "--show-rejected", action="store_true", help="include rejected images (hidden by default, as in the gallery)"
    )
    p.add_argument("--expand-stacks", action="store_true", help="every image of a stack, not one line per stack")


def _filtered(query: LibraryQuery, args: argparse.Namespace) -> LibraryQuery:
    """``query`` narrowed by the filter options; raises ValueError with the message a person sees."""
    since = _day_start(args.since, "--since") if args.since else None
    # the whole last day: up to the next local midnight (a daylight-saving day has 23 or 25 hours, not 86400 s)
    until = _day_start(args.until, "--until", next_day=True) if args.until else None
    min_pixels = None
    if args.min_size:
        w, sep, h = args.min_size.lower().partition("x")
        if not (sep and w.isdigit() and h.isdigit()):
            raise ValueError(f"--min-size must look like 1024x1024, not {args.min_size!r}")
        min_pixels = int(w) * int(h)
    if args.min_cost is not None and args.min_cost < 0:
        raise ValueError("--min-cost cannot be negative")
    if args.min_rating is not None and not 0 <= args.min_rating <= culling.MAX_RATING:
        raise ValueError(f"--min-rating must be 0 to {culling.MAX_RATING}, not {args.min_rating}")
    return dataclasses.replace(
        query,
        model=args.model or None,
        since=since,
        until=until,
        min_pixels=min_pixels,
        min_cost=args.min_cost,
        min_rating=args.min_rating or None,
        flag=args.flag,
        show_rejected=args.show_rejected,
        expand_stacks=args.expand_stacks,
    )


def _day_start(text: str, option: str, *, next_day: bool = False) -> float:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option} must be a date like 2025-01-31, not {text!r}") from None
    if next_day:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time()).timestamp()  # local midnight


def _fail(message: str) -> int:
    return fail(message, EXIT_USAGE)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    try:
        library = Library(paths, svg_thumbnailer=LazySvgThumbnailer())
    except sqlite3.DatabaseError as e:
        if args.library_command == "check":
            report = integrity.check_database_file(paths.library_db)
            print(json.dumps(report.to_json()) if args.json else "\n".join(report.lines()))
            return EXIT_PROBLEMS
        return _fail(f"the library database is damaged ({e}); run `imagestudio library check`")
    except (RuntimeError, OSError) as e:
        return _fail(f"cannot open the library: {e}")
    try:
        handler = _HANDLERS[args.library_command]
        return handler(library, args)
    except ImageStudioError as e:
        return _fail(e.message)
    except BrokenPipeError:
        raise  # the reader went away: cli/__init__.py ends quietly
    except (OSError, sqlite3.OperationalError) as e:  # disk full, a read-only or vanished folder: one line
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        print(f"imagestudio: the library could not be written: {reason}", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        library.close()


def _print_images(library: Library, ids: list[int], as_json: bool) -> int:
    images = library.db.get_many(ids)
    if as_json:
        print(json.dumps({"images": [im.to_json() for im in images]}, ensure_ascii=False))
        return EXIT_OK
    for im in images:
        star = "★" if im.favourite else " "
        tags = f"  [{', '.join(im.tags)}]" if im.tags else ""
        prompt = " ".join(im.prompt.split())
        cull = {culling.PICK: " P", culling.REJECT: " X"}.get(im.flag, "") + (f" {im.rating}*" if im.rating else "")
        stacked = stacks.stack_label(im.stack_id, im.stack_size, im.stack_cover)
        stacked = f"  [{stacked}]" if stacked else ""
        print(f"#{im.id:<6} {star} {im.width}x{im.height}{cull}  {prompt[:70]}{tags}{stacked}\n         {im.path}")
    if not images:
        print("no images")
    return EXIT_OK


def _list(library: Library, args: argparse.Namespace) -> int:
    if args.limit < 1:
        return _fail("--limit must be at least 1")
    query = LibraryQuery(
        text=args.query,
        favourites=args.favourites,
        tag=args.tag,
        in_trash=args.trash,
        sort="trashed" if args.trash else args.sort,
    )
    try:
        query = _filtered(query, args)
    except ValueError as e:
        return _fail(str(e))
    return _print_images(library, library.find(query, limit=args.limit), args.json)


def _search(library: Library, args: argparse.Namespace) -> int:
    try:
        query = _filtered(LibraryQuery(text=args.text), args)
    except ValueError as e:
        return _fail(str(e))
    return _print_images(library, library.find(query, limit=max(1, args.limit)), args.json)


def _similar(library: Library, args: argparse.Namespace) -> int:
    if library.db.get(args.id) is None:
        return _fail(f"no image with id #{args.id} in the library")
    return _print_images(library, library.find(LibraryQuery(similar_to=args.id)), args.json)


def _import(library: Library, args: argparse.Namespace) -> int:
    def progress(done: list[importer.ImportItem]) -> None:
        if not args.json:
            print(f"… {len(done)} file(s) committed", file=sys.stderr)

    report = importer.import_paths(library, args.paths, on_batch=progress)
    if args.json:
        print(
            json.dumps({"summary": report.summary(), "files": [i.to_json() for i in report.items]}, ensure_ascii=False)
        )
    else:
        for item in report.items:
            what = f"#{item.image_id}" if item.status == "imported" else item.reason
            extra = f" ({item.detail})" if item.detail and item.status != "skipped" else ""
            print(f"{item.status:<9} {item.path}: {what}{extra}")
        print(report.summary())
    given = {path_text(Path(p).expanduser()) for p in args.paths}  # a bad argument, not a bad file in a folder
    if any(i.reason in ("not found", "not a regular file") and i.path in given for i in report.items):
        return EXIT_USAGE
    return EXIT_PROBLEMS if report.count("skipped") else EXIT_OK


def _check(library: Library, args: argparse.Namespace) -> int:
    report = integrity.check(library, repair=args.repair, verify_hashes=not args.fast)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    unresolved = report.not_fixed if args.repair else report.problems
    return EXIT_PROBLEMS if unresolved else EXIT_OK


def _trash(library: Library, args: argparse.Namespace) -> int:
    moved = library.trash(args.ids)
    print(f"{len(moved)} image(s) moved to the trash")
    return EXIT_OK


def _restore(library: Library, args: argparse.Namespace) -> int:
    back = library.restore(args.ids)
    print(f"{len(back)} image(s) restored")
    return EXIT_OK


def _empty_trash(library: Library, _args: argparse.Namespace) -> int:
    ids, problems = library.empty_trash()
    print(f"{len(ids)} image(s) deleted for good")
    for problem in problems:
        print(f"could not remove {problem}", file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _tag(library: Library, args: argparse.Namespace) -> int:
    if not args.add and not args.remove:
        return _fail("say which tags to --add or --remove")
    library.change_tags(args.ids, add=args.add, remove=args.remove)
    for im in library.db.get_many(args.ids):
        print(f"#{im.id}: {', '.join(im.tags) or '(no tags)'}")
    return EXIT_OK


def _favourite(library: Library, args: argparse.Namespace) -> int:
    changed = library.set_favourite(args.ids, not args.off)
    print(f"{len(changed)} image(s) {'unstarred' if args.off else 'starred'}")
    return EXIT_OK


def _rate(library: Library, args: argparse.Namespace) -> int:
    changed = library.set_rating(args.ids, args.rating)
    done = f"rated {args.rating} star(s)" if args.rating else "unrated"
    print(f"{len(changed)} image(s) {done}")
    return EXIT_OK


def _flag(library: Library, args: argparse.Namespace) -> int:
    changed = library.set_flag(args.ids, culling.flag_value(args.flag))
    word = {"pick": "picked", "reject": "rejected", "none": "unflagged"}[args.flag]
    print(f"{len(changed)} image(s) {word}")
    return EXIT_OK


def _trash_rejected(library: Library, _args: argparse.Namespace) -> int:
    moved = library.trash_rejected()
    print(f"{len(moved)} rejected image(s) moved to the trash")
    return EXIT_OK


_HANDLERS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "export": export.run,
    "watch": watch.run,
    "list": _list,
    "search": _search,
    "similar": _similar,
    "import": _import,
    "check": _check,
    "trash": _trash,
    "restore": _restore,
    "empty-trash": _empty_trash,
    "tag": _tag,
    "favourite": _favourite,
    "rate": _rate,
    "flag": _flag,
    "trash-rejected": _trash_rejected,
    **stacks.HANDLERS,
}
