"""``imagestudio library watch …``: folders whose new images are imported once complete (issue 21 part 4).

``add DIR [--recursive]``, ``list [--json]``, ``remove DIR``, ``pause DIR``, ``resume DIR``, ``scan [DIR] [--json]
[--settle S] [--no-wait]`` (one pass: files seen for the first time are looked at again after S seconds, within
the same command, and imported if they kept their size and time; a file still changing is left for the next
scan; ``--no-wait`` looks once),
``log [DIR] [--limit N] [--json]``. The same core as the GUI's watcher (core/library/watch.py, watch_scan.py).
Exit codes: 0 ok; 1 ``scan`` found problems (a folder missing or unreadable, files skipped or failed); 2 bad
arguments (not a folder, not watched, watched already)."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from imagestudio.cli.messages import fail, localized
from imagestudio.core.library import watch_scan
from imagestudio.core.library.library import Library
from imagestudio.core.library.watch import SETTLE_S, WatchError, WatchFolder, WatchStore
from imagestudio.core.library.watch_scan import FolderResult

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def add_parser(cmds: Any) -> None:
    wa = cmds.add_parser("watch", help="import new images from folders you choose (e.g. Downloads), once complete")
    sub = wa.add_subparsers(dest="watch_command", required=True)
    add = sub.add_parser("add", help="watch a folder")
    add.add_argument("dir")
    add.add_argument("--recursive", action="store_true", help="also its subfolders")
    ls = sub.add_parser("list", help="the watched folders, their state and last scan")
    ls.add_argument("--json", action="store_true")
    for name, text in (
        ("remove", "stop watching a folder (its files and the images already imported stay)"),
        ("pause", "stop importing from a folder for now"),
        ("resume", "import from a paused folder again"),
    ):
        sub.add_parser(name, help=text).add_argument("dir")
    sc = sub.add_parser("scan", help="look at the folders once and import what is complete")
    sc.add_argument("dir", nargs="?", help="only this watched folder")
    sc.add_argument(
        "--settle",
        type=float,
        default=SETTLE_S,
        metavar="S",
        help=f"a file must have kept its size and time since a scan at least S seconds before (default {SETTLE_S:g})",
    )
    sc.add_argument(
        "--no-wait", action="store_true", help="look once: files seen for the first time are imported by a later scan"
    )
    sc.add_argument("--json", action="store_true")
    lg = sub.add_parser("log", help="what was imported, skipped or failed, newest first")
    lg.add_argument("dir", nargs="?", help="only this watched folder")
    lg.add_argument("--limit", type=int, default=50)
    lg.add_argument("--json", action="store_true")


def run(library: Library, args: argparse.Namespace) -> int:
    store = WatchStore(library.db)
    try:
        return _HANDLERS[args.watch_command](library, store, args)
    except WatchError as e:
        return fail(e.message, EXIT_USAGE)


def _watched(store: WatchStore, raw: str) -> WatchFolder:
    found = store.find(raw)
    if found is None and raw.isdigit():
        found = store.get(int(raw))
    if found is None:
        raise WatchError(f"{raw} is not a watched folder; see `imagestudio library watch list`.")
    return found


def _when(at: float | None) -> str:
    return "never" if at is None else datetime.datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S")


def _add(_library: Library, store: WatchStore, args: argparse.Namespace) -> int:
    folder = store.add(args.dir, recursive=args.recursive)
    sub = " and its subfolders" if folder.recursive else ""
    print(f"watching {folder.shown}{sub}: new images are imported at the next scans")
    return EXIT_OK


def _list(_library: Library, store: WatchStore, args: argparse.Namespace) -> int:
    folders, damaged = store.folders()
    for line in damaged:
        print(f"imagestudio: {line}", file=sys.stderr)
    if args.json:
        print(json.dumps({"folders": [f.to_json() for f in folders]}, ensure_ascii=False))
        return EXIT_OK
    for f in folders:
        state = "paused" if f.paused else f.status
        more = f" ({localized(f.detail)})" if f.detail and not f.paused else ""
        sub = "  [recursive]" if f.recursive else ""
        print(f"{f.shown}{sub}\n    {state}{more}; last scan {_when(f.last_scan_at)}; {f.imported} imported")
    if not folders:
        print("no watched folders (add one with `imagestudio library watch add DIR`)")
    return EXIT_OK


def _remove(_library: Library, store: WatchStore, args: argparse.Namespace) -> int:
    folder = _watched(store, args.dir)
    store.remove(folder.id)
    print(f"no longer watching {folder.shown}")
    return EXIT_OK


def _pause(_library: Library, store: WatchStore, args: argparse.Namespace) -> int:
    folder = _watched(store, args.dir)
    paused = args.watch_command == "pause"
    store.set_paused(folder.id, paused)
    print(f"{'paused' if paused else 'resumed'} {folder.shown}")
    return EXIT_OK


def _scan(library: Library, store: WatchStore, args: argparse.Namespace) -> int:
    if args.settle < 0:
        return fail("--settle cannot be negative", EXIT_USAGE)
    only = _watched(store, args.dir).id if args.dir else None
    results = watch_scan.scan(library, store, settle_s=args.settle, only=only)
    if not args.no_wait and any(r.waiting for r in results):
        time.sleep(args.settle + 0.25)  # what was just noted must keep still this long (a monotonic wait)
        results = _merged(results, watch_scan.scan(library, store, settle_s=args.settle, only=only))
    if args.json:
        print(json.dumps({"folders": [_result_json(r) for r in results]}, ensure_ascii=False))
    else:
        for r in results:
            _print_result(r)
        if not results:
            print("no active watched folders")
    problems = any(r.status != "ok" or r.count("skipped") or r.count("failed") for r in results)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _merged(first: list[FolderResult], second: list[FolderResult]) -> list[FolderResult]:
    """The second look's state and counts, with what both looks did to files."""
    earlier = {r.folder.id: r.items for r in first}
    for r in second:
        r.items[:0] = earlier.get(r.folder.id, [])
    return second


def _result_json(r: FolderResult) -> dict[str, Any]:
    return {
        "folder": r.folder.shown,
        "status": r.status,
        "detail": r.detail,
        "imported": len(r.added_ids),
        "waiting": r.waiting,
        "downloading": r.downloading,
        "files": [i.to_json() for i in r.items],
    }


def _print_result(r: FolderResult) -> None:
    print(f"{r.folder.shown}: {r.status}" + (f" ({localized(r.detail)})" if r.detail else ""))
    for item in r.items:
        what = f"#{item.image_id}" if item.status == "imported" else localized(item.reason)
        print(f"  {item.status:<9} {item.path}: {what}")
    waits = []
    if r.waiting:
        waits.append(f"{r.waiting} waiting until complete")
    if r.downloading:
        waits.append(f"{r.downloading} still downloading")
    print(f"  {len(r.added_ids)} imported" + "".join(f", {w}" for w in waits))


def _log(_library: Library, store: WatchStore, args: argparse.Namespace) -> int:
    if args.limit < 1:
        return fail("--limit must be at least 1", EXIT_USAGE)
    folder_id = _watched(store, args.dir).id if args.dir else None
    entries = store.log(folder_id, limit=args.limit)
    if args.json:
        print(json.dumps({"log": [e.to_json() for e in entries]}, ensure_ascii=False))
        return EXIT_OK
    for e in entries:
        what = f"#{e.image_id}" if e.status == "imported" and e.image_id else localized(e.reason)
        print(f"{_when(e.at)}  {e.status:<9} {e.path}: {what}")
    if not entries:
        print("nothing imported from watched folders yet")
    return EXIT_OK


_HANDLERS: dict[str, Callable[[Library, WatchStore, argparse.Namespace], int]] = {
    "add": _add,
    "list": _list,
    "remove": _remove,
    "pause": _pause,
    "resume": _pause,
    "scan": _scan,
    "log": _log,
}
