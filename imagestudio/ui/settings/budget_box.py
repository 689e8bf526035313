"""Settings → Budget: the monthly budget (warn at 80 %, block at 100 %) and this month's spend so far.

When the budget is spent, Generate asks whether to send this one request anyway (``ask_over_budget``); a request
estimated above the "Ask above" threshold is confirmed first (``ask_above_threshold``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QMessageBox, QWidget

from imagestudio.app.i18n import format_usd
from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.studio import StudioService
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.money.ledger import Totals
from imagestudio.core.money.pricing import Estimate, estimate_request
from imagestudio.core.settings import Settings
from imagestudio.core.types import EditRequest, GenerationRequest


def ask_over_budget(parent: QWidget, totals: Totals, upcoming: float = 0.0) -> bool:
    """Blocked by the budget (spent, or this request's estimate ``upcoming`` would pass it): send it anyway?
    (The default is No.)"""
    text = QCoreApplication.translate(
        "BudgetBox", "This month's spend (%1) reached your budget of %2. Send this request anyway?"
    )
    if not totals.blocked:
        text = QCoreApplication.translate(
            "BudgetBox", "This request (about %3) would take this month's spend (%1) over your budget of %2. Send it?"
        ).replace("%3", format_usd(upcoming))
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("BudgetBox", "Budget reached"),
        text.replace("%1", format_usd(totals.month_usd)).replace("%2", format_usd(totals.budget_usd)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_above_threshold(parent: QWidget, estimate: Estimate, threshold: float) -> bool:
    """The request's estimate is above the person's confirmation threshold: send it? (The default is No.)"""
    text = QCoreApplication.translate(
        "BudgetBox", "This request is estimated at %1, above the %2 you asked to confirm. Send it?"
    )
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QCoreApplication.translate("BudgetBox", "Confirm the cost"),
        text.replace("%1", estimate.label()).replace("%2", format_usd(threshold)),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("confirmCost")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def confirm_estimate(
    parent: QWidget,
    caps: Capabilities,
    request: GenerationRequest | EditRequest,
    threshold: float,
    ask: Callable[[QWidget, Estimate, float], bool],
) -> bool:
    """Whether ``request`` may go: no threshold (0), an estimate at or under it, or the person said yes."""
    if threshold <= 0:
        return True
    estimate = estimate_request(caps, request)
    return estimate.usd <= threshold or ask(parent, estimate, threshold)


class BudgetBox(QGroupBox):
    def __init__(self, settings: SettingsStore, studio: StudioService | None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Budget"), parent)
        self._settings = settings
        self.budget = QDoubleSpinBox()
        self.budget.setObjectName("monthlyBudget")
        self.budget.setAccessibleName(self.tr("Monthly budget in US dollars"))
        self.budget.setRange(0, 1_000_000)
        self.budget.setDecimals(2)
        self.budget.setPrefix("$ ")
        self.budget.setSpecialValueText(self.tr("no budget"))
        self.budget.setToolTip(self.tr("Warns at 80 %, blocks paid requests at 100 % (you can allow one anyway)"))
        self.budget.setValue(settings.current.monthly_budget_usd)
        self.confirm_above = QDoubleSpinBox()
        self.confirm_above.setObjectName("confirmAbove")
        self.confirm_above.setAccessibleName(self.tr("Ask before sending a request estimated above, in US dollars"))
        self.confirm_above.setRange(0, 10_000)
        self.confirm_above.setDecimals(2)
        self.confirm_above.setSingleStep(0.1)
        self.confirm_above.setPrefix("$ ")
        self.confirm_above.setSpecialValueText(self.tr("never ask"))
        self.confirm_above.setToolTip(self.tr("Generate asks first when a request's estimated cost is above this"))
        self.confirm_above.setValue(settings.current.confirm_above_usd)
        self.spent = QLabel()
        self.spent.setObjectName("budgetSpent")
        self.spent.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("&Monthly budget"), self.budget)
        form.addRow(self.tr("&Ask above"), self.confirm_above)
        form.addRow(self.spent)
        self.confirm_above.valueChanged.connect(self._threshold_changed)
        self.budget.editingFinished.connect(self._budget_changed)
        self.budget.valueChanged.connect(self._budget_changed)
        settings.changed.connect(self._settings_changed)
        self._studio = studio
        if studio is not None:
            studio.totalsChanged.connect(self.show_totals)

    def _budget_changed(self) -> None:
        value = round(self.budget.value(), 2)
        if value != self._settings.current.monthly_budget_usd:
            self._settings.update(monthly_budget_usd=value)
            if self._studio is not None:
                self._studio.refresh_totals()  # the status bar and the block follow the new budget

    def _threshold_changed(self) -> None:
        value = round(self.confirm_above.value(), 2)
        if value != self._settings.current.confirm_above_usd:
            self._settings.update(confirm_above_usd=value)

    def _settings_changed(self, settings: Settings) -> None:
        if abs(self.budget.value() - settings.monthly_budget_usd) >= 0.005:
            self.budget.blockSignals(True)
            self.budget.setValue(settings.monthly_budget_usd)
            self.budget.blockSignals(False)

    def show_totals(self, totals: Totals) -> None:
        text = self.tr("Spent this month: %1").replace("%1", format_usd(totals.month_usd))
        if totals.blocked:
            text += " — " + self.tr("budget reached: paid requests ask first")
        elif totals.warn:
            text += " — " + self.tr("over 80 % of the budget")
        self.spent.setText(text)
