"""What the viewer, compare and export windows share, kept apart from their widgets so the main window can
hold it without importing them: those windows are imported when first opened (bench P1, start-up time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from imagestudio.app.dragdrop import ExportSession
from imagestudio.app.export_prefs import ExportPrefs
from imagestudio.app.image_loader import ImageLoader
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.export.convert import ExportOptions

if TYPE_CHECKING:
    from imagestudio.app.refiner import Refiner


@dataclass
class ViewerServices:
    """What the viewer, compare and export windows need; built once in main.compose."""

    loader: ImageLoader
    tasks: TaskOwner
    session: ExportSession
    capabilities: Capabilities
    prefs: ExportPrefs
    #: refine in conversation (the viewer's Refine tab); None where there is no queue (compare-only uses)
    refiner: Refiner | None = None


def drag_options(prefs: ExportPrefs) -> ExportOptions:
    """Original bytes by default; with Alt held, converted with the export defaults."""
    if QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier:
        return prefs.converted()
    return ExportOptions(template=prefs.options.template)
