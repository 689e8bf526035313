"""Painting a mask or markup on the first edit input: the image is decoded off the GUI thread
(``StudioService.load_image``), painted in ``MaskPainterDialog``, saved off the GUI thread
(``StudioService.save_image``) and then set on the ``EditInputs``; pasted/dropped bytes are saved the same way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QWidget

from imagestudio.app.studio import StudioService
from imagestudio.core.capabilities import ModelInfo
from imagestudio.ui.prompt.edit_inputs import EditInputs
from imagestudio.ui.prompt.input_list import THUMB
from imagestudio.ui.prompt.mask_painter import MaskPainterDialog


class EditPainting(QObject):
    def __init__(
        self,
        owner: QWidget,
        inputs: EditInputs,
        studio: StudioService | None,
        model_info: Callable[[], ModelInfo],
        show_error: Callable[[str], None],
    ) -> None:
        super().__init__(owner)
        self._owner = owner
        self._inputs = inputs
        self._studio = studio
        self._model_info = model_info
        self._show_error = show_error
        #: the open painter, if any
        self.dialog: MaskPainterDialog | None = None
        if studio is None:
            return
        inputs.paintRequested.connect(lambda path, _mode: studio.load_image(path))
        studio.imageLoaded.connect(self._image_loaded)
        studio.imageSaved.connect(self._image_saved)
        studio.imageSaveFailed.connect(show_error)
        inputs.pasteData.connect(lambda data, ext: studio.save_bytes(data, ext, "input"))
        inputs.thumbnailWanted.connect(lambda path: studio.load_thumbnail(path, 2 * THUMB))
        studio.thumbnailLoaded.connect(inputs.set_thumbnail)

    def _image_loaded(self, path: str, image: QImage) -> None:
        if path not in self._inputs.paths()[:1]:
            return
        if image.isNull():
            self._show_error(self.tr("The first image could not be opened for painting."))
            return
        info = self._model_info()
        dialog = MaskPainterDialog(image, allow_markup=bool(info.edit and info.edit.markup), parent=self._owner)
        self.dialog = dialog

        def done(result: int) -> None:
            self.dialog = None
            if result != QDialog.DialogCode.Accepted or self._studio is None:
                return
            painted = dialog.result_image()
            if painted is None:
                self._inputs.clear_overlays()
            else:
                self._studio.save_image(painted, dialog.canvas.mode)

        dialog.finished.connect(done)
        dialog.open()

    def _image_saved(self, purpose: str, path: str) -> None:
        if purpose == "input":
            self._inputs.add_paths([path])
        elif purpose in ("mask", "markup"):
            self._inputs.set_overlay(purpose, path)
