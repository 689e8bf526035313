"""Settings → Profile: which provider profile new jobs use, and the "Profiles…" button that manages them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QPushButton, QWidget

from imagestudio.app.profile_service import ProfileService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.profiles import Profile

if TYPE_CHECKING:  # imported when first opened (start-up time, bench P1)
    from imagestudio.ui.settings.profiles_dialog import ProfilesDialog


class ProfilesBox(QGroupBox):
    def __init__(self, service: ProfileService, tasks: TaskOwner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Provider profile"))
        self.setObjectName("profilesBox")
        self._service = service
        self._tasks = tasks
        self.dialog: ProfilesDialog | None = None
        self.active = QComboBox()
        self.active.setObjectName("activeProfileCombo")
        self.active.setAccessibleName(self.tr("Active provider profile"))
        self.active.activated.connect(self._chosen)
        self.manage = QPushButton(self.tr("Profiles…"))
        self.manage.setObjectName("manageProfiles")
        self.manage.clicked.connect(self.show_dialog)
        row = QHBoxLayout(self)
        row.addWidget(self.active, 1)
        row.addWidget(self.manage)
        service.profilesChanged.connect(self._show)
        service.activeChanged.connect(lambda _name: self._show(service.profiles))
        self._show(service.profiles)
        tasks.spawn(service.load(), name="load-profiles")

    def _show(self, profiles: list[Profile]) -> None:
        self.active.clear()
        self.active.addItem(self.tr("None (use the provider above)"), "")
        for p in profiles:
            self.active.addItem(p.name, p.name)
        active = self._service.active
        index = self.active.findData(active)
        if index < 0 and active:  # chosen by name (CLI or settings file) but not among the loaded profiles
            self.active.addItem(self.tr("%1 (missing)").replace("%1", active), active)
            index = self.active.count() - 1
        self.active.setCurrentIndex(max(0, index))

    def _chosen(self, index: int) -> None:
        self._service.set_active(str(self.active.itemData(index) or ""))

    def show_dialog(self) -> ProfilesDialog:
        if self.dialog is None:
            from imagestudio.ui.settings.profiles_dialog import ProfilesDialog

            self.dialog = ProfilesDialog(self._service, self._tasks, self.window())
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog
