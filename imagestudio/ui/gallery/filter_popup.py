"""The "Filters" button in the gallery's search bar: a compact popup narrowing the view by date range, model,
size, cost, rating and flag, and "Hide rejected" (on by default) (the fields of ``LibraryQuery`` that have no
sidebar entry). Every change emits ``changed``; the
button's text counts the active filters so a narrowed view never looks like a missing image."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from imagestudio.core.library.query import LibraryQuery

# (width, height) offered as "at least" sizes; the filter compares pixel counts, so 1024×1536 counts too
SIZE_STEPS = ((1024, 1024), (1536, 1024), (2048, 2048), (3840, 2160))


class FilterPopup(QToolButton):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryFilters")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolTip(self.tr("Filter by date, model, size, cost, rating and flag"))
        self.setAccessibleName(self.tr("Filters"))
        form_holder = QWidget()
        form = QFormLayout(form_holder)

        self.model = QComboBox()
        self.model.setObjectName("filterModel")
        self.model.setEditable(True)  # imported images may come from models no longer offered
        self.model.addItem(self.tr("Any model"), "")
        self.model.setAccessibleName(self.tr("Model"))
        form.addRow(self.tr("Model"), self.model)

        today = QDate.currentDate()
        self.use_since, self.since = self._date_row(form, self.tr("From"), today.addMonths(-1))
        self.use_until, self.until = self._date_row(form, self.tr("Until"), today)

        self.min_size = QComboBox()
        self.min_size.setObjectName("filterSize")
        self.min_size.addItem(self.tr("Any size"), 0)
        for w, h in SIZE_STEPS:
            self.min_size.addItem(self.tr("At least %1×%2").replace("%1", str(w)).replace("%2", str(h)), w * h)
        self.min_size.setAccessibleName(self.tr("Minimum size"))
        form.addRow(self.tr("Size"), self.min_size)

        self.cost = QDoubleSpinBox()
        self.cost.setObjectName("filterCost")
        self.cost.setRange(0.0, 1000.0)
        self.cost.setDecimals(3)
        self.cost.setSingleStep(0.01)
        self.cost.setPrefix("≥ $")
        self.cost.setSpecialValueText(self.tr("Any cost"))
        self.cost.setAccessibleName(self.tr("Minimum cost in dollars"))
        form.addRow(self.tr("Cost"), self.cost)

        self.rating = QComboBox()
        self.rating.setObjectName("filterRating")
        self.rating.addItem(self.tr("Any rating"), 0)
        for stars in range(1, 6):
            self.rating.addItem(self.tr("At least %1").replace("%1", "★" * stars), stars)
        self.rating.setAccessibleName(self.tr("Minimum rating"))
        form.addRow(self.tr("Rating"), self.rating)

        self.flag = QComboBox()
        self.flag.setObjectName("filterFlag")
        for label, key in (
            (self.tr("Any flag"), ""),
            (self.tr("Picked"), "pick"),
            (self.tr("Unflagged"), "none"),
            (self.tr("Rejected"), "reject"),
        ):
            self.flag.addItem(label, key)
        self.flag.setAccessibleName(self.tr("Flag"))
        form.addRow(self.tr("Flag"), self.flag)

        self.hide_rejected = QCheckBox(self.tr("Hide rejected"))
        self.hide_rejected.setObjectName("filterHideRejected")
        self.hide_rejected.setChecked(True)
        self.hide_rejected.setToolTip(self.tr("Images marked rejected (X) stay in the library but out of sight"))
        form.addRow(self.hide_rejected)

        self.clear = QPushButton(self.tr("Clear filters"))
        self.clear.setObjectName("clearFilters")
        self.clear.clicked.connect(self.reset)
        form.addRow(self.clear)

        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(form_holder)
        menu.addAction(action)
        self.setMenu(menu)

        self.model.currentTextChanged.connect(lambda _t: self._emit())
        for box in (self.use_since, self.use_until):
            box.toggled.connect(lambda _on: self._emit())
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self._emit())
        self.min_size.currentIndexChanged.connect(lambda _i: self._emit())
        self.cost.valueChanged.connect(lambda _v: self._emit())
        self.rating.currentIndexChanged.connect(lambda _i: self._emit())
        self.flag.currentIndexChanged.connect(lambda _i: self._emit())
        self.hide_rejected.toggled.connect(lambda _on: self._emit())
        self._quiet = False
        self._update_text()

    def _date_row(self, form: QFormLayout, label: str, initial: QDate) -> tuple[QCheckBox, QDateEdit]:
        use = QCheckBox(label)
        edit = QDateEdit(initial)
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        edit.setAccessibleName(label)
        use.toggled.connect(edit.setEnabled)
        row = QHBoxLayout()
        row.addWidget(use)
        row.addWidget(edit, 1)
        form.addRow(row)
        return use, edit

    def set_models(self, models: Sequence[str]) -> None:
        """The models offered in the list (typing another name works too)."""
        current = self.model.currentText()
        self._quiet = True
        while self.model.count() > 1:
            self.model.removeItem(1)
        for name in models:
            self.model.addItem(name, name)
        self.model.setCurrentText(current)
        self._quiet = False

    # -- what is chosen --------------------------------------------------------------------------
    def model_name(self) -> str | None:
        text = self.model.currentText().strip()
        return None if not text or (self.model.currentIndex() == 0 and text == self.model.itemText(0)) else text

    def apply(self, query: LibraryQuery) -> LibraryQuery:
        """``query`` narrowed by the chosen filters (a filter left at "any" keeps the query's own value)."""
        changes: dict[str, object] = {}
        if (model := self.model_name()) is not None:
            changes["model"] = model
        if self.use_since.isChecked():
            changes["since"] = float(self.since.date().startOfDay().toSecsSinceEpoch())
        if self.use_until.isChecked():  # "until" includes the whole day
            changes["until"] = float(self.until.date().addDays(1).startOfDay().toSecsSinceEpoch())
        if pixels := int(self.min_size.currentData() or 0):
            changes["min_pixels"] = pixels
        if self.cost.value() > 0:
            changes["min_cost"] = float(self.cost.value())
        if stars := int(self.rating.currentData() or 0):
            changes["min_rating"] = stars
        if flag := str(self.flag.currentData() or ""):
            changes["flag"] = flag
        if not self.hide_rejected.isChecked():
            changes["show_rejected"] = True
        return dataclasses.replace(query, **changes) if changes else query  # type: ignore[arg-type]

    def active_count(self) -> int:
        return sum(
            (
                self.model_name() is not None,
                self.use_since.isChecked(),
                self.use_until.isChecked(),
                bool(self.min_size.currentData()),
                self.cost.value() > 0,
                bool(self.rating.currentData()),
                bool(self.flag.currentData()),
                not self.hide_rejected.isChecked(),
            )
        )

    def reset(self) -> None:
        self._quiet = True
        self.model.setCurrentIndex(0)
        self.model.setEditText(self.model.itemText(0))
        self.use_since.setChecked(False)
        self.use_until.setChecked(False)
        self.min_size.setCurrentIndex(0)
        self.cost.setValue(0.0)
        self.rating.setCurrentIndex(0)
        self.flag.setCurrentIndex(0)
        self.hide_rejected.setChecked(True)
        self._quiet = False
        self._emit()

    def _emit(self) -> None:
        if self._quiet:
            return
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        n = self.active_count()
        self.setText(self.tr("Filters (%1)").replace("%1", str(n)) if n else self.tr("Filters"))
