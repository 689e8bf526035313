"""Export a selection: format, quality, long-edge resize, keep/strip metadata, sRGB, file name template (with a
live preview), destination — separate files or one ZIP (with an optional CSV/JSON manifest); progress and cancel.
The work runs on a worker thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from imagestudio.core.errors import ImageStudioError
from imagestudio.core.export import filenames
from imagestudio.core.export.archive import ZipResult, export_zip
from imagestudio.core.export.convert import EXTENSIONS, ExportOptions, ExportResult, export_images
from imagestudio.core.types import LibraryImage
from imagestudio.ui.viewer.viewer_services import ViewerServices


class ExportDialog(QDialog):
    def __init__(
        self,
        services: ViewerServices,
        images: list[LibraryImage],
        parent: QWidget | None = None,
        *,
        as_zip: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export %n image(s)", "", len(images)))
        self._services = services
        self._images = images
        self._cancel = threading.Event()
        self._running = False
        self.result_: ExportResult | ZipResult | None = None
        options = services.prefs.options

        self.format = QComboBox()
        for value, text in (
            ("original", self.tr("Original file (byte-exact)")),
            ("png", "PNG"),
            ("jpeg", "JPEG"),
            ("webp", "WebP"),
            ("avif", "AVIF"),
        ):
            self.format.addItem(text, value)
        self.format.setCurrentIndex(max(0, self.format.findData(options.format)))
        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setValue(options.quality)
        self.resize_box = QCheckBox(self.tr("Limit the long edge to"))
        self.resize_box.setChecked(options.max_edge is not None)
        self.max_edge = QSpinBox()
        self.max_edge.setRange(16, 65535)
        self.max_edge.setSuffix(" px")
        self.max_edge.setValue(options.max_edge or 2048)
        self.strip = QCheckBox(self.tr("Strip metadata (prompt, AI label, EXIF, XMP, PNG text)"))
        self.strip.setChecked(options.strip_metadata)
        self.sidecar = QCheckBox(self.tr("Also write .xmp sidecars (prompt, tags, rating; originals stay byte-exact)"))
        self.sidecar.setObjectName("exportSidecar")
        self.sidecar.setChecked(options.xmp_sidecar)
        self.srgb = QCheckBox(self.tr("Convert colours to sRGB"))
        self.srgb.setChecked(options.to_srgb)
        self.template = QLineEdit(options.template)
        self.template.setObjectName("exportTemplate")
        self.template.setToolTip(self.tr("Fields: %1").replace("%1", " ".join(f"{{{f}}}" for f in filenames.FIELDS)))
        self.preview = QLabel()
        self.preview.setObjectName("exportPreview")
        self.preview.setWordWrap(True)
        self.directory = QLineEdit(services.prefs.last_directory or self._pictures())
        self.directory.setObjectName("exportDirectory")
        self.as_zip = QCheckBox(self.tr("One ZIP file named"))
        self.as_zip.setObjectName("exportAsZip")
        self.as_zip.setChecked(as_zip)
        self.zip_name = QLineEdit(self.tr("images") + ".zip")
        self.zip_name.setObjectName("exportZipName")
        self.zip_name.setAccessibleName(self.tr("ZIP file name"))
        self.manifest = QComboBox()
        self.manifest.setObjectName("exportManifest")
        for value, text in (
            ("", self.tr("No manifest")),
            ("csv", self.tr("CSV manifest (prompts and parameters)")),
            ("json", self.tr("JSON manifest (prompts and parameters)")),
        ):
            self.manifest.addItem(text, value)
        self.manifest.setAccessibleName(self.tr("Manifest"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, len(images))
        self.progress.hide()
        self.message = QLabel()
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        #: after an export: the folder in the file manager (``open_url`` is replaceable in tests)
        self.open_folder = QPushButton(self.tr("Open folder"))
        self.open_folder.setObjectName("exportOpenFolder")
        self.open_folder.hide()
        self.open_folder.clicked.connect(self._open_folder)
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self._written_to: Path | None = None
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))

        form = QFormLayout()
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("Quality"), self.quality)
        edge = QHBoxLayout()
        edge.addWidget(self.resize_box)
        edge.addWidget(self.max_edge)
        form.addRow(self.tr("Size"), edge)
        form.addRow("", self.strip)
        form.addRow("", self.srgb)
        form.addRow("", self.sidecar)
        form.addRow(self.tr("File names"), self.template)
        form.addRow("", self.preview)
        folder = QHBoxLayout()
        folder.addWidget(self.directory, 1)
        folder.addWidget(browse)
        form.addRow(self.tr("Folder"), folder)
        pack = QHBoxLayout()
        pack.addWidget(self.as_zip)
        pack.addWidget(self.zip_name, 1)
        form.addRow(self.tr("Pack"), pack)
        form.addRow("", self.manifest)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        # never smaller than what it holds: when the progress bar or a result appears the dialog grows, and the
        # example file name keeps its lines instead of being squeezed out of sight
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setMinimumWidth(560)
        layout.addLayout(form)
        layout.addWidget(self.explain)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        for signal in (
            self.format.currentIndexChanged,
            self.strip.toggled,
            self.resize_box.toggled,
            self.as_zip.toggled,
        ):
            signal.connect(self._refresh)
        self.template.textChanged.connect(self._refresh)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self._cancel_clicked)
        self._refresh()

    @staticmethod
    def _pictures() -> str:
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) or str(Path.home())

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Export to folder"), self.directory.text())
        if chosen:
            self.directory.setText(chosen)

    def options(self) -> ExportOptions:
        return ExportOptions(
            format=str(self.format.currentData()),
            quality=self.quality.value(),
            max_edge=self.max_edge.value() if self.resize_box.isChecked() else None,
            strip_metadata=self.strip.isChecked(),
            to_srgb=self.srgb.isChecked(),
            template=self.template.text(),
            xmp_sidecar=self.sidecar.isChecked(),
        )

    def _refresh(self) -> None:
        options = self.options()
        fmt = options.format
        self.quality.setEnabled(fmt in ("jpeg", "webp", "avif"))
        self.max_edge.setEnabled(self.resize_box.isChecked())
        self.srgb.setEnabled(not options.byte_exact)
        self.zip_name.setEnabled(self.as_zip.isChecked())
        self.manifest.setEnabled(self.as_zip.isChecked())
        if options.byte_exact:
            text = self.tr(
                "The original files are copied unchanged: any C2PA manifest from the provider (its signed record "
                "that the image was AI-generated) is kept. Nothing is added."
            )
        elif options.strip_metadata:
            text = self.tr("Pixels only: no prompt, no AI-generated label, no EXIF/XMP/PNG text, and no C2PA manifest.")
        else:
            text = self.tr(
                "Re-encoded files carry the prompt and an AI-generated label (IPTC DigitalSourceType "
                "trainedAlgorithmicMedia in XMP). A provider's C2PA manifest cannot survive re-encoding: choose "
                "Original to keep it."
            )
        self.explain.setText(text)
        try:
            ext = EXTENSIONS.get(self._images[0].format, "png") if fmt == "original" else EXTENSIONS[fmt]
            preview = filenames.file_name(options.template, self._images[0], 1, ext) if self._images else ""
            self.preview.setText(self.tr("e.g. %1").replace("%1", preview))
            self._fit()
            self.export_button.setEnabled(not self._running and bool(self._images))
        except ImageStudioError as e:
            self.preview.setText(e.message)
            self.export_button.setEnabled(False)

    def start(self) -> None:
        if self._running:
            return
        try:
            options = self.options().check()
        except ImageStudioError as e:
            self.message.setText(e.message)
            return
        directory = Path(self.directory.text()).expanduser()
        if not self.directory.text().strip():
            self.message.setText(self.tr("Choose a folder to export to."))
            return
        self._services.prefs.remember(options)
        self._services.prefs.last_directory = str(directory)
        self._running = True
        self._cancel.clear()
        self.export_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.message.setText(self.tr("Exporting…"))
        self._fit()
        self._services.tasks.spawn(self._run(directory, options), name="export")

    def _zip_target(self, directory: Path) -> Path | None:
        if not self.as_zip.isChecked():
            return None
        name = self.zip_name.text().strip() or "images.zip"
        return directory / (name if name.lower().endswith(".zip") else name + ".zip")

    async def _run(self, directory: Path, options: ExportOptions) -> None:
        loop = asyncio.get_running_loop()

        def progress(done: int, _total: int) -> None:  # on the worker thread
            loop.call_soon_threadsafe(self.progress.setValue, done)

        zip_target = self._zip_target(directory)
        try:
            if zip_target is not None:
                packed = await asyncio.to_thread(
                    export_zip, self._images, zip_target, options, manifest=self.manifest.currentData() or None,
                    progress=progress, cancel=self._cancel,
                )  # fmt: skip
                self._zipped(packed, directory)
                return
            result = await asyncio.to_thread(
                export_images, self._images, directory, options, progress=progress, cancel=self._cancel
            )
        except (OSError, ImageStudioError) as e:
            self.message.setText(self.tr("Export failed: %1").replace("%1", str(e)))
            self._fit()
            self._running = False
            self.export_button.setEnabled(True)
            return
        self._running = False
        self.result_ = result
        summary = self.tr("%n file(s) written to %1", "", len(result.written)).replace("%1", str(directory))
        if result.cancelled:
            summary = self.tr("Cancelled. ") + summary
        if result.problems:
            summary += "\n" + "\n".join(result.problems[:10])
        self.message.setText(summary)
        self._written_to = directory
        self.open_folder.setVisible(bool(result.written))
        self.cancel_button.setText(self.tr("Close"))
        self._fit()
        self.export_button.setEnabled(True)

    def _zipped(self, result: ZipResult, directory: Path) -> None:
        self._running = False
        self.result_ = result
        if result.path is not None:
            summary = self.tr("%n image(s) packed into %1", "", len(result.files)).replace("%1", str(result.path))
        elif result.cancelled:
            summary = self.tr("Cancelled: no ZIP file was written.")
        else:
            summary = self.tr("No ZIP file was written.")
        if result.problems:
            summary += "\n" + "\n".join(result.problems[:10])
        self.message.setText(summary)
        self._written_to = directory
        self.open_folder.setVisible(result.path is not None)
        self.cancel_button.setText(self.tr("Close"))
        self._fit()
        self.export_button.setEnabled(True)

    def _fit(self) -> None:
        """Taller when what it shows grew (the progress bar, a result, a longer example name): wrapped lines are
        never squeezed out of sight."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.minimumSize().height()
        )
        if needed > self.height():
            self.resize(self.width(), needed)

    def _open_folder(self) -> None:
        if self._written_to is not None:
            self.open_url(QUrl.fromLocalFile(str(self._written_to)))

    def _cancel_clicked(self) -> None:
        if self._running:
            self._cancel.set()  # stops between images; files already written stay
        else:
            self.reject()

    def reject(self) -> None:
        self._cancel.set()
        super().reject()
