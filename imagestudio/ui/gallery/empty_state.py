"""What the gallery says when it shows nothing: no images yet, nothing matches a search (with what to try and a
button that shows everything again), an empty trash, favourites or collection — never a blank pane."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QVBoxLayout, QWidget

from imagestudio.app.gallery_model import GalleryModel
from imagestudio.core.library.query import LibraryQuery


class EmptyState(QWidget):
    """Laid over the gallery's viewport while the model has no rows (after its first answer)."""

    def __init__(self, view: QAbstractItemView, model: GalleryModel, show_all: Callable[[], None]) -> None:
        super().__init__(view.viewport())
        self.setObjectName("galleryEmpty")
        self._view = view
        self._model = model
        self._answered = False  # no message before the first query has answered (no flash at start)
        self.title = QLabel()
        self.title.setObjectName("galleryEmptyTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # the search text is the person's, shown as is
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel()
        self.hint.setObjectName("galleryEmptyHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_all = QPushButton(self.tr("Show all images"))
        self.show_all.setObjectName("galleryShowAll")
        self.show_all.clicked.connect(show_all)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.show_all, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._answer)
        view.viewport().installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False

    def _answer(self, *_args: object) -> None:
        self._answered = True
        self.refresh()

    def refresh(self) -> None:
        empty = self._answered and self._model.rowCount() == 0
        if empty:
            self._describe(self._model.query)
            self.setGeometry(self._view.viewport().rect())
            self.raise_()
        self.setVisible(empty)

    def _describe(self, query: LibraryQuery) -> None:
        show_all = True
        if dataclasses.replace(query, sort="newest").is_default:  # nothing filtered: the library is empty
            title = self.tr("No images yet")
            hint = self.tr(
                "Describe an image in the prompt and press Generate (Ctrl+Enter), try a preset, "
                "or drop image files here to import them."
            )
            show_all = False
        elif query.in_trash:
            title, hint = self.tr("The trash is empty"), self.tr("Images you move to the trash wait here.")
        elif query.similar_to is not None:
            title = self.tr("No similar images")
            hint = self.tr("Nothing in the library looks like image #%1.").replace("%1", str(query.similar_to))
        elif query.text:
            title = self.tr("No images match “%1”").replace("%1", query.text)
            hint = self.tr(
                "Try fewer or other words, another language (the prompt's own), or turn off the filters "
                "and “Only favourites”. Tags and notes are searched too."
            )
        elif query.favourites:
            title, hint = self.tr("No favourites here"), self.tr("Press F on an image to star it.")
        elif query.tag is not None:
            title = self.tr("No images tagged “%1”").replace("%1", query.tag)
            hint = self.tr("Press T on an image to tag it.")
        elif query.collection is not None:
            title = self.tr("This collection is empty")
            hint = self.tr("Right-click images → Add to collection.")
        else:
            title, hint = self.tr("Nothing matches these filters"), self.tr("Widen the dates, size or cost.")
        self.title.setText(title)
        self.hint.setText(hint)
        self.show_all.setVisible(show_all)
