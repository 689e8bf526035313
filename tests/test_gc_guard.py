"""Reference cycles holding Qt objects are freed on the GUI thread, never in a worker thread that happens to
allocate (a Qt object destroyed outside its thread crashes the process: the segfault CI met once in a GUI test)."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any, ClassVar

from PySide6.QtCore import QObject

from imagestudio.app.gc_guard import GuiThreadCollector


class _Cycle:
    """A cycle with a Qt object in it; records the thread that finally frees it."""

    freed_in: ClassVar[list[int]] = []

    def __init__(self) -> None:
        self.qobject = QObject()
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_in.append(threading.get_ident())


def _allocate_in_a_worker() -> None:
    def churn() -> None:
        junk: list[Any] = []
        for _ in range(50_000):  # far past every generation's threshold
            junk.append([[]])
        del junk

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()


def test_a_cycle_with_a_qt_object_is_freed_on_the_gui_thread_only(qapp: Any) -> None:
    collector = GuiThreadCollector(qapp)
    collector.install()
    try:
        assert not gc.isenabled()
        _Cycle.freed_in.clear()
        cycle = _Cycle()
        alive = weakref.ref(cycle)
        del cycle
        _allocate_in_a_worker()
        assert alive() is not None and _Cycle.freed_in == []  # the worker's allocations collected nothing
        gc.collect()  # what the timer's check does on the GUI thread once the oldest generation is due
        assert alive() is None
        assert _Cycle.freed_in == [threading.get_ident()]
    finally:
        collector.uninstall()


def test_check_collects_the_generation_python_would() -> None:
    collector = GuiThreadCollector()
    collector.install()
    try:
        gc.collect()
        assert collector.check() == -1  # nothing due right after a collection
        junk = [[] for _ in range(gc.get_threshold()[0] + 10)]
        assert collector.check() == 0 and collector.collections[0] == 1
        del junk
    finally:
        collector.uninstall()
