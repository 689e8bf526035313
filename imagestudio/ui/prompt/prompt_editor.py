"""Prompt editor pane: prompt, model, every option the model allows, input images for edits, enhancement.

Generate (Ctrl+Enter) emits a validated GenerationRequest — or an EditRequest when input images are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QToolButton,
    QWidget,
)

from imagestudio.app.clipboard import has_images
from imagestudio.app.core_text import translate_message
from imagestudio.app.dragdrop import image_ids_from
from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.studio import StudioService
from imagestudio.core.capabilities import RETIRING_SOON_DAYS, Capabilities
from imagestudio.core.drafts import Draft, DraftSet
from imagestudio.core.enhance import Enhancement
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.money.ledger import Totals
from imagestudio.core.money.pricing import Estimate, estimate_request
from imagestudio.core.types import EditRequest, GenerationRequest, LibraryImage
from imagestudio.ui.prompt import setting_changes
from imagestudio.ui.prompt.edit_inputs import EditInputs
from imagestudio.ui.prompt.edit_painting import EditPainting
from imagestudio.ui.prompt.enhance_dialog import EnhanceDialog
from imagestudio.ui.prompt.mask_painter import MaskPainterDialog
from imagestudio.ui.prompt.prompt_drafts import DraftTabs
from imagestudio.ui.prompt.prompt_layout import Estimator, Fold, PromptFooter, PromptText, frame
from imagestudio.ui.prompt.prompt_options import OptionsForm, select
from imagestudio.ui.settings.budget_box import ask_above_threshold, ask_over_budget, confirm_estimate


class PromptEditor(QWidget):
    #: A request that passed validation (GenerationRequest or EditRequest); the window hands it to the controller.
    generateRequested = Signal(object)

    def __init__(
        self,
        capabilities: Capabilities,
        settings: SettingsStore,
        studio: StudioService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Prompt editor"))  # where its shortcuts work (Help → Keyboard shortcuts)
        self._caps = studio.capabilities if studio is not None else capabilities
        self._settings = settings
        self._studio = studio
        self._pending: GenerationRequest | EditRequest | None = None
        self.review_dialog: EnhanceDialog | None = None
        #: asked before a request goes over the monthly budget (tests replace it)
        self.ask_over_budget: Callable[[QWidget, Totals, float], bool] = ask_over_budget
        #: asked before a request estimated above Settings → Budget → Ask above is sent
        self.ask_above_threshold: Callable[[QWidget, Estimate, float], bool] = ask_above_threshold
        s = settings.current

        self.prompt = PromptText()
        self.prompt.setObjectName("prompt")
        self.prompt.setPlaceholderText(self.tr("Describe the image… 例如：雪中奔跑的红狐狸，电影感光线"))
        self.prompt.setAccessibleName(self.tr("Prompt"))
        self.prompt.setTabChangesFocus(True)

        self.model = QComboBox()
        self.model.setAccessibleName(self.tr("Model"))
        self.refresh_models = QToolButton()
        self.refresh_models.setText("↻")
        self.refresh_models.setObjectName("refreshModels")
        self.refresh_models.setToolTip(self.tr("Refresh models: hide those the server does not offer"))
        self.refresh_models.setEnabled(studio is not None)
        self.options = OptionsForm(s)
        # the basic option widgets, reachable as before
        self.size_box, self.quality = self.options.size_box, self.options.quality
        self.count, self.output_format = self.options.count, self.options.output_format

        self.enhance = QCheckBox(self.tr("&Enhance prompt with %1").replace("%1", s.text_model))
        self.enhance.setObjectName("enhance")
        self.enhance.setEnabled(studio is not None)
        self.enhance_mode = QComboBox()
        self.enhance_mode.addItem(self.tr("review first"), "review")
        self.enhance_mode.addItem(self.tr("auto"), "auto")
        self.enhance_mode.setAccessibleName(self.tr("Enhancement mode"))
        self.enhance.setChecked(s.enhance_mode != "off")
        select(self.enhance_mode, s.enhance_mode if s.enhance_mode != "off" else "review")

        self.inputs = EditInputs()

        #: what a preset or "Reuse settings" just changed (never silently); hidden at the next Generate
        self.notice = QLabel()
        self.notice.setObjectName("promptNotice")
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self.tr("What changed"))
        self.notice.hide()
        #: under the scrolling form, always in view: what changed, the validation message, the estimate, Generate/Edit
        self.footer = PromptFooter(self.notice)
        self.error, self.generate_button = self.footer.error, self.footer.button
        self.generate_button.clicked.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(self.tr("Generate"))  # its name in Help → Keyboard shortcuts
            shortcut.activated.connect(self.submit)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.inputs)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.setWhatsThis(self.tr("Paste an image as edit input"))
        paste.activated.connect(self.inputs.paste_clipboard)

        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.refresh_models)
        enhance_row = QHBoxLayout()
        enhance_row.addWidget(self.enhance, 1)
        enhance_row.addWidget(self.enhance_mode)
        form = QFormLayout()
        form.addRow(self.tr("&Model"), model_row)
        model_label = form.labelForField(model_row)
        if isinstance(model_label, QLabel):
            model_label.setBuddy(self.model)  # a row holding a layout gets no buddy: Alt+M and "&" need one
        self.drafts = DraftTabs(studio.drafts if studio is not None else DraftSet([Draft()]), self._capture,
                                self._show_draft)  # fmt: skip
        title = QLabel(self.tr("<b>Prompt</b>"))
        title.setBuddy(self.prompt)
        self.more_options = Fold(self.tr("More options"), [self.options.more, enhance_row])
        items: list[QWidget | QLayout] = [title, self.drafts, self.prompt, form, self.options, self.more_options,
                                          self.inputs]  # fmt: skip
        self.form_area = frame(self, items, self.footer, stretch=self.prompt)
        folded = (self.options.optionChanged, self.options.output_format.currentIndexChanged, self.enhance.toggled)
        for changed in folded:  # what is chosen under "More options" is said on it while it is closed
            changed.connect(lambda *_: self._summarise_more())

        self._fill_models(s.model)
        self._summarise_more()
        self.model.currentIndexChanged.connect(self._model_changed)
        self.options.optionChanged.connect(self._option_changed)
        self.enhance.toggled.connect(self._enhance_changed)
        self.enhance_mode.currentIndexChanged.connect(self._enhance_changed)
        self.inputs.changed.connect(self._inputs_changed)
        self.painting = EditPainting(self, self.inputs, studio, lambda: self._caps.get(self.model.currentData()),
                                     self.show_error)  # fmt: skip
        if studio is not None:
            self.refresh_models.clicked.connect(studio.refresh_models)
            studio.modelsRefreshed.connect(self._models_refreshed)
            studio.refreshFailed.connect(self.show_error)
            studio.enhanced.connect(self._enhanced)
            studio.enhanceFailed.connect(self._enhance_failed)
            self.inputs.libraryIdsDropped.connect(self.edit_images)
            studio.libraryImagesLoaded.connect(self._library_images_loaded)
            self.drafts.saveRequested.connect(studio.save_drafts)
        # an image dropped on the prompt text becomes an edit input too (not its file name as text)
        self.prompt.viewport().installEventFilter(self)
        self.setAcceptDrops(True)
        self.drafts.start()
        self.prompt.textChanged.connect(self.drafts.changed)
        for edited in (self.model.currentIndexChanged, self.options.optionChanged, self.inputs.changed,
                       self.footer.batch.toggled):  # fmt: skip
            edited.connect(self.drafts.changed)
        #: the figure beside Generate, for the request as it stands (the window gives it its estimate function)
        self.estimator = Estimator(self.footer, self._request, self.prompt.textChanged, self.model.currentIndexChanged,
                                   self.options.optionChanged, self.options.size_box.currentTextChanged,
                                   self.inputs.changed)  # fmt: skip

    # -- drafts ----------------------------------------------------------------------------------
    def _capture(self) -> Draft:
        return Draft(
            prompt=self.prompt.toPlainText(),
            model=str(self.model.currentData() or ""),
            options={**self.options.values(), "via_batch_api": self.footer.batch.isChecked()},
            inputs=self.inputs.entries(),
            mask=self.inputs.mask_path,
            markup=self.inputs.markup_path,
        )

    def _show_draft(self, draft: Draft) -> None:
        self.prompt.setPlainText(draft.prompt)
        if draft.model and self.model.findData(draft.model) >= 0:
            select(self.model, draft.model)
        self.options.set_values(draft.options)
        self.footer.batch.setChecked(bool(draft.options.get("via_batch_api")))  # "Now" or "Batch" is kept too
        self.inputs.set_entries(draft.inputs, draft.mask, draft.markup)

    def open_in_new_draft(self, request: GenerationRequest | EditRequest) -> None:
        """ "Reuse settings": a new draft tab (the current one keeps its edit inputs); a notice says what changed."""
        before, inputs = setting_changes.snapshot(self), self.inputs
        kept = setting_changes.cleared(len(inputs.paths()), bool(inputs.mask_path), bool(inputs.markup_path))
        options = {k: v for k, v in request.to_json().items() if k in self.options.values() or k == "via_batch_api"}
        self.drafts.open_draft(Draft(prompt=request.original_prompt or request.prompt, model=request.model,
                                     options=options))  # fmt: skip
        self.prompt.setFocus()
        changes = setting_changes.describe(before, setting_changes.snapshot(self))
        self.show_notice(setting_changes.reuse_notice(changes, kept))

    def show_notice(self, text: str) -> None:
        """A short sentence about what was just changed for the person (presets, Reuse settings)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    async def flush_drafts(self) -> None:
        """At quit: the drafts as they are now, written before the app exits."""
        self.drafts.save_now()
        if self._studio is not None:
            await self._studio.flush_drafts()

    # -- edit inputs from the library --------------------------------------------------------------
    def edit_images(self, ids: list[int]) -> None:
        """ "Edit selected" and drops from our own gallery: the images become inputs and the edit's parents."""
        if self._studio is not None and ids:
            self._studio.load_library_images(ids)

    def _library_images_loaded(self, images: list[LibraryImage]) -> None:
        if not images:
            self.show_error(self.tr("The selected images are no longer in the library."))
            return
        self.inputs.add_library_images([(im.id, im.path) for im in images])
        self.prompt.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        drag = event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if drag and isinstance(event, QDropEvent) and self._is_image_drop(event):
            if event.type() == QEvent.Type.Drop:
                self.inputs.take_mime(event.mimeData())
            event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)

    def _is_image_drop(self, event: QDropEvent) -> bool:
        return bool(image_ids_from(event.mimeData())) or has_images(event.mimeData())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._is_image_drop(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.inputs.take_mime(event.mimeData()):
            event.acceptProposedAction()

    # -- models and options ----------------------------------------------------------------------
    def _fill_models(self, wanted: str) -> None:
        self.model.blockSignals(True)
        self.model.clear()
        for info in self._caps.models():
            label = info.label
            if info.retiring_within(RETIRING_SOON_DAYS, self._caps.today) and info.shutdown is not None:
                label += self.tr(" (retiring %1)").replace("%1", info.shutdown.isoformat())
            self.model.addItem(label, info.id)
        index = self.model.findData(wanted)
        self.model.setCurrentIndex(max(0, self.model.findData(self._caps.default_model)) if index < 0 else index)
        self.model.blockSignals(False)
        self.options.fill(self._caps.get(self.model.currentData()))

    def _models_refreshed(self, caps: Capabilities) -> None:
        self._caps = caps
        self._fill_models(self.model.currentData())
        hidden = ", ".join(caps.hidden)
        self.show_error(self.tr("Not offered by this server: %1").replace("%1", hidden) if hidden else "")
        self._model_changed()

    def _model_changed(self) -> None:
        self.options.fill(self._caps.get(self.model.currentData()))
        self._remember(model=self.model.currentData(), quality=self.quality.currentData(),
                       output_format=self.output_format.currentData())  # fmt: skip

    def _option_changed(self, name: str, value: object) -> None:
        self._remember(**{name: value})

    def _remember(self, **changes: object) -> None:
        if all(v is not None for v in changes.values()):
            self._settings.update(**changes)

    def _enhance_changed(self) -> None:
        self._remember(enhance_mode=self.enhance_mode.currentData() if self.enhance.isChecked() else "off")

    def _inputs_changed(self) -> None:
        editing = bool(self.inputs.paths())
        self.generate_button.setText(self.tr("Edit") if editing else self.tr("Generate"))

    def _summarise_more(self) -> None:
        enhancing = " · " + self.tr("enhance prompt") if self.enhance.isChecked() else ""
        self.more_options.set_summary(self.options.more_summary() + enhancing)

    def preferred_height(self) -> int:
        """The form without scrolling (its prompt box at the preferred six lines), and the footer. Wrapped labels
        make the scroll area lay the form out by height-for-width (it never shrinks below that height); a line
        more keeps a scroll bar's narrower width from wrapping one label more."""
        body, spare = self.form_area.widget(), self.prompt.fontMetrics().lineSpacing()
        form = max(body.heightForWidth(self.form_area.width()), body.sizeHint().height()) if body is not None else 0
        return form + spare + self.footer.sizeHint().height()

    def current_size(self) -> str:
        return self.options.current_size()

    # -- requests --------------------------------------------------------------------------------
    def build_request(self) -> GenerationRequest | EditRequest:
        request = self._request()
        self._caps.validate(request)
        return request

    def _request(self) -> GenerationRequest | EditRequest:
        """The request as the form stands, not yet checked."""
        values = self.options.values()
        common = {
            "prompt": self.prompt.toPlainText().strip(),
            "model": self.model.currentData(),
            "safety_identifier": self._studio.safety_identifier if self._studio is not None else None,
            "via_batch_api": self.footer.batch.isChecked() or None,
            **values,
        }
        if self.inputs.paths():
            return EditRequest(
                images=self.inputs.paths(), mask=self.inputs.mask_path, markup=self.inputs.markup_path,
                parent_ids=self.inputs.parent_ids(), **common,
            )  # fmt: skip
        return GenerationRequest(**common)

    def show_error(self, message: str) -> None:
        self.error.setText(translate_message(message))  # core validation messages in the interface language
        self.error.setVisible(bool(message))

    def submit(self) -> None:
        try:
            request = self.build_request()
        except InvalidRequest as e:
            self.show_error(e.message)
            return
        self.show_error("")
        self.show_notice("")
        totals = self._studio.last_totals if self._studio is not None else None
        upcoming = estimate_request(self._caps, request).usd  # the queue's budget check counts it too
        if totals is not None and totals.would_block(upcoming) and self._studio and self._studio.paid_provider():
            if not self.ask_over_budget(self, totals, upcoming):
                self.show_error(self.tr("Not sent: this month's budget is spent (see Settings → Budget)."))
                return
            request = replace(request, allow_over_budget=True)  # this one request only
        threshold, paid = self._settings.current.confirm_above_usd, bool(self._studio and self._studio.paid_provider())
        if paid and not confirm_estimate(self, self._caps, request, threshold, self.ask_above_threshold):
            self.show_error(self.tr("Not sent: its estimate is above the amount you asked to confirm."))
            return
        if self.enhance.isChecked() and self._studio is not None:
            self._pending = request
            self.generate_button.setEnabled(False)
            self.generate_button.setText(self.tr("Enhancing…"))
            self._studio.enhance(request.prompt)
            return
        self.generateRequested.emit(request)

    def _restore_button(self) -> None:
        self.generate_button.setEnabled(True)
        self._inputs_changed()

    def _enhance_failed(self, message: str) -> None:
        self._pending = None
        self._restore_button()
        self.show_error(self.tr("Prompt enhancement failed: %1").replace("%1", message))

    def _enhanced(self, enhancement: Enhancement) -> None:
        request, self._pending = self._pending, None
        self._restore_button()
        if request is None:
            return
        if self.enhance_mode.currentData() == "auto":
            self._send_enhanced(request, enhancement.original, enhancement.enhanced)
            return
        dialog = EnhanceDialog(enhancement, self)
        self.review_dialog = dialog

        def done(result: int) -> None:
            self.review_dialog = None
            if result == QDialog.DialogCode.Accepted and dialog.chosen_prompt():
                self._send_enhanced(request, enhancement.original, dialog.chosen_prompt())
            else:
                self.generateRequested.emit(request)  # keep the original

        dialog.finished.connect(done)
        dialog.open()

    def _send_enhanced(self, request: GenerationRequest | EditRequest, original: str, enhanced: str) -> None:
        changed = replace(request, prompt=enhanced, original_prompt=original)
        try:
            self._caps.validate(changed)
        except InvalidRequest as e:
            self.show_error(e.message)
            return
        self.generateRequested.emit(changed)

    @property
    def painter(self) -> MaskPainterDialog | None:  # the open mask/markup painter (ui/prompt/edit_painting.py)
        return self.painting.dialog
