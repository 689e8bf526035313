"""The prompt panel's frame: the form scrolls, the footer (validation message, cost estimate, Generate/Edit) does
not — Generate is in view at any window height, also while a message shows — and "More options" folds away
what most requests leave alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QSize, Qt, QTimer, SignalInstance
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.core.errors import InvalidRequest
from imagestudio.core.types import EditRequest, GenerationRequest


class PromptText(QPlainTextEdit):
    """The prompt box: at least three lines, about six by preference (the form around it is laid out for that
    and scrolls only below it); any height left over in the column goes to it."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 12)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), 6 * self.fontMetrics().lineSpacing() + 12)


class PromptFooter(QWidget):
    def __init__(self, notice: QWidget, parent: QWidget | None = None) -> None:
        """``notice``: what a preset or "Reuse settings" changed, shown above the validation message."""
        super().__init__(parent)
        self.setObjectName("promptFooter")
        self.error = QLabel()
        self.error.setObjectName("promptError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #ffffff; background: #b3261e; padding: 4px; border-radius: 3px;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.estimate = QLabel()
        self.estimate.setObjectName("costEstimate")
        self.estimate.setAccessibleName(self.tr("Estimated cost"))
        self.estimate.setToolTip(self.tr("What this request will cost (≈: an estimate, the price is not published)"))
        self.estimate.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.button = QPushButton(self.tr("Generate"))
        self.button.setObjectName("generate")
        self.button.setDefault(True)
        self.button.setToolTip(self.tr("Generate (Ctrl+Enter)"))
        self.button.setMinimumWidth(120)
        #: "Now" (unchecked) or through OpenAI's Batch API (core/batch/runner.py): about half the price, within 24 h
        self.batch = QCheckBox(self.tr("Batch (cheaper, within 24 h)"))
        self.batch.setObjectName("viaBatchApi")
        self.batch.setToolTip(
            self.tr(
                "Send through OpenAI's Batch API: about half the price; the images arrive within 24 hours, often "
                "sooner. The app collects them, also after a restart."
            )
        )
        self.estimate.setWordWrap(True)  # two prices in batch mode: they wrap rather than widen the panel
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.estimate, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(notice)
        layout.addWidget(self.error)
        layout.addWidget(self.batch, 0, Qt.AlignmentFlag.AlignLeft)  # a line of its own: the panel keeps its width
        layout.addLayout(row)

    def set_estimate(self, text: str) -> None:
        """``"$0.04"`` or ``"≈ $0.05"`` (``""``: none known); said beside the button and in its name."""
        self.estimate.setText(text)
        self.estimate.setVisible(bool(text))


class Estimator(QObject):
    """Keeps the footer's cost figure current: on any change of the form, ``estimate(make_request())`` once the
    changes pause (typing, several options at once). ``estimate`` is cheap arithmetic (no I/O), so it runs here;
    ``None`` (or a form that is no request yet) shows no figure."""

    def __init__(
        self,
        footer: PromptFooter,
        make_request: Callable[[], GenerationRequest | EditRequest],
        *changes: SignalInstance,
    ) -> None:
        super().__init__(footer)
        self.estimate: Callable[[GenerationRequest | EditRequest], str] | None = None
        self._footer = footer
        self._make_request = make_request
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(100)
        self._later.timeout.connect(self.refresh)
        for signal in (*changes, footer.batch.toggled):
            signal.connect(lambda *_: self._later.start())

    def refresh(self) -> None:
        text = ""
        if self.estimate is not None:
            try:
                request = self._make_request()
                text = self.estimate(request)
                if request.via_batch_api:  # the saving, from the price table: the batch figure and the one for now
                    now = self.estimate(dataclasses.replace(request, via_batch_api=None))
                    text = self.tr("%1 in a batch (now %2)").replace("%1", text).replace("%2", now)
            except (InvalidRequest, ValueError, TypeError, KeyError):
                text = ""
        self._footer.set_estimate(text)


class Fold(QWidget):
    """A titled section that opens and closes (a ▸/▾ button above its content); closed at first."""

    def __init__(self, title: str, items: Sequence[QWidget | QLayout], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        for item in items:
            if isinstance(item, QWidget):
                inner.addWidget(item)
            else:
                inner.addLayout(item)
        self.toggle = QToolButton()
        self.toggle.setObjectName("moreOptions")
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # a long summary is cut at the column's edge (all of it in the tooltip), never widens the column
        self.toggle.setMinimumWidth(self.toggle.fontMetrics().horizontalAdvance(title) + 40)
        self.content = content
        content.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(content)
        self.toggle.toggled.connect(self.set_open)
        self._title, self._summary = title, ""

    def set_open(self, open_: bool) -> None:
        if self.toggle.isChecked() != open_:
            self.toggle.setChecked(open_)  # comes back here through toggled
            return
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.content.setVisible(open_)
        self.set_summary(self._summary)

    def set_summary(self, summary: str) -> None:
        """What is chosen inside, said on the closed fold ("More options: PNG · transparent") so nothing a preset
        or a draft set there goes unseen."""
        self._summary = summary
        shown = summary and not self.toggle.isChecked()
        self.toggle.setText(f"{self._title}: {summary}" if shown else self._title)
        self.toggle.setToolTip(summary)


def frame(panel: QWidget, items: Sequence[QWidget | QLayout], footer: QWidget, stretch: QWidget) -> QScrollArea:
    """Lays ``panel`` out: ``items`` top to bottom in a scroll area (``stretch`` takes any extra height), ``footer``
    under it, outside the scrolling."""
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(6, 6, 6, 0)  # the footer below has its own
    for item in items:
        if isinstance(item, QWidget):
            layout.addWidget(item, 1 if item is stretch else 0)
        else:
            layout.addLayout(item)
    area = scrolling(body)
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    outer.addWidget(area, 1)
    outer.addWidget(footer)
    return area


def scrolling(body: QWidget) -> QScrollArea:
    """The form in a scroll area that only scrolls up and down (a laptop's 768 px are not always enough)."""
    area = QScrollArea()
    area.setObjectName("promptScroll")
    area.setWidget(body)
    area.setWidgetResizable(True)  # taller than the form: the form grows, its text box with it
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the form's fields (and scrolls to them)
    area.setMinimumWidth(body.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width())
    return area
