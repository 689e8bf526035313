"""Manage presets: built-in ones can be copied, the person's own saved, edited, deleted, imported and exported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.presets import PresetService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.presets import Preset, PresetError, Variable, localized, parse_preset
from imagestudio.ui.plain_text import plain
from imagestudio.ui.prompt.option_labels import option_label

_KEEP = ""  # "keep what the prompt editor has" in the option combos


class PresetsDialog(QDialog):
    def __init__(
        self,
        presets: PresetService,
        tasks: TaskOwner,
        current_prompt: Callable[[], tuple[str, dict[str, Any]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._presets = presets
        self._tasks = tasks
        self._current_prompt = current_prompt
        self._editing: Preset | None = None
        #: file choosers (tests replace them): return a path or None
        self.ask_open: Callable[[], Path | None] = self._ask_open
        self.ask_save: Callable[[], Path | None] = self._ask_save
        self.setWindowTitle(self.tr("Presets"))
        self.resize(860, 560)

        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Presets"))
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Name"))
        self.description = QLineEdit()
        self.description.setAccessibleName(self.tr("Description"))
        self.template = QPlainTextEdit()
        self.template.setAccessibleName(self.tr("Prompt template"))
        self.template.setAccessibleDescription(self.tr("Write {name} where a variable goes, e.g. {subject}"))
        self.template.setTabChangesFocus(True)
        self.template.setPlaceholderText(self.tr("A watercolour of {subject} in {season}"))
        self.size_edit = QLineEdit()
        self.size_edit.setAccessibleName(self.tr("Size"))
        self.size_edit.setPlaceholderText(self.tr("keep current, or e.g. 1536x1024"))
        self.quality = self._choice(self.tr("Quality"), ("auto", "low", "medium", "high", "xhigh", "max"))
        self.output_format = self._choice(self.tr("Format"), ("png", "jpeg", "webp"))
        self.background = self._choice(self.tr("Background"), ("auto", "opaque", "transparent"))
        self.count = QSpinBox()
        self.count.setRange(0, 10)
        self.count.setSpecialValueText(self.tr("keep current"))
        self.count.setAccessibleName(self.tr("Number of images"))
        self.builtin_note = QLabel(self.tr("Built-in presets cannot be changed: duplicate one to make it yours."))
        self.builtin_note.setWordWrap(True)
        self.message = plain(QLabel())
        self.message.setObjectName("presetMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Description:"), self.description)
        form.addRow(self.tr("&Template:"), self.template)
        form.addRow(self.tr("Si&ze:"), self.size_edit)
        form.addRow(self.tr("&Quality:"), self.quality)
        form.addRow(self.tr("&Format:"), self.output_format)
        form.addRow(self.tr("&Background:"), self.background)
        form.addRow(self.tr("&Count:"), self.count)

        self.new_button = self._button(self.tr("New"), self._new)
        self.from_prompt_button = self._button(self.tr("From current prompt"), self._from_prompt)
        self.from_prompt_button.setEnabled(current_prompt is not None)
        self.duplicate_button = self._button(self.tr("Duplicate"), self._duplicate)
        self.save_button = self._button(self.tr("Save"), self._save)
        self.delete_button = self._button(self.tr("Delete"), self._delete)
        self.import_button = self._button(self.tr("Import…"), self._import)
        self.export_button = self._button(self.tr("Export…"), self._export)
        grid = QGridLayout()
        for i, b in enumerate((self.new_button, self.from_prompt_button, self.duplicate_button, self.delete_button)):
            grid.addWidget(b, 0, i)
        for i, b in enumerate((self.import_button, self.export_button)):
            grid.addWidget(b, 1, i)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(self.builtin_note)
        right.addLayout(form, 1)
        right.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.message)
        columns = QHBoxLayout()
        columns.addWidget(self.list, 1)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(grid)
        layout.addWidget(close)
        presets.changed.connect(self._refill)
        self._refill()

    def _choice(self, name: str, values: tuple[str, ...]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem(self.tr("keep current"), _KEEP)
        for value in values:
            combo.addItem(option_label(value), value)
        return combo

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        return button

    # -- list --------------------------------------------------------------------------------------------------
    def _refill(self, select: str | None = None) -> None:
        keep = select or (self._editing.id if self._editing else None)
        self.list.blockSignals(True)
        self.list.clear()
        language = self._presets.language
        for preset in self._presets.all():
            suffix = self.tr(" (built-in)") if preset.builtin else ""
            item = QListWidgetItem(localized(preset.name, language) + suffix)
            item.setData(Qt.ItemDataRole.UserRole, preset.id)
            item.setToolTip(localized(preset.description, language))
            self.list.addItem(item)
            if preset.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._show_selected()

    def selected(self) -> Preset | None:
        item = self.list.currentItem()
        return self._presets.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _show_selected(self) -> None:
        self._show(self.selected())

    def _show(self, preset: Preset | None) -> None:
        self._editing = preset
        language = self._presets.language
        self.name.setText(localized(preset.name, language) if preset else "")
        self.description.setText(localized(preset.description, language) if preset else "")
        self.template.setPlainText(localized(preset.template, language) if preset else "")
        settings = dict(preset.settings) if preset else {}
        self.size_edit.setText(settings.get("size", ""))
        for combo, key in (
            (self.quality, "quality"),
            (self.output_format, "output_format"),
            (self.background, "background"),
        ):
            combo.setCurrentIndex(max(0, combo.findData(settings.get(key, _KEEP))))
        self.count.setValue(int(settings.get("n", 0)))
        editable = preset is None or not preset.builtin
        self._set_editable(editable)
        self.delete_button.setEnabled(preset is not None and not preset.builtin)
        self.duplicate_button.setEnabled(preset is not None)
        self.builtin_note.setVisible(preset is not None and preset.builtin)

    def _set_editable(self, editable: bool) -> None:
        texts: tuple[QLineEdit | QPlainTextEdit, ...] = (self.name, self.description, self.template, self.size_edit)
        for text in texts:
            text.setReadOnly(not editable)
        controls: tuple[QWidget, ...] = (self.quality, self.output_format, self.background, self.count)
        for control in (*controls, self.save_button):
            control.setEnabled(editable)

    # -- editing -----------------------------------------------------------------------------------------------
    def form_preset(self) -> Preset:
        """The preset the form describes, checked like an imported one. Raises PresetError."""
        name = self.name.text().strip()
        preset_id = self._editing.id if self._editing and not self._editing.builtin else self._presets.free_id(name)
        settings: dict[str, Any] = {}
        if self.size_edit.text().strip():
            settings["size"] = self.size_edit.text().strip().lower().replace("×", "x").replace(" ", "")
        for combo, key in (
            (self.quality, "quality"),
            (self.output_format, "output_format"),
            (self.background, "background"),
        ):
            if combo.currentData():
                settings[key] = combo.currentData()
        if self.count.value():
            settings["n"] = self.count.value()
        old = {v.name: v for v in self._editing.variables} if self._editing and not self._editing.builtin else {}
        raw = {"id": preset_id, "name": name, "description": self.description.text().strip(), "settings": settings}
        raw["template"] = self.template.toPlainText().strip()
        preset = parse_preset(raw)
        # keep labels and examples of variables that are still in the template
        kept = tuple(old.get(n, Variable(n)) for n in preset.variable_names() if n in old)
        return replace(preset, variables=kept)

    def _new(self) -> None:
        self.list.clearSelection()
        self._show(None)
        self.name.setFocus()
        self._say(self.tr("Fill in a name and a template, then Save."))

    def _from_prompt(self) -> None:
        if self._current_prompt is None:
            return
        prompt, values = self._current_prompt()
        self._show(None)
        self.template.setPlainText(prompt)
        self.size_edit.setText(str(values.get("size", "")))
        for combo, key in ((self.quality, "quality"), (self.output_format, "output_format")):
            combo.setCurrentIndex(max(0, combo.findData(values.get(key, _KEEP))))
        self.name.setFocus()
        self._say(self.tr("Name it and Save. Tip: replace a word with {subject} to make it a variable."))

    def _duplicate(self) -> None:
        source = self._editing
        if source is None:
            return
        self._show(source)
        self._editing = None
        self.name.setText(self.tr("%1 (copy)").replace("%1", self.name.text()))
        self._set_editable(True)
        self.builtin_note.hide()
        self.name.setFocus()
        self._say(self.tr("Change what you like, then Save."))

    def _save(self) -> None:
        try:
            preset = self.form_preset()
        except PresetError as e:
            self._say("✘ " + str(e))
            return

        async def save() -> None:
            try:
                await self._presets.save(preset)
            except (PresetError, OSError) as e:
                self._say("✘ " + str(e))
                return
            self._editing = preset
            self._refill(preset.id)
            self._say(self.tr("✔ Saved."))

        self._tasks.spawn(save(), name="save-preset")

    def _delete(self) -> None:
        preset = self._editing
        if preset is None or preset.builtin:
            return
        self._editing = None

        async def delete() -> None:
            await self._presets.delete(preset.id)
            self._say(self.tr("✔ Deleted “%1”.").replace("%1", localized(preset.name, self._presets.language)))

        self._tasks.spawn(delete(), name="delete-preset")

    # -- files -------------------------------------------------------------------------------------------------
    def _ask_open(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Import presets"), "", self.tr("Presets (*.json)"))
        return Path(name) if name else None

    def _ask_save(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export presets"), "imagestudio-presets.json", self.tr("Presets (*.json)")
        )
        return Path(name) if name else None

    def _import(self) -> None:
        path = self.ask_open()
        if path is None:
            return

        async def run() -> None:
            try:
                added, problems = await self._presets.import_file(path)
            except PresetError as e:
                self._say("✘ " + str(e))
                return
            lines = [self.tr("✔ Imported %n preset(s).", "", len(added))] if added else []
            lines += ["✘ " + p for p in problems]
            self._say("\n".join(lines))
            if added:
                self._refill(added[0].id)

        self._tasks.spawn(run(), name="import-presets")

    def _export(self) -> None:
        """Export the selected user preset, or all user presets when a built-in one is selected."""
        chosen = self._editing
        items = [chosen] if chosen and not chosen.builtin else self._presets.user_presets()
        if not items:
            self._say(self.tr("✘ There are no presets of your own to export yet."))
            return
        path = self.ask_save()
        if path is None:
            return

        async def run() -> None:
            try:
                count = await self._presets.export_file(path, items)
            except OSError as e:
                self._say("✘ " + self.tr("Could not write %1: %2").replace("%1", path.name).replace("%2", str(e)))
                return
            self._say(self.tr("✔ Exported %n preset(s) to %1.", "", count).replace("%1", path.name))

        self._tasks.spawn(run(), name="export-presets")

    def _say(self, text: str) -> None:
        self.message.setText(text)
