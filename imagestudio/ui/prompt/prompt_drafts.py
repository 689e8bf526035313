"""Prompt drafts as tabs above the prompt editor: several prompts in progress, each with its own options and
input images. "Reuse settings" opens a new tab, so it never overwrites what the person is writing.

The tab bar keeps the list of drafts; the editor shows one at a time (``capture``/``show`` callbacks). Saving
goes through StudioService (off the GUI thread), a moment after the last change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QTabBar, QToolButton, QWidget

from imagestudio.core.drafts import Draft, DraftSet

SAVE_DELAY_MS = 600


class DraftTabs(QWidget):
    #: the drafts changed and should be saved: (drafts, current index)
    saveRequested = Signal(list, int)

    def __init__(
        self,
        initial: DraftSet,
        capture: Callable[[], Draft],
        show: Callable[[Draft], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._capture = capture
        self._show = show
        self.drafts: list[Draft] = list(initial.drafts) or [Draft()]
        self.tabs = QTabBar()
        self.tabs.setObjectName("draftTabs")
        self.tabs.setAccessibleName(self.tr("Prompt drafts"))
        self.tabs.setTabsClosable(True)
        self.tabs.setExpanding(False)
        self.tabs.setElideMode(self.tabs.elideMode().ElideRight)
        self.tabs.setDocumentMode(True)
        self.new_button = QToolButton()
        self.new_button.setObjectName("newDraft")
        self.new_button.setText("+")
        self.new_button.setToolTip(self.tr("New prompt draft"))
        self.new_button.setAccessibleName(self.tr("New prompt draft"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.new_button)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        for _ in self.drafts:
            self.tabs.addTab("")
        self._shown = min(max(initial.current, 0), len(self.drafts) - 1)
        self.tabs.setCurrentIndex(self._shown)
        self._refresh_titles()
        self.tabs.currentChanged.connect(self._switch)
        self.tabs.tabCloseRequested.connect(self.close_draft)
        self.new_button.clicked.connect(lambda: self.open_draft(Draft()))

    def start(self) -> None:
        """Show the current draft (the editor calls this once its widgets exist)."""
        self._apply(self.drafts[self._shown])

    def _apply(self, draft: Draft) -> None:
        # the editor's change signals fire while it fills its widgets: they must not store a half-shown draft
        self._loading = True
        try:
            self._show(draft)
        finally:
            self._loading = False

    @property
    def current(self) -> int:
        return self._shown

    def _refresh_titles(self) -> None:
        for i, draft in enumerate(self.drafts):
            self.tabs.setTabText(i, draft.title(self.tr("Draft %1").replace("%1", str(i + 1))))
            self.tabs.setTabToolTip(i, draft.prompt[:300])

    def _store_current(self) -> None:
        if 0 <= self._shown < len(self.drafts):
            self.drafts[self._shown] = self._capture()

    def _switch(self, index: int) -> None:
        if index < 0 or index == self._shown:
            return
        self._store_current()
        self._shown = index
        self._apply(self.drafts[index])
        self.changed()

    def open_draft(self, draft: Draft) -> None:
        """A new tab with ``draft``; what the current tab holds is kept in its own tab."""
        self._store_current()
        self.drafts.append(draft)
        self._shown = len(self.drafts) - 1  # set first: _switch must not store over the new draft
        self.tabs.blockSignals(True)
        self.tabs.addTab("")
        self.tabs.setCurrentIndex(self._shown)
        self.tabs.blockSignals(False)
        self._apply(draft)
        self.changed()

    def close_draft(self, index: int) -> None:
        if not 0 <= index < len(self.drafts):
            return
        self._store_current()
        del self.drafts[index]
        if not self.drafts:
            self.drafts.append(Draft())
        # closing the shown tab shows its right neighbour (or the new last one)
        shown = self._shown - 1 if index < self._shown else min(self._shown, len(self.drafts) - 1)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        if self.tabs.count() < len(self.drafts):
            self.tabs.addTab("")
        self.tabs.setCurrentIndex(shown)
        self.tabs.blockSignals(False)
        self._shown = shown
        self._apply(self.drafts[shown])
        self.changed()

    def changed(self) -> None:
        """Something in the shown draft changed: titles now, a save a moment later."""
        if self._loading:
            return
        self._store_current()
        self._refresh_titles()
        self._save_timer.start()

    def save_now(self) -> None:
        self._save_timer.stop()
        self._store_current()
        self.saveRequested.emit(list(self.drafts), self._shown)
