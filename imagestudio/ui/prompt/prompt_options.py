"""The image options form: only what the chosen model allows (from the capability table), nothing else.

It reads a ModelInfo and the settings; it builds no requests and sends nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from imagestudio.app.core_text import translate_message
from imagestudio.core.capabilities import PREVIEW_FORMATS, ModelInfo
from imagestudio.core.settings import Settings
from imagestudio.ui.prompt.option_labels import option_label


def select(combo: QComboBox, value: object, *, editable: bool = False) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
    elif editable and isinstance(value, str):
        combo.setEditText(value)


class OptionsForm(QWidget):
    #: Some option changed: name, value (the editor remembers it in settings).
    optionChanged = Signal(str, object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        self.size_box.setAccessibleName(self.tr("Size"))
        self.size_box.setToolTip(self.tr("A preset, 'auto', or any WIDTHxHEIGHT the model allows (custom size)"))
        self.size_note = QLabel()
        self.size_note.setObjectName("sizeNote")
        self.quality = QComboBox()
        self.quality.setAccessibleName(self.tr("Quality"))
        self.count = QSpinBox()
        self.count.setAccessibleName(self.tr("Number of images"))
        self.output_format = QComboBox()
        self.output_format.setAccessibleName(self.tr("Output format"))
        self.compression = QSpinBox()
        self.compression.setRange(0, 100)
        self.compression.setSuffix(" %")
        self.compression.setAccessibleName(self.tr("Compression"))
        self.compression.setToolTip(self.tr("JPEG and WebP only; 100 = least compression"))
        self.background = QComboBox()
        self.background.setAccessibleName(self.tr("Background"))
        self.moderation = QComboBox()
        self.moderation.setAccessibleName(self.tr("Moderation"))
        self.complexity = QComboBox()
        self.complexity.setAccessibleName(self.tr("Complexity"))
        self.complexity.setToolTip(self.tr("Planning effort, separate from rendering quality"))
        self.partial_images = QSpinBox()
        self.partial_images.setRange(0, 3)
        self.partial_images.setAccessibleName(self.tr("Partial previews"))
        self.partial_images.setToolTip(
            self.tr("Stream 0–3 previews while the image is made (only the final one is kept)")
        )
        self.frame_count = QSpinBox()
        self.frame_count.setRange(2, 16)
        self.frame_count.setValue(9)
        self.frame_count.setAccessibleName(self.tr("GIF frames"))
        self.frame_duration = QSpinBox()
        self.frame_duration.setRange(10, 10_000)
        self.frame_duration.setSingleStep(10)
        self.frame_duration.setValue(200)
        self.frame_duration.setSuffix(" ms")
        self.frame_duration.setAccessibleName(self.tr("GIF frame duration"))

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.tr("&Size"), self.size_box)
        self.form.addRow("", self.size_note)
        self.form.addRow(self.tr("&Quality"), self.quality)
        self.form.addRow(self.tr("&Count"), self.count)
        #: the options most requests leave alone: the editor puts them under "More options"
        self.more = QWidget()
        self.more_form = QFormLayout(self.more)
        self.more_form.setContentsMargins(0, 0, 0, 0)
        self.more_form.addRow(self.tr("&Format"), self.output_format)
        self.more_form.addRow(self.tr("Co&mpression"), self.compression)
        self.more_form.addRow(self.tr("&Background"), self.background)
        self.more_form.addRow(self.tr("M&oderation"), self.moderation)
        self.more_form.addRow(self.tr("Com&plexity"), self.complexity)
        self.more_form.addRow(self.tr("&Previews"), self.partial_images)
        self.more_form.addRow(self.tr("GIF frames"), self.frame_count)
        self.more_form.addRow(self.tr("Frame duration"), self.frame_duration)
        self._info: ModelInfo | None = None
        self._initial = settings

        self.size_box.currentTextChanged.connect(self._size_changed)
        self.quality.currentIndexChanged.connect(lambda _i: self._emit("quality", self.quality.currentData()))
        self.output_format.currentIndexChanged.connect(self._format_changed)
        self.count.valueChanged.connect(lambda v: self._emit("n", v))
        self.compression.valueChanged.connect(lambda v: self._emit("output_compression", v))
        self.background.currentIndexChanged.connect(lambda _i: self._emit("background", self.background.currentData()))
        self.moderation.currentIndexChanged.connect(lambda _i: self._emit("moderation", self.moderation.currentData()))
        self.complexity.currentIndexChanged.connect(lambda _i: self._emit("complexity", self.complexity.currentData()))
        self.partial_images.valueChanged.connect(lambda v: self._emit("partial_images", v))

    def _emit(self, name: str, value: object) -> None:
        if value is not None:
            self.optionChanged.emit(name, value)

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.size_box, self.quality, self.output_format, self.background, self.moderation, self.complexity)

    def fill(self, info: ModelInfo) -> None:
        """Offer only what ``info`` accepts, keeping current choices where still valid."""
        first = self._info is None
        s = self._initial
        keep: dict[str, Any] = {
            "size": s.size if first else self.size_box.currentText(),
            "quality": s.quality if first else self.quality.currentData(),
            "format": s.output_format if first else self.output_format.currentData(),
            "background": s.background if first else self.background.currentData(),
            "moderation": s.moderation if first else self.moderation.currentData(),
            "complexity": s.complexity if first else self.complexity.currentData(),
        }
        self._info = info
        for combo in self._combos():
            combo.blockSignals(True)
            combo.clear()
        self.size_box.addItem("auto", "auto")
        for preset in info.size_rule.presets:
            self.size_box.addItem(preset.replace("x", " × "), preset)
        for q in info.qualities:
            self.quality.addItem(option_label(q), q)
        for f in info.all_formats():
            label = f.upper() + (self.tr(" (preview access)") if f in PREVIEW_FORMATS else "")
            self.output_format.addItem(label, f)
        for combo, values in (
            (self.background, info.backgrounds),
            (self.moderation, info.moderation),
            (self.complexity, info.complexity),
        ):
            combo.addItem(self.tr("default"), "")
            for v in values:
                combo.addItem(option_label(v), v)
        select(self.size_box, keep["size"] or "1024x1024", editable=True)
        select(self.quality, keep["quality"] or "auto")
        select(self.output_format, keep["format"] or "png")
        select(self.background, keep["background"] or "")
        select(self.moderation, keep["moderation"] or "")
        select(self.complexity, keep["complexity"] or "")
        for combo in self._combos():
            combo.blockSignals(False)
        self.count.setRange(info.n_min, info.n_max)
        self.partial_images.setMaximum(info.partial_images_max)
        if first:
            self.count.setValue(s.n)
            self.compression.setValue(s.output_compression)
            self.partial_images.setValue(min(s.partial_images, info.partial_images_max))
        gif = info.preview_formats.get("gif", {})
        low, high = gif.get("frame_count", [2, 16])
        self.frame_count.setRange(int(low), int(high))
        self._format_changed()
        self._size_changed(self.size_box.currentText())

    def _format_changed(self, _index: int = 0) -> None:
        info, fmt = self._info, self.output_format.currentData()
        if info is None or fmt is None:
            return
        self.compression.setEnabled(fmt in info.compression_formats)
        # transparent needs png/webp: offer it only then
        index = self.background.findData("transparent")
        if index >= 0:
            item = self.background.model().item(index)  # type: ignore[attr-defined]
            item.setEnabled(fmt in info.transparent_formats)
            if fmt not in info.transparent_formats and self.background.currentData() == "transparent":
                self.background.setCurrentIndex(self.background.findData(""))
        preview = fmt in PREVIEW_FORMATS
        self.partial_images.setEnabled(not preview)
        for widget in (self.frame_count, self.frame_duration):
            widget.setVisible(fmt == "gif")
            label = self.more_form.labelForField(widget)
            if label is not None:
                label.setVisible(fmt == "gif")
        self.count.setMaximum(int(info.preview_formats.get(fmt, {}).get("n_max", info.n_max)))
        self._emit("output_format", fmt if fmt not in PREVIEW_FORMATS else None)

    def _size_changed(self, _text: str) -> None:
        info = self._info
        if info is None:
            return
        size = self.current_size()
        problem = info.size_rule.problem(size)
        if problem:
            self.size_note.setText(translate_message(problem))  # core's words in the interface language
        elif info.size_rule.is_experimental(size):
            self.size_note.setText(self.tr("Above 2560×1440 is experimental."))
        else:
            self.size_note.setText("")
        self.size_note.setVisible(bool(self.size_note.text()))
        if not problem:
            self._emit("size", size)

    def current_size(self) -> str:
        data = self.size_box.currentData()
        text = self.size_box.currentText().strip()
        if data and self.size_box.itemText(self.size_box.currentIndex()) == text:
            return str(data)
        return text.replace(" ", "").replace("×", "x").lower()

    def more_summary(self) -> str:
        """The folded options in a few words: the format, and whatever is not left to the server."""
        parts = [self.output_format.currentText()]
        for combo in (self.background, self.moderation, self.complexity):
            if combo.currentData():
                parts.append(combo.currentText())
        if self.compression.isEnabled() and self.compression.value() < 100:
            parts.append(self.compression.text())
        if self.partial_images.isEnabled() and self.partial_images.value():
            parts.append(self.tr("%n preview(s)", "", self.partial_images.value()))
        return " · ".join(p for p in parts if p)

    def values(self) -> dict[str, Any]:
        """Keyword arguments for GenerationRequest / EditRequest (unset options are None: not sent)."""
        info = self._info
        fmt = self.output_format.currentData()
        compress = info is not None and fmt in info.compression_formats and self.compression.value() < 100
        return {
            "size": self.current_size(),
            "quality": self.quality.currentData(),
            "n": self.count.value(),
            "output_format": fmt,
            "output_compression": self.compression.value() if compress else None,
            "background": self.background.currentData() or None,
            "moderation": self.moderation.currentData() or None,
            "complexity": self.complexity.currentData() or None,
            "partial_images": (self.partial_images.value() or None) if fmt not in PREVIEW_FORMATS else None,
            "frame_count": self.frame_count.value() if fmt == "gif" else None,
            "frame_duration_ms": self.frame_duration.value() if fmt == "gif" else None,
        }

    def set_values(self, values: dict[str, Any]) -> None:
        """Show a request's (or a draft's) options; values the current model does not offer are left as they are."""
        if values.get("size"):
            select(self.size_box, values["size"], editable=True)
        for combo, key in (
            (self.quality, "quality"),
            (self.output_format, "output_format"),
            (self.background, "background"),
            (self.moderation, "moderation"),
            (self.complexity, "complexity"),
        ):
            if key in values:
                select(combo, values[key] or "")
        for spin, key in (
            (self.count, "n"),
            (self.compression, "output_compression"),
            (self.partial_images, "partial_images"),
            (self.frame_count, "frame_count"),
            (self.frame_duration, "frame_duration_ms"),
        ):
            value = values.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                spin.setValue(value)
            elif key == "partial_images" and key in values:
                spin.setValue(0)
