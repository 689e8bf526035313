"""Status-bar label: today's and this month's spend from the ledger; amber at 80 % of the budget, red at 100 %."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from imagestudio.app.i18n import format_usd
from imagestudio.app.studio import StudioService
from imagestudio.core.money.ledger import Totals


class CostLabel(QLabel):
    def __init__(self, studio: StudioService, job_changes: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costLabel")
        self.setToolTip(self.tr("API spend from the cost ledger (imagestudio ledger)"))
        self._studio = studio
        studio.totalsChanged.connect(self.show_totals)
        # a finished job may have cost money: re-read the totals (off the GUI thread)
        job_changes.connect(lambda job: studio.refresh_totals() if job.state.finished else None)
        studio.refresh_totals()

    def show_totals(self, totals: Totals) -> None:
        # the state is said in words as well as by colour (not everyone sees amber and red)
        text = self.summary(totals)
        if totals.blocked:
            text = "⛔ " + self.tr("Budget spent") + " · " + text
            self.setStyleSheet("color: #ffffff; background: #b3261e; padding: 0 4px;")
            self.setToolTip(self.tr("The monthly budget is spent: paid requests are blocked (see Settings)."))
        elif totals.warn:
            text = "⚠ " + self.tr("Budget almost spent") + " · " + text
            self.setStyleSheet("color: #3d2e00; background: #ffd966; padding: 0 4px;")
            self.setToolTip(self.tr("80 % of the monthly budget is spent."))
        else:
            self.setStyleSheet("")
            self.setToolTip(self.tr("API spend from the cost ledger (imagestudio ledger)"))
        self.setText(text)
        self.setAccessibleName(self.tr("API spend"))
        self.setAccessibleDescription(text)

    def summary(self, totals: Totals) -> str:
        """Totals.summary() in the interface language, money through QLocale."""
        about = "≈ " if totals.estimated_calls else ""  # part of it counted at an estimate
        text = self.tr("Today %1 · month %2").replace("%1", about + format_usd(totals.today_usd))
        text = text.replace("%2", about + format_usd(totals.month_usd))
        if totals.budget_usd > 0:
            text += " " + self.tr("of %1 (%2 %)").replace("%1", format_usd(totals.budget_usd))
            text = text.replace("%2", f"{totals.budget_fraction * 100:.0f}")
        if totals.unpriced_calls:
            text += " · " + self.tr("%n without known prices", "", totals.unpriced_calls)
        return text
