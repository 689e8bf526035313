"""The bar above the gallery: search box (Ctrl+F), favourites-only, filters (date, model, size, cost), sort, save
this search."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QToolButton, QWidget

from imagestudio.core.library.query import LibraryQuery
from imagestudio.ui.gallery.filter_popup import FilterPopup

#: How long typing must pause before the query runs (each run is off the GUI thread anyway).
DEBOUNCE_MS = 150


class SearchBar(QWidget):
    changed = Signal()
    saveRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit()
        self.text.setObjectName("librarySearch")
        self.text.setPlaceholderText(self.tr("Search prompts, tags, notes… (Ctrl+F)"))
        self.text.setAccessibleName(self.tr("Search the library"))
        self.text.setClearButtonEnabled(True)
        self.sort = QComboBox()
        self.sort.setAccessibleName(self.tr("Sort"))
        for key, label in (
            ("newest", self.tr("Newest first")),
            ("oldest", self.tr("Oldest first")),
            ("largest", self.tr("Largest first")),
            ("cost", self.tr("Most expensive first")),
            ("rating", self.tr("Highest rated first")),
        ):
            self.sort.addItem(label, key)
        self.favourites = QToolButton()
        self.favourites.setText("★")
        self.favourites.setCheckable(True)
        self.favourites.setToolTip(self.tr("Only favourites"))
        self.favourites.setAccessibleName(self.tr("Only favourites"))
        self.filters = FilterPopup()
        self.save = QPushButton(self.tr("Save search…"))
        self.save.setToolTip(self.tr("Keep this search in the sidebar; it updates itself as images arrive"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.favourites)
        layout.addWidget(self.filters)
        layout.addWidget(self.sort)
        layout.addWidget(self.save)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.changed)
        self.text.textChanged.connect(lambda _text: self._timer.start())
        self.text.returnPressed.connect(self.apply_now)
        self.sort.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.favourites.toggled.connect(lambda _on: self.changed.emit())
        self.filters.changed.connect(self.changed)
        self.save.clicked.connect(self.saveRequested)

    def apply_now(self) -> None:
        self._timer.stop()
        self.changed.emit()

    @property
    def sort_key(self) -> str:
        return str(self.sort.currentData() or "newest")

    def narrow(self, query: LibraryQuery) -> LibraryQuery:
        """``query`` (a sidebar entry) narrowed by the filters chosen here."""
        return self.filters.apply(query)
