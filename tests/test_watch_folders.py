"""Watch folders (core): files copied in slowly are imported only once complete (size and mtime unchanged across
two scans ``SETTLE_S`` apart on a FixedClock — no sleeps), browsers' partial names wait until renamed, duplicates
and hostile entries are reported once, a vanished folder shows as such and comes back, a restart picks up what
arrived meanwhile, a damaged entry costs no other folder, and the log stays bounded."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagestudio.core.clock import FixedClock
from imagestudio.core.library import importer, watch, watch_scan
from imagestudio.core.library.library import Library
from imagestudio.core.library.watch import SETTLE_S, WatchError, WatchStore
from imagestudio.core.paths import AppPaths
from tests.test_library_import import png

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC
SETTLE = SETTLE_S


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def lib(paths: AppPaths, clock: FixedClock) -> Iterator[Library]:
    library = Library(paths, clock)
    yield library
    library.close()


@pytest.fixture
def store(lib: Library) -> WatchStore:
    return WatchStore(lib.db)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    d = tmp_path / "Downloads"
    d.mkdir()
    return d


def scan(lib: Library, store: WatchStore) -> watch_scan.FolderResult:
    [result] = watch_scan.scan(lib, store)
    return result


def step(clock: FixedClock, lib: Library, store: WatchStore, seconds: float = SETTLE) -> watch_scan.FolderResult:
    clock.advance(seconds)
    return scan(lib, store)


def statuses(result: watch_scan.FolderResult) -> dict[str, tuple[str, str]]:
    return {Path(i.path).name: (i.status, i.reason) for i in result.items}


def test_a_file_copied_in_slowly_is_imported_once_complete(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path
) -> None:
    store.add(inbox)
    data = png((200, 30, 30), (300, 200))
    target = inbox / "ChatGPT Image.png"
    third = len(data) // 3
    with target.open("wb") as out:
        out.write(data[:third])
        out.flush()
        first = scan(lib, store)
        assert first.items == [] and first.waiting == 1
        out.write(data[third : 2 * third])  # more bytes arrive between scans
        out.flush()
        assert step(clock, lib, store, SETTLE * 10).items == []  # changed since the last scan: waits again
        out.write(data[2 * third :])
        out.flush()
        assert step(clock, lib, store).items == []  # size changed again
    assert step(clock, lib, store, SETTLE / 2).items == []  # unchanged, but not for SETTLE seconds yet
    done = step(clock, lib, store, SETTLE / 2)
    assert statuses(done) == {"ChatGPT Image.png": ("imported", "")}
    [image] = lib.db.get_many(done.added_ids)
    assert Path(image.path).read_bytes() == data and image.source == "watched"
    assert image.prompt == "ChatGPT Image"
    for _ in range(3):  # handled once: later scans neither import nor log it again
        assert step(clock, lib, store).items == []
    assert [(e.status, Path(e.path).name) for e in store.log()] == [("imported", "ChatGPT Image.png")]
    [folder] = store.folders()[0]
    assert (folder.status, folder.imported, folder.last_scan_at) == ("ok", 1, clock.now())


def test_partial_downloads_wait_until_renamed(lib: Library, store: WatchStore, clock: FixedClock, inbox: Path) -> None:
    store.add(inbox)
    chrome, firefox, safari = png((1, 100, 1)), png((1, 1, 100)), png((100, 100, 1))
    (inbox / "a.png.crdownload").write_bytes(chrome)  # Chrome: the final name appears at the end
    (inbox / "b.png").write_bytes(b"")  # Firefox: an empty final name first, the bytes in .part
    (inbox / "b.png.part").write_bytes(firefox[:100])
    (inbox / "c.png.download").mkdir()  # Safari: a bundle folder
    (inbox / "c.png.download" / "c.png").write_bytes(safari)
    (inbox / "d.png.tmp").write_bytes(png((5, 5, 5)))
    (inbox / "manual.pdf.crdownload").write_bytes(b"%PDF")  # not an image on its way: not counted
    for _ in range(4):
        result = step(clock, lib, store)
        assert result.items == [] and result.downloading == 4  # b.png and b.png.part are one download
    (inbox / "b.png.part").write_bytes(firefox)
    (inbox / "b.png.part").replace(inbox / "b.png")
    (inbox / "a.png.crdownload").replace(inbox / "a.png")
    (inbox / "c.png.download" / "c.png").replace(inbox / "c.png")
    (inbox / "c.png.download").rmdir()
    assert step(clock, lib, store).items == []  # new names: seen once, not yet known to be complete
    done = step(clock, lib, store)
    assert statuses(done) == {n: ("imported", "") for n in ("a.png", "b.png", "c.png")}
    assert {Path(im.path).read_bytes() for im in lib.db.get_many(done.added_ids)} == {chrome, firefox, safari}


def test_duplicates_are_reported_with_the_image_they_match(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path, tmp_path: Path
) -> None:
    known = tmp_path / "known.png"
    known.write_bytes(png((9, 90, 9)))
    [earlier] = importer.import_paths(lib, [known]).added_ids
    store.add(inbox)
    (inbox / "again.png").write_bytes(known.read_bytes())
    (inbox / "x.png").write_bytes(png((90, 9, 9)))
    (inbox / "x (1).png").write_bytes(png((90, 9, 9)))  # a browser's second download of the same image
    scan(lib, store)
    result = step(clock, lib, store)
    got = statuses(result)
    assert got["again.png"] == ("duplicate", f"same file as #{earlier}")
    assert sorted(got[n][0] for n in ("x.png", "x (1).png")) == ["duplicate", "imported"]
    assert lib.db.count() == 2


def test_hostile_entries_are_refused_once_without_being_read(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(png((7, 7, 7)))
    store.add(inbox)
    os.mkfifo(inbox / "pipe.png")  # opening it would block a naive reader forever
    (inbox / "out.png").symlink_to(outside)
    (inbox / "zero.png").symlink_to("/dev/zero")
    inner = inbox / "inner.png"
    inner.write_bytes(png((8, 80, 8)))
    (inbox / "alias.png").symlink_to(inner)  # a link inside the folder is followed
    with (inbox / "huge.png").open("wb") as f:  # sparse: 1 GB by its size, refused unread
        f.truncate(1 << 30)
    (inbox / "fake.png").write_text("<html>not an image</html>")
    (inbox / "manual.pdf").write_bytes(b"%PDF-1.4")  # not an image name: ignored, not logged
    odd = os.fsencode(str(inbox)) + b"/caf\xe9.png"  # a name that is not UTF-8
    with open(odd, "wb") as f:
        f.write(png((3, 30, 60)))
    future = inbox / "future.png"
    future.write_bytes(png((60, 30, 3)))
    try:
        os.utime(future, ns=(2**63 + 10, 2**63 + 10))  # past SQLite's 64-bit integers
    except (OSError, OverflowError):
        os.utime(future, ns=(2**62, 2**62))
    first = scan(lib, store)
    second = step(clock, lib, store)
    got = {**statuses(first), **statuses(second)}
    assert got["pipe.png"] == ("skipped", "not a regular file")
    assert got["out.png"] == ("skipped", "link to outside the watched folder")
    assert got["zero.png"] == ("skipped", "link to outside the watched folder")
    assert got["huge.png"] == ("skipped", "too large")
    assert got["fake.png"] == ("skipped", "not an image")
    assert sorted(got[n][0] for n in ("inner.png", "alias.png")) == ["duplicate", "imported"]
    assert got["caf\\xe9.png"] == ("imported", "") and got["future.png"] == ("imported", "")
    assert "manual.pdf" not in got
    lines = len(store.log())
    for _ in range(3):
        assert step(clock, lib, store).items == []
    assert len(store.log()) == lines  # each refusal logged once


def test_a_vanished_folder_shows_as_such_and_is_retried(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(inbox)
    (inbox / "one.png").write_bytes(png((1, 2, 250)))
    scan(lib, store)
    moved = inbox.with_name("elsewhere")
    inbox.rename(moved)  # an unplugged drive, a deleted folder
    for _ in range(3):
        result = step(clock, lib, store)
        assert (result.status, result.detail) == ("missing", "folder not found") and result.items == []
    assert [(e.status, e.reason) for e in store.log()] == [("folder", "folder not found")]  # logged once
    inbox.write_bytes(b"a file where the folder was")
    assert step(clock, lib, store).status == "not a folder"
    inbox.unlink()
    moved.rename(inbox)
    real_scandir = os.scandir

    def no_access(path: object) -> object:
        if os.fspath(path) == str(inbox):  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", no_access)
    assert step(clock, lib, store).status == "unreadable"
    monkeypatch.setattr(os, "scandir", real_scandir)
    back = step(clock, lib, store)  # the file kept its size and mtime while the folder was away
    assert back.status == "ok" and statuses(back) == {"one.png": ("imported", "")}
    assert store.log()[1].reason == "folder is back"


def test_files_that_arrived_while_the_app_was_closed(paths: AppPaths, inbox: Path) -> None:
    clock = FixedClock(T0)
    first = Library(paths, clock)
    WatchStore(first.db).add(inbox, recursive=True)
    first.close()
    (inbox / "sub").mkdir()
    (inbox / "sub" / "late.png").write_bytes(png((40, 40, 200)))
    (inbox / "early.png").write_bytes(png((40, 200, 40)))
    again = Library(paths, clock)  # start-up: the first scan notes them, the next one imports them
    store = WatchStore(again.db)
    assert scan(again, store).waiting == 2
    again.close()
    clock.advance(3600)  # a restart between the two scans: what was noted is kept
    third = Library(paths, clock)
    result = scan(third, WatchStore(third.db))
    assert sorted(statuses(result)) == ["early.png", "late.png"]
    third.close()


def test_recursive_paused_and_removed(lib: Library, store: WatchStore, clock: FixedClock, inbox: Path) -> None:
    folder = store.add(inbox)
    (inbox / "deep").mkdir()
    (inbox / "deep" / "nested.png").write_bytes(png((200, 200, 0)))
    (inbox / "top.png").write_bytes(png((0, 200, 200)))
    store.set_paused(folder.id, True)
    assert watch_scan.scan(lib, store) == []
    store.set_paused(folder.id, False)
    scan(lib, store)
    assert sorted(statuses(step(clock, lib, store))) == ["top.png"]
    store.set_recursive(folder.id, True)
    scan(lib, store)
    assert sorted(statuses(step(clock, lib, store))) == ["nested.png"]
    with pytest.raises(WatchError, match="watched already"):
        store.add(str(inbox) + "/")
    with pytest.raises(WatchError, match="not a folder"):
        store.add(inbox / "top.png")
    store.remove(folder.id)
    assert store.folders() == ([], [])
    assert lib.db.read("SELECT count(*) FROM watch_files") == [(0,)]


def test_a_damaged_entry_never_costs_the_others(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path
) -> None:
    good = store.add(inbox)
    with lib.db.transaction() as c:
        c.execute("INSERT INTO watch_folders (path, added_at) VALUES ('relative/path', 0)")
        c.execute("INSERT INTO watch_folders (path, added_at, recursive) VALUES ('/x', 'not a time', 'x')")
    folders, damaged = store.folders()
    assert [f.id for f in folders] == [good.id] and len(damaged) == 2
    (inbox / "a.png").write_bytes(png((1, 1, 1)))
    scan(lib, store)
    assert statuses(step(clock, lib, store)) == {"a.png": ("imported", "")}


def test_failures_that_may_pass_are_retried_then_given_up(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(inbox)
    (inbox / "a.png").write_bytes(png((50, 50, 50)))
    monkeypatch.setattr(
        importer, "prepare", lambda _lib, p: importer.ImportItem(str(p), "skipped", "could not be copied")
    )
    scan(lib, store)
    reasons = [statuses(step(clock, lib, store)).get("a.png")]
    for _ in range(watch_scan.MAX_ATTEMPTS - 1):
        assert step(clock, lib, store).items == []  # not before RETRY_S
        reasons.append(statuses(step(clock, lib, store, watch_scan.RETRY_S)).get("a.png"))
    assert reasons[0] == ("failed", "could not be copied; will try again")
    assert reasons[-1] == ("skipped", f"could not be copied; gave up after {watch_scan.MAX_ATTEMPTS} attempts")
    assert step(clock, lib, store, watch_scan.RETRY_S).items == []


def test_a_file_that_changes_while_it_is_read_waits(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(inbox)
    data = png((10, 200, 100), (200, 200))
    target = inbox / "a.png"
    target.write_bytes(data)
    real = importer.prepare

    def growing(library: Library, path: Path) -> object:
        result = real(library, path)
        with path.open("ab") as f:
            f.write(b"\0")  # the writer was not done after all
        return result

    monkeypatch.setattr(importer, "prepare", growing)
    scan(lib, store)
    result = step(clock, lib, store)
    assert result.items == [] and lib.db.count() == 0
    assert not any(p.is_file() for p in (lib.paths.data / "originals").rglob("*"))  # the copy was discarded


def test_the_log_keeps_its_newest_lines(
    lib: Library, store: WatchStore, clock: FixedClock, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "LOG_LIMIT", 5)
    store.add(inbox)
    for i in range(8):
        (inbox / f"{i}.png").write_bytes(png((i * 30, 0, 0)))
    scan(lib, store)
    step(clock, lib, store)
    assert [Path(e.path).name for e in store.log()] == [f"{i}.png" for i in (7, 6, 5, 4, 3)]


def test_seen_rows_follow_the_folder(lib: Library, store: WatchStore, clock: FixedClock, inbox: Path) -> None:
    store.add(inbox)
    for i in range(3):
        (inbox / f"{i}.png").write_bytes(png((0, i * 40, 0)))
    scan(lib, store)
    step(clock, lib, store)
    (inbox / "0.png").unlink()
    step(clock, lib, store)
    assert sorted(r[0] for r in lib.db.read("SELECT rel FROM watch_files")) == [b"1.png", b"2.png"]


def test_db_written_by_this_component_opens_again(paths: AppPaths, inbox: Path) -> None:
    library = Library(paths, FixedClock(T0))
    WatchStore(library.db).add(inbox)
    library.close()
    conn = sqlite3.connect(paths.library_db)
    assert conn.execute("SELECT version FROM component_versions WHERE component = 'watch'").fetchone() == (1,)
    conn.close()
    again = Library(paths, FixedClock(T0))
    assert [f.path for f in WatchStore(again.db).folders()[0]] == [str(inbox)]
    again.close()


def test_a_full_folder_is_taken_in_batches(lib: Library, store: WatchStore, clock: FixedClock, inbox: Path) -> None:
    folder = store.add(inbox)
    for i in range(5):
        (inbox / f"{i}.png").write_bytes(png((i * 50, 100, 0)))
    assert watch_scan.scan_folder(lib, store, folder, limit=2).waiting == 5
    clock.advance(SETTLE)
    counts = []
    while True:
        result = watch_scan.scan_folder(lib, store, folder, limit=2)
        counts.append((len(result.added_ids), result.more))
        if not result.more:
            break
    assert counts == [(2, True), (2, True), (1, False)] and lib.db.count() == 5
