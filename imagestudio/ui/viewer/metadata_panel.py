"""The viewer's details: prompt, enhanced prompt, model, every parameter, size, format, file size, cost,
created time, provider, parents and C2PA presence; "Reuse settings" and "Copy prompt"."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.files.provenance import FileFacts
from imagestudio.core.lineage import enhanced_prompt, own_prompt, parents_of, request_of
from imagestudio.core.money.ledger import cost_usd
from imagestudio.core.types import LibraryImage, Usage
from imagestudio.ui.plain_text import plain
from imagestudio.ui.prompt.option_labels import provider_label


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _usage(raw: object) -> Usage:
    if not isinstance(raw, dict):
        return Usage()
    try:
        return Usage(**{k: int(v) for k, v in raw.items() if k in Usage.__dataclass_fields__})
    except (TypeError, ValueError):
        return Usage()


class MetadataPanel(QWidget):
    #: a GenerationRequest with this image's settings (opened as a new draft, never over the current one)
    reuseRequested = Signal(object)
    #: a parent id was clicked
    navigateRequested = Signal(int)

    def __init__(self, capabilities: Capabilities, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._capabilities = capabilities
        self._image: LibraryImage | None = None
        self.prompt = QPlainTextEdit()
        self.prompt.setReadOnly(True)
        self.prompt.setObjectName("metaPrompt")
        self.prompt.setMaximumHeight(110)
        self.enhanced = QPlainTextEdit()
        self.enhanced.setReadOnly(True)
        self.enhanced.setMaximumHeight(90)
        self.enhanced_label = QLabel(self.tr("Enhanced prompt"))
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.addRow(self.tr("Prompt"), self.prompt)
        form.addRow(self.enhanced_label, self.enhanced)
        labels = {
            "model": self.tr("Model"),
            "provider": self.tr("Provider"),
            "size": self.tr("Size"),
            "format": self.tr("Format"),
            "file_size": self.tr("File size"),
            "cost": self.tr("Cost"),
            "created": self.tr("Created"),
            "parents": self.tr("Parents"),
            "tags": self.tr("Tags"),
            "note": self.tr("Note"),
            "c2pa": self.tr("C2PA"),
        }
        for key, text in labels.items():
            value = QLabel() if key == "parents" else plain(QLabel())  # parents: links made of ids only
            value.setObjectName(f"meta_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            value.setWordWrap(True)
            self.fields[key] = value
            form.addRow(text, value)
        self.fields["parents"].linkActivated.connect(lambda link: self.navigateRequested.emit(int(link)))
        self.params = QPlainTextEdit()
        self.params.setReadOnly(True)
        self.params.setObjectName("metaParams")
        form.addRow(self.tr("Parameters"), self.params)
        self.reuse_button = QPushButton(self.tr("Reuse settings"))
        self.reuse_button.setToolTip(self.tr("Open these settings in a new prompt draft"))
        self.copy_prompt_button = QPushButton(self.tr("Copy prompt"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reuse_button)
        buttons.addWidget(self.copy_prompt_button)
        column = QVBoxLayout(self)
        column.addLayout(form, 1)
        column.addLayout(buttons)
        self.reuse_button.clicked.connect(self._reuse)
        self.copy_prompt_button.clicked.connect(self.copy_prompt)
        self.set_image(None)

    def set_image(self, image: LibraryImage | None, facts: FileFacts | None = None) -> None:
        self._image = image
        self.reuse_button.setEnabled(image is not None)
        self.copy_prompt_button.setEnabled(image is not None)
        if image is None:
            self.prompt.clear()
            self.params.clear()
            for label in self.fields.values():
                label.clear()
            return
        self.prompt.setPlainText(own_prompt(image))
        enhanced = enhanced_prompt(image)
        self.enhanced.setPlainText(enhanced or "")
        self.enhanced.setVisible(enhanced is not None)
        self.enhanced_label.setVisible(enhanced is not None)
        cost = image.cost_usd if image.cost_usd is not None else None
        if cost is None and not image.is_demo:
            cost = cost_usd(self._capabilities, image.model, _usage(image.usage))
        values = {
            "model": image.model + (self.tr(" (demo)") if image.is_demo else ""),
            "provider": provider_label(image.provider),
            "size": f"{image.width} × {image.height}",
            "format": image.format.upper(),
            "file_size": "…" if facts is None else (
                _human_bytes(facts.byte_size) if facts.byte_size is not None else self.tr("missing")
            ),
            "cost": self.tr("free (demo)") if image.is_demo else (
                f"${cost:.4f}" if cost is not None else self.tr("unknown")
            ),
            "created": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(image.created_at)),
            "tags": ", ".join(image.tags) or self.tr("none"),
            "note": image.note or self.tr("none"),
            "parents": ", ".join(f'<a href="{p}">#{p}</a>' for p in parents_of(image.params)) or self.tr("none"),
            "c2pa": "…" if facts is None else (
                self.tr("present (provider's signed manifest)") if facts.c2pa else self.tr("none")
            ),
        }  # fmt: skip
        for key, text in values.items():
            self.fields[key].setText(text)
        self.params.setPlainText(json.dumps(image.params, ensure_ascii=False, indent=2, sort_keys=True))

    def _reuse(self) -> None:
        if self._image is not None:
            self.reuseRequested.emit(request_of(self._image))

    def copy_prompt(self) -> None:
        if self._image is not None:
            QApplication.clipboard().setText(own_prompt(self._image))
