"""Prompt editor pane: prompt text and the options the chosen model allows; Generate (Ctrl+Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.settings_store import SettingsStore
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.types import GenerationRequest


class PromptEditor(QWidget):
    #: A request that passed validation; the main window hands it to the controller.
    generateRequested = Signal(object)

    def __init__(self, capabilities: Capabilities, settings: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caps = capabilities
        self._settings = settings
        s = settings.current

        self.prompt = QPlainTextEdit()
        self.prompt.setObjectName("prompt")
        self.prompt.setPlaceholderText(self.tr("Describe the image… 例如：雪中奔跑的红狐狸，电影感光线"))
        self.prompt.setAccessibleName(self.tr("Prompt"))
        self.prompt.setTabChangesFocus(True)

        self.model = QComboBox()
        self.model.setAccessibleName(self.tr("Model"))
        for info in capabilities.models():
            label = info.label + (self.tr(" (retiring soon)") if info.retiring_within(30) else "")
            self.model.addItem(label, info.id)
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        self.size_box.setAccessibleName(self.tr("Size"))
        self.size_box.setToolTip(self.tr("A preset, 'auto', or any WIDTHxHEIGHT the model allows"))
        self.quality = QComboBox()
        self.quality.setAccessibleName(self.tr("Quality"))
        self.count = QSpinBox()
        self.count.setAccessibleName(self.tr("Number of images"))
        self.output_format = QComboBox()
        self.output_format.setAccessibleName(self.tr("Output format"))

        self.error = QLabel()
        self.error.setObjectName("promptError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #ffffff; background: #b3261e; padding: 4px; border-radius: 3px;")
        self.error.hide()

        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setObjectName("generate")
        self.generate_button.setDefault(True)
        self.generate_button.setToolTip(self.tr("Generate (Ctrl+Enter)"))
        self.generate_button.clicked.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)

        form = QFormLayout()
        form.addRow(self.tr("&Model"), self.model)
        form.addRow(self.tr("&Size"), self.size_box)
        form.addRow(self.tr("&Quality"), self.quality)
        form.addRow(self.tr("&Count"), self.count)
        form.addRow(self.tr("&Format"), self.output_format)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<b>Prompt</b>"))
        title.setBuddy(self.prompt)
        layout.addWidget(title)
        layout.addWidget(self.prompt, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.generate_button)

        index = self.model.findData(s.model)
        self.model.setCurrentIndex(max(0, index))
        self._fill_options()
        self._select(self.size_box, s.size, editable=True)
        self._select(self.quality, s.quality)
        self._select(self.output_format, s.output_format)
        self.count.setValue(s.n)
        self.model.currentIndexChanged.connect(self._model_changed)
        self.size_box.currentTextChanged.connect(lambda t: self._remember(size=t.strip()))
        self.quality.currentIndexChanged.connect(lambda _i: self._remember(quality=self.quality.currentData()))
        self.output_format.currentIndexChanged.connect(
            lambda _i: self._remember(output_format=self.output_format.currentData())
        )
        self.count.valueChanged.connect(lambda v: self._remember(n=v))

    @staticmethod
    def _select(combo: QComboBox, value: str, *, editable: bool = False) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
        elif editable:
            combo.setEditText(value)

    def _fill_options(self) -> None:
        """Offer only what the chosen model accepts, keeping current choices where still valid."""
        info = self._caps.get(self.model.currentData())
        keep_size, keep_quality, keep_format = self.size_box.currentText(), self.quality.currentData(), None
        keep_format = self.output_format.currentData()
        for combo in (self.size_box, self.quality, self.output_format):
            combo.blockSignals(True)
            combo.clear()
        self.size_box.addItem("auto", "auto")
        for preset in info.size_rule.presets:
            self.size_box.addItem(preset.replace("x", " × "), preset)
        for q in info.qualities:
            self.quality.addItem(q, q)
        for f in info.formats:
            self.output_format.addItem(f.upper(), f)
        self._select(self.size_box, keep_size or "1024x1024", editable=True)
        self._select(self.quality, keep_quality or "auto")
        self._select(self.output_format, keep_format or "png")
        for combo in (self.size_box, self.quality, self.output_format):
            combo.blockSignals(False)
        self.count.setRange(info.n_min, info.n_max)

    def _model_changed(self) -> None:
        self._fill_options()
        self._remember(
            model=self.model.currentData(),
            quality=self.quality.currentData(),
            output_format=self.output_format.currentData(),
        )

    def _remember(self, **changes: object) -> None:
        if all(v for v in changes.values()):
            self._settings.update(**changes)

    def current_size(self) -> str:
        data = self.size_box.currentData()
        text = self.size_box.currentText().strip()
        if data and self.size_box.itemText(self.size_box.currentIndex()) == text:
            return str(data)
        return text.replace(" ", "").replace("×", "x").lower()

    def build_request(self) -> GenerationRequest:
        request = GenerationRequest(
            prompt=self.prompt.toPlainText().strip(),
            model=self.model.currentData(),
            size=self.current_size(),
            quality=self.quality.currentData(),
            n=self.count.value(),
            output_format=self.output_format.currentData(),
        )
        self._caps.validate(request)
        return request

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def submit(self) -> None:
        try:
            request = self.build_request()
        except InvalidRequest as e:
            self.show_error(e.message)
            return
        self.show_error("")
        self.generateRequested.emit(request)
