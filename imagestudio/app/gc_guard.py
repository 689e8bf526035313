"""Python's cycle collector runs on the GUI thread only.

Left automatic, the collector runs in whichever thread happens to allocate when a generation's threshold is passed:
the library's DB and CPU workers, the ``imagestudio-http`` loop, asyncio's default executor. A reference cycle that
holds a Qt object (a dialog connected to a lambda that refers back to it, a window's parts referring to each other)
is then destroyed in that thread, and Qt objects destroyed outside their own thread crash the process
(segmentation fault) at random moments. So the automatic collector is switched off and this object runs the same
generational collection from a timer on the GUI thread: the same thresholds, so memory behaves as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the counts are looked at. Allocation-heavy moments between two looks only let garbage wait a little.
CHECK_EVERY_MS = 500


class GuiThreadCollector(QObject):
    """Install on the GUI thread (``install()``); ``uninstall()`` gives the collector back to Python."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()
        self.collections = [0, 0, 0]  # per generation, for tests and diagnostics

    def install(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def uninstall(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def check(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as Python would; returns it or -1."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        generation = -1
        for g in range(3):
            if thresholds[g] and counts[g] > thresholds[g]:
                generation = g
        if generation >= 0:
            gc.collect(generation)
            self.collections[generation] += 1
        return generation
