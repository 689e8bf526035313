"""One scan of the watch folders: find new files, wait until they are complete, import them (issue 21 part 4).

A file is **complete** when it is a regular file (or a link to one inside the folder), not empty, not a browser's
partial download (``photo.png.crdownload``, ``.part``, ``.download``, ``.tmp``… — nor a final name while such a
sibling still exists: Firefox creates the empty final name first), readable, and its size and mtime were the same
at two scans at least ``settle_s`` seconds apart on the injected clock. The first scan that sees a file only notes
it (``waiting``); so does a scan that finds it changed. A scan that runs while a file is still being written leaves
it for the next one.

Complete files go through the importer (``core/library/importer.py``): the same verify, de-duplicate by sha256
and per-entry report as ``library import``. What became of each file is kept (``core/library/watch.py``) so it is
handled once; the bytes are checked again after reading (a file that changed while it was read waits again).
Hostile entries: FIFOs, sockets and devices are never opened; links are followed only to files inside the
folder; linked folders are not walked; files over the importer's cap are refused by their size, unread. A folder
that vanished or cannot be read gets that status and is tried again at the next scan; nothing here raises for
what it finds on disk.

``scan()`` does everything in the calling thread (the CLI). The GUI runs the same steps on its threads:
``plan`` (listing + reads), ``importer.prepare`` per file on the CPU pool, ``importer.commit`` + ``finish`` on the
DB thread (``app/watch_service.py``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imagestudio.core.files import imageio
from imagestudio.core.files.outside import path_text
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.library import importer
from imagestudio.core.library.importer import ImportItem, Prepared
from imagestudio.core.library.library import Library
from imagestudio.core.library.watch import (
    MISSING,
    NOT_A_FOLDER,
    OK,
    SETTLE_S,
    UNREADABLE,
    LogEntry,
    Seen,
    WatchFolder,
    WatchStore,
    clamp,
)

RETRY_S = 60.0  # a file that failed for a passing reason (no access, disk full) is tried again after this
MAX_ATTEMPTS = 5
MAX_FILES = 20_000  # entries looked at per folder and scan (a huge folder is watched in part, and says so)
MAX_DEPTH = 16
PARTIAL_SUFFIXES = (
    ".crdownload",  # Chrome, Edge, Brave, Vivaldi
    ".part",  # Firefox
    ".partial",  # old Edge / IE
    ".download",  # Safari (a folder)
    ".opdownload",  # Opera
    ".tmp",
    ".temp",
    ".filepart",  # WinSCP
    ".aria2",  # aria2's control file beside the growing file
    ".!qb",  # qBittorrent
    ".!ut",  # µTorrent
)
#: Names looked at; other files (PDFs, archives… in a Downloads folder) are ignored without being read or logged.
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".webp", ".gif", ".svg"}
    | {".avif", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".jxl"}  # refused by the importer, with the reason
)
TRANSIENT = frozenset(
    {"unreadable", "too slow", "could not be copied", "could not be recorded", "could not be imported"}
)
FINAL = frozenset({"imported", "duplicate", "skipped", "ignored"})


@dataclass(frozen=True, slots=True)
class Ready:
    rel: bytes
    path: Path
    size: int
    mtime_ns: int
    attempts: int


@dataclass
class FolderPlan:
    folder: WatchFolder
    now: float
    status: str = OK
    detail: str = ""
    ready: list[Ready] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    refused: list[ImportItem] = field(default_factory=list)  # entries refused by what they are (logged once)
    present: set[bytes] | None = field(default_factory=set)  # None: the listing was incomplete (no pruning)
    waiting: int = 0
    downloading: int = 0
    listed: int = 0
    more: bool = False  # complete files beyond this scan's limit: the next scan takes them


@dataclass
class FolderResult:
    folder: WatchFolder
    status: str
    detail: str
    items: list[ImportItem] = field(default_factory=list)
    waiting: int = 0
    downloading: int = 0
    more: bool = False

    @property
    def added_ids(self) -> list[int]:
        return [i.image_id for i in self.items if i.status == "imported" and i.image_id is not None]

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)


def is_partial(name: str) -> bool:
    low = name.lower()
    return low.endswith(PARTIAL_SUFFIXES)


def _downloading_image(name: str, names: set[str]) -> int:
    """1 for ``photo.png.crdownload`` (an image on its way), 0 for a PDF's, or when the final name beside it is
    counted already (Firefox's empty placeholder)."""
    final = name.lower()[: name.lower().rfind(".")]
    return int(Path(final).suffix in IMAGE_SUFFIXES and final not in names)


def _log(
    plan: FolderPlan, path: str, status: str, reason: str = "", image_id: int | None = None, detail: str = ""
) -> None:
    plan.log.append(LogEntry(plan.folder.id, plan.now, path, status, reason, image_id, detail))


def plan(
    store: WatchStore, folder: WatchFolder, now: float, *, settle_s: float = SETTLE_S, limit: int | None = None
) -> FolderPlan:
    """List the folder and decide, per file, whether it is complete now (filesystem + DB reads; any thread).
    At most ``limit`` complete files are taken (the GUI's scans stay short: quitting waits for one at most)."""
    result = FolderPlan(folder, now)
    try:
        st = os.stat(folder.path)
        if not stat.S_ISDIR(st.st_mode):
            return _folder_state(result, NOT_A_FOLDER, "not a folder")
        with os.scandir(folder.path):
            pass
    except FileNotFoundError:
        return _folder_state(result, MISSING, "folder not found")
    except OSError as e:
        return _folder_state(result, UNREADABLE, "folder not readable", e.strerror or type(e).__name__)
    if folder.status in (MISSING, UNREADABLE, NOT_A_FOLDER):
        _log(result, folder.shown, "folder", "folder is back")
    known = store.seen(folder.id)
    root = os.path.realpath(folder.path)
    try:
        _walk(result, known, root, Path(folder.path), b"", 0, settle_s)
    except _TooMany:
        result.present = None
        result.detail = fill(QT_TRANSLATE_NOOP("CoreMessages", "only the first %1 files are watched"), MAX_FILES)
    if limit is not None and len(result.ready) > limit:
        result.waiting += len(result.ready) - limit
        result.ready, result.more = result.ready[:limit], True
    return result


class _TooMany(Exception):
    pass


def _folder_state(plan: FolderPlan, status: str, reason: str, detail: str = "") -> FolderPlan:
    plan.status, plan.detail, plan.present = status, reason, None
    if plan.folder.status != status:  # logged when it changes, not at every scan
        _log(plan, plan.folder.shown, "folder", reason, detail=detail)
    return plan


def _walk(
    plan: FolderPlan, known: dict[bytes, Seen], root: str, where: Path, prefix: bytes, depth: int, settle_s: float
) -> None:
    try:
        with os.scandir(where) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        plan.present = None  # a subfolder we cannot list: keep what we know of it
        return
    names = {e.name.lower() for e in entries}
    for entry in entries:
        plan.listed += 1
        if plan.listed > MAX_FILES:
            raise _TooMany
        name = entry.name
        if name.startswith("."):
            continue
        if is_partial(name):
            plan.downloading += _downloading_image(name, names)
            continue
        rel = prefix + os.fsencode(name)
        try:
            _consider(plan, known, root, entry, rel, names, depth, settle_s)
        except OSError:  # vanished between listing and stat, or no access: looked at again next time
            if plan.present is not None:
                plan.present.add(rel)


def _consider(
    plan: FolderPlan,
    known: dict[bytes, Seen],
    root: str,
    entry: os.DirEntry[str],
    rel: bytes,
    names: set[str],
    depth: int,
    settle_s: float,
) -> None:
    path = Path(entry.path)
    shown = path_text(path)
    lst = entry.stat(follow_symlinks=False)
    st = lst
    if stat.S_ISLNK(lst.st_mode):
        target = os.path.realpath(path)
        if not (target == root or target.startswith(root.rstrip(os.sep) + os.sep)):
            return _settle_final(plan, known, rel, lst, shown, "skipped", "link to outside the watched folder")
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            if plan.folder.recursive:
                return _settle_final(plan, known, rel, lst, shown, "skipped", "linked folder not followed")
            return
    if stat.S_ISDIR(st.st_mode):
        if plan.folder.recursive and depth < MAX_DEPTH:
            _walk(plan, known, root, path, rel + os.fsencode(os.sep), depth + 1, settle_s)
        return
    if Path(entry.name).suffix.lower() not in IMAGE_SUFFIXES:
        return  # not an image name: not read, not logged
    if plan.present is not None:
        plan.present.add(rel)
    if not stat.S_ISREG(st.st_mode):
        return _settle_final(plan, known, rel, st, shown, "skipped", "not a regular file")
    if st.st_size > imageio.MAX_BYTES:
        return _settle_final(plan, known, rel, st, shown, "skipped", "too large")
    if st.st_size == 0 or any(entry.name.lower() + s in names for s in PARTIAL_SUFFIXES):
        plan.downloading += 1  # Firefox's empty placeholder, or a final name beside its growing .part
        return
    before = known.get(rel)
    same = before is not None and before.size == st.st_size and before.mtime_ns == clamp(st.st_mtime_ns)
    if before is None or not same:
        plan.seen.append(Seen(rel, st.st_size, st.st_mtime_ns, plan.now, "waiting"))
        plan.waiting += 1
        return
    assert before is not None
    if before.outcome in FINAL:
        return
    if before.outcome == "failed":
        if plan.now - before.observed_at < RETRY_S:
            return
    elif plan.now - before.observed_at < settle_s or not os.access(path, os.R_OK):
        plan.waiting += 1
        return
    plan.ready.append(Ready(rel, path, st.st_size, st.st_mtime_ns, before.attempts))


def _settle_final(
    plan: FolderPlan, known: dict[bytes, Seen], rel: bytes, st: os.stat_result, shown: str, outcome: str, reason: str
) -> None:
    """An entry refused by what it is: logged once (again only if it changes)."""
    if plan.present is not None:
        plan.present.add(rel)
    before = known.get(rel)
    if before is not None and before.size == st.st_size and before.mtime_ns == clamp(st.st_mtime_ns):
        return
    plan.seen.append(Seen(rel, st.st_size, st.st_mtime_ns, plan.now, outcome))
    plan.refused.append(ImportItem(shown, outcome, reason))
    _log(plan, shown, outcome, reason)


def finish(
    store: WatchStore, plan: FolderPlan, results: list[Prepared | ImportItem | None], committed: list[ImportItem]
) -> FolderResult:
    """Record what became of every ready file (``results`` in ``plan.ready``'s order; ``committed`` = the
    importer's rows for the prepared ones) and the folder's status, in one transaction."""
    by_path = {i.path: i for i in committed}
    outcome = FolderResult(
        plan.folder, plan.status, plan.detail, waiting=plan.waiting, downloading=plan.downloading, more=plan.more
    )
    outcome.items.extend(plan.refused)
    for ready, result in zip(plan.ready, results, strict=True):
        item = by_path.get(result.path) if isinstance(result, Prepared) else result
        if item is None:  # changed while it was read (check_unchanged): it waits again
            plan.seen.append(Seen(ready.rel, ready.size, ready.mtime_ns, plan.now, "waiting"))
            outcome.waiting += 1
            continue
        status, reason, attempts = item.status, item.reason, ready.attempts
        if status == "skipped" and item.reason in TRANSIENT:
            attempts += 1
            if attempts < MAX_ATTEMPTS:
                status, reason = "failed", f"{item.reason}; will try again"
            else:
                reason = f"{item.reason}; " + fill(
                    QT_TRANSLATE_NOOP("CoreMessages", "gave up after %1 attempts"), attempts
                )
        stored_outcome = "skipped" if status == "skipped" else status
        plan.seen.append(Seen(ready.rel, ready.size, ready.mtime_ns, plan.now, stored_outcome, attempts, item.image_id))
        _log(plan, item.path, status, reason, item.image_id, item.detail)
        outcome.items.append(ImportItem(item.path, status, reason, item.image_id, item.detail))
    added = len(outcome.added_ids)
    store.record(
        plan.folder.id,
        seen=plan.seen,
        log=plan.log,
        status=(plan.status, plan.detail),
        present=plan.present,
        imported=added,
    )
    return outcome


def check_unchanged(library: Library, ready: Ready, prepared: Prepared | ImportItem) -> Prepared | ImportItem | None:
    """``None`` (and the copy discarded) when the file changed while it was read: it waits for the next scan."""
    if not isinstance(prepared, Prepared):
        return prepared
    try:
        st = os.stat(ready.path)
        now_is = (st.st_size, st.st_mtime_ns)
        changed = now_is != (ready.size, ready.mtime_ns) or prepared.stored.byte_size != ready.size
    except OSError:
        changed = True
    if changed:
        importer.discard(library, [prepared])
        return None
    return prepared


def prepare_ready(library: Library, ready: Ready) -> Prepared | ImportItem | None:
    """Read, verify and copy one complete file (a worker thread); ``None`` when it changed meanwhile."""
    return check_unchanged(library, ready, importer.prepare(library, ready.path))


def scan(
    library: Library,
    store: WatchStore,
    *,
    settle_s: float = SETTLE_S,
    only: int | None = None,
    on_folder: Callable[[FolderResult], None] | None = None,
) -> list[FolderResult]:
    """One pass over every active folder (or folder ``only``), everything in this thread (the CLI)."""
    folders, _damaged = store.folders()
    results: list[FolderResult] = []
    for folder in folders:
        if folder.paused or (only is not None and folder.id != only):
            continue
        result = scan_folder(library, store, folder, settle_s=settle_s)
        results.append(result)
        if on_folder is not None:
            on_folder(result)
    return results


def scan_folder(
    library: Library, store: WatchStore, folder: WatchFolder, *, settle_s: float = SETTLE_S, limit: int | None = None
) -> FolderResult:
    the_plan = plan(store, folder, library.db.clock.now(), settle_s=settle_s, limit=limit)
    results: list[Prepared | ImportItem | None] = [prepare_ready(library, r) for r in the_plan.ready]
    return commit_and_finish(library, store, the_plan, results)


def commit_and_finish(
    library: Library, store: WatchStore, the_plan: FolderPlan, results: list[Prepared | ImportItem | None]
) -> FolderResult:
    """The importer's one transaction for the prepared files, then the record (the DB thread)."""
    prepared = [r for r in results if isinstance(r, Prepared)]
    committed = importer.commit(library, prepared, source="watched") if prepared else []
    return finish(store, the_plan, results, committed)
