"""Settings → Refine: the text model that calls the image tool (those that can, from ``models.json``) and whether
OpenAI keeps each response (``store``), with what that means for privacy and for continuing a conversation."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from imagestudio.app.settings_store import SettingsStore
from imagestudio.core import refine
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.settings import Settings


class RefineBox(QGroupBox):
    def __init__(self, settings: SettingsStore, capabilities: Capabilities, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Refine in conversation"))
        self.setObjectName("refineBox")
        self._settings = settings
        self.text_model = QComboBox()
        self.text_model.setObjectName("refineTextModel")
        self.text_model.setAccessibleName(self.tr("Text model for refining"))
        for model in refine.text_models(capabilities):
            self.text_model.addItem(model, model)
        self.text_model.setToolTip(
            self.tr(
                "The text model reads your instruction and calls the image tool; its tokens are billed too (shown "
                "in the estimate and the ledger)."
            )
        )
        self.store = QCheckBox(self.tr("Let OpenAI keep each refine step (store)"))
        self.store.setObjectName("refineStore")
        privacy = self.tr(
            "On (OpenAI's default): OpenAI keeps each response, your instruction and the image, on its servers for a "
            "limited time (see OpenAI's data controls), so the next step continues the same conversation by its id "
            "and the style does not drift. Off: the response is not kept for later use; each step sends the image "
            "again (more input tokens, and the style may drift a little)."
        )
        self.store.setToolTip(privacy)
        self.note = QLabel(privacy)
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("&Text model:"), self.text_model)
        form.addRow(self.store)
        form.addRow(self.note)
        self._show(settings.current)
        self.text_model.currentIndexChanged.connect(
            lambda _i: settings.update(refine_text_model=self.text_model.currentData())
        )
        self.store.toggled.connect(lambda on: settings.update(refine_store=bool(on)))
        settings.changed.connect(self._show)

    def _show(self, settings: Settings) -> None:
        index = self.text_model.findData(settings.refine_text_model)
        if index >= 0 and index != self.text_model.currentIndex():
            self.text_model.setCurrentIndex(index)
        if self.store.isChecked() != settings.refine_store:
            self.store.setChecked(settings.refine_store)
