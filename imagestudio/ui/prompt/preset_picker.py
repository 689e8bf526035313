"""Choose a use-case preset, fill in its ``{variables}``, and put the prompt and settings into the prompt editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.presets import PresetService
from imagestudio.app.settings_store import SettingsStore
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.presets import Preset, PresetError, SizeChoice, allowed_sizes, localized
from imagestudio.ui.prompt import setting_changes


def _select(combo: QComboBox, value: object, *, editable: bool = False) -> bool:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
        return True
    if editable and combo.isEditable():
        combo.setEditText(str(value))
        return True
    return False


def apply_to_editor(editor: Any, settings: SettingsStore, prompt: str, values: dict[str, Any], name: str = "") -> str:
    """Fill the prompt editor's public widgets; settings it has no control for go to the settings store.

    A preset starts a new image: edit inputs and a mask are removed, never kept silently. Returns the notice
    that says what changed (also shown by the editor when it can show notices)."""
    before = setting_changes.snapshot(editor)
    inputs = getattr(editor, "inputs", None)
    removed = ""
    if inputs is not None and (inputs.paths() or inputs.mask_path or inputs.markup_path):
        removed = setting_changes.cleared(len(inputs.paths()), bool(inputs.mask_path), bool(inputs.markup_path))
        inputs.clear()
    options = getattr(editor, "options", editor)  # the options may live in a sub-form
    model = values.get("model")
    if model:
        _select(editor.model, model)
    # after the model: changing it refills the option lists
    if "size" in values:
        _select(options.size_box, values["size"], editable=True)
    if "quality" in values:
        _select(options.quality, values["quality"])
    if "output_format" in values:
        _select(options.output_format, values["output_format"])
    if "n" in values:
        options.count.setValue(int(values["n"]))
    background = values.get("background", "")
    combo = getattr(options, "background", None)
    if isinstance(combo, QComboBox):
        _select(combo, background if combo.findData(background) >= 0 else "")
    else:
        settings.update(background=background)
    editor.prompt.setPlainText(prompt)
    editor.prompt.setFocus()
    notice = setting_changes.preset_notice(name, setting_changes.describe(before, setting_changes.snapshot(editor)),
                                           removed)  # fmt: skip
    if hasattr(editor, "show_notice"):
        editor.show_notice(notice)
    return notice


class PresetFillDialog(QDialog):
    """The preset's variables as fields, the sizes the model allows, and the resulting prompt."""

    def __init__(self, preset: Preset, language: str, sizes: list[SizeChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset = preset
        self.language = language
        self.setWindowTitle(self.tr("Use preset: %1").replace("%1", localized(preset.name, language)))
        self.setMinimumWidth(520)
        description = QLabel(localized(preset.description, language))
        description.setWordWrap(True)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        defaults = {v.name: localized(v.default, language) for v in preset.variables}
        for name in preset.variable_names(language):
            edit = QLineEdit()
            label = preset.label_of(name, language)
            edit.setPlaceholderText(defaults.get(name, ""))
            edit.setAccessibleName(label)
            edit.setAccessibleDescription(self.tr("Leave empty to use the example shown"))
            edit.textChanged.connect(self._update_preview)
            form.addRow(label + ":", edit)
            self.fields[name] = edit
        self.size_choice = QComboBox()
        self.size_choice.setAccessibleName(self.tr("Size"))
        for choice in sizes:
            label = localized(choice.label, language)
            self.size_choice.addItem(
                f"{label} ({choice.size.replace('x', '×')})" if label else choice.size, choice.size
            )
        if sizes:
            default = preset.settings.get("size")
            _select(self.size_choice, default if self.size_choice.findData(default) >= 0 else sizes[0].size)
            form.addRow(self.tr("Size:"), self.size_choice)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(self.tr("Prompt preview"))
        self.preview.setTabChangesFocus(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Problem"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(self.tr("Fill the prompt"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(description)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Prompt:")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._update_preview()

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.fields.items()}

    def prompt(self) -> str:
        return self.preset.render(self.values(), self.language)

    def settings(self) -> dict[str, Any]:
        chosen = dict(self.preset.settings)
        if self.size_choice.count():
            chosen["size"] = self.size_choice.currentData()
        return chosen

    def _update_preview(self) -> None:
        try:
            self.preview.setPlainText(self.prompt())
            self.error.clear()
            self.ok.setEnabled(True)
        except PresetError as e:
            self.error.setText("✘ " + str(e))
            self.ok.setEnabled(False)


class PresetPicker(QWidget):
    """A row for the toolbar: Preset [combo] Use… Manage…"""

    #: The person asked to manage presets (the main window opens the dialog).
    manageRequested = Signal()

    def __init__(
        self,
        presets: PresetService,
        capabilities: Capabilities,
        editor: Any,
        settings: SettingsStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._presets = presets
        self._caps = capabilities
        self._editor = editor
        self._settings = settings
        #: opens the fill dialog and returns it after it closes (tests replace it to avoid a modal loop)
        self.run_dialog: Callable[[PresetFillDialog], int] = lambda dialog: dialog.exec()
        self.combo = QComboBox()
        self.combo.setObjectName("presetCombo")
        self.combo.setAccessibleName(self.tr("Preset"))
        self.combo.setAccessibleDescription(self.tr("Start from a prompt template for a common use"))
        self.combo.setMinimumContentsLength(16)
        self.combo.activated.connect(lambda _i: self.use_current())
        label = QLabel(self.tr("Pre&set:"))
        label.setBuddy(self.combo)
        self.use_button = QPushButton(self.tr("&Use…"))
        self.use_button.setAccessibleName(self.tr("Use the chosen preset"))
        self.use_button.clicked.connect(self.use_current)
        self.manage_button = QPushButton(self.tr("Manage…"))
        self.manage_button.setAccessibleName(self.tr("Manage presets"))
        self.manage_button.clicked.connect(self.manageRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addWidget(self.use_button)
        row.addWidget(self.manage_button)
        presets.changed.connect(self.refill)
        self.refill()

    def refill(self) -> None:
        keep = self.combo.currentData()
        self.combo.clear()
        self.combo.addItem(self.tr("Choose a preset…"), None)
        language = self._presets.language
        for preset in self._presets.builtins:
            self.combo.addItem(localized(preset.name, language), preset.id)
        users = self._presets.user_presets()
        if users:
            self.combo.insertSeparator(self.combo.count())
            for preset in users:
                self.combo.addItem(localized(preset.name, language), preset.id)
        _select(self.combo, keep) if keep else self.combo.setCurrentIndex(0)

    def make_dialog(self, preset: Preset) -> PresetFillDialog:
        rule = self._caps.get(self._editor.model.currentData()).size_rule
        return PresetFillDialog(preset, self._presets.language, allowed_sizes(preset, rule.problem), self.window())

    def use_current(self) -> None:
        preset = self._presets.get(self.combo.currentData() or "")
        if preset is None:
            return
        dialog = self.make_dialog(preset)
        if self.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            name = localized(preset.name, self._presets.language)
            apply_to_editor(self._editor, self._settings, dialog.prompt(), dialog.settings(), name)
        dialog.deleteLater()
