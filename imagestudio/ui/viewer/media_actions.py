"""The main window's image actions: open the viewer (double-click / Enter / Space), compare, export, copy,
paste as an edit input, drag out of the gallery, and "Reuse settings" into the prompt editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QWidget

from imagestudio.app.clipboard import copy_images
from imagestudio.app.dragdrop import drag_images
from imagestudio.app.gallery_model import GalleryModel
from imagestudio.core.types import GenerationRequest, LibraryImage
from imagestudio.ui.gallery.gallery import GalleryPane
from imagestudio.ui.viewer.viewer_services import ViewerServices, drag_options

if TYPE_CHECKING:  # the windows are imported when first opened: start-up (bench P1) does not pay for them
    from imagestudio.ui.dialogs.export_dialog import ExportDialog
    from imagestudio.ui.viewer.compare import CompareWindow
    from imagestudio.ui.viewer.viewer import ViewerWindow


class MediaActions(QObject):
    def __init__(
        self, window: QMainWindow, gallery: GalleryPane, model: GalleryModel, services: ViewerServices
    ) -> None:
        super().__init__(window)
        self._window = window
        self._gallery = gallery
        self._model = model
        self._services = services
        self.viewer: ViewerWindow | None = None
        self.compare: CompareWindow | None = None
        self.export_dialog: ExportDialog | None = None

        view = gallery.view
        view.setDragEnabled(True)
        view.drag_out = self.drag_out  # type: ignore[attr-defined]
        view.openRequested.connect(self.open_viewer)  # type: ignore[attr-defined]
        menu = getattr(gallery, "menu", None)
        if menu is not None and hasattr(menu, "previewRequested"):
            menu.previewRequested.connect(self.open_viewer)  # double-click goes through the pane's menu
        else:
            view.doubleClicked.connect(lambda index: self._open_row(model, index.row()))

        def action(text: str, slot: Callable[[], None], keys: QKeySequence | str | None = None) -> QAction:
            act = QAction(text, window)
            act.triggered.connect(slot)
            if keys is not None:
                act.setShortcut(keys)
                # only while the gallery has focus: text fields keep their own copy/paste
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                view.addAction(act)
            return act

        self.open_action = action(self.tr("&Open in viewer"), self.open_selected)
        self.compare_action = action(self.tr("Co&mpare selected"), self.compare_selected)
        self.export_action = action(self.tr("&Export…"), self.export_selected, "Ctrl+E")
        #: every image the gallery shows (a collection, a saved search, a search) as one ZIP, by default
        self.export_shown_action = action(self.tr("Export everything shown as ZIP…"), self.export_shown)
        self.copy_action = action(
            self.tr("&Copy image"), self.copy_selected, QKeySequence(QKeySequence.StandardKey.Copy)
        )
        self.paste_action = action(
            self.tr("&Paste image as edit input"), self.paste, QKeySequence(QKeySequence.StandardKey.Paste)
        )
        #: the selected images (1–16) become the prompt editor's edit inputs and the edit's parents
        self.edit_action = action(self.tr("E&dit selected"), self.edit_selected, "E")
        #: the first selected image's settings in a new prompt draft (as the viewer's "Reuse settings")
        self.reuse_action = action(self.tr("&Reuse settings"), self.reuse_selected)
        #: talk to the selected image: the viewer's Refine tab (ui/viewer/refine_panel.py)
        self.refine_action = action(self.tr("Re&fine in conversation…"), self.refine_selected)
        extra = getattr(getattr(gallery, "menu", None), "extra_actions", None)
        if isinstance(extra, list):  # the gallery's right-click menu lists them first
            extra.extend(
                [self.open_action, self.edit_action, self.export_action, self.reuse_action, self.refine_action]
            )

    def install_menus(self, bar: QMenuBar) -> None:
        """Export… at the top of File; open/compare/copy/paste in Edit (created if the window has none)."""
        menus: dict[str, QMenu] = {}
        for act in bar.actions():
            menu = act.menu()
            if isinstance(menu, QMenu):
                menus[act.text()] = menu
        file_menu = menus.get(self.tr("&File")) or bar.addMenu(self.tr("&File"))
        edit_menu = menus.get(self.tr("&Edit"))
        if edit_menu is None:
            edit_menu = QMenu(self.tr("&Edit"), bar)
            bar.insertMenu(bar.actions()[1] if len(bar.actions()) > 1 else None, edit_menu)  # type: ignore[arg-type]
        first = file_menu.actions()[0] if file_menu.actions() else None
        if first is not None:
            file_menu.insertActions(first, [self.export_action, self.export_shown_action])
        else:
            file_menu.addActions([self.export_action, self.export_shown_action])
        edit_menu.addSeparator()
        edit_menu.addActions(
            [self.open_action, self.compare_action, self.edit_action, self.copy_action, self.paste_action]
        )

    # -- viewer / compare ------------------------------------------------------------------------
    def _viewer(self) -> ViewerWindow:
        if self.viewer is None:
            from imagestudio.ui.viewer.viewer import ViewerWindow

            actions = getattr(self._gallery, "library_actions", None)  # favourite, tags, note in the viewer
            self.viewer = ViewerWindow(self._services, self._window, actions=actions)
            sidebar = getattr(self._gallery, "sidebar", None)
            if sidebar is not None:
                self.viewer.organiser.tag_names = sidebar.tag_names
            self.viewer.reuseRequested.connect(self.reuse)
            self.viewer.exportRequested.connect(self.export_ids)
            self.viewer.compareRequested.connect(self.compare_ids)
            self.viewer.compareStepsRequested.connect(self.compare_ids)
        return self.viewer

    def key_windows(self) -> list[tuple[str, QWidget]]:
        """The viewer and compare windows (made now if never opened), for Help → Keyboard shortcuts."""
        if self.compare is None:
            from imagestudio.ui.viewer.compare import CompareWindow

            self.compare = CompareWindow(self._services, self._window)
        return [(self.tr("Viewer"), self._viewer()), (self.tr("Compare"), self.compare)]

    def _open_row(self, model: GalleryModel, row: int) -> None:
        image_id = model.image_id(row)
        if image_id is not None:  # a generating placeholder has no image yet
            self.open_viewer(image_id)

    def open_viewer(self, image_id: int) -> None:
        """The viewer walks the gallery's order; a stack opened from its collapsed tile is then spread out member
        by member (the arrows go through its images, then on to the next tile: "2 of 4 in stack")."""
        ids = self._model.ids() if image_id in self._model.ids() else [image_id]
        stacks: dict[int, list[int]] = {}
        for stack_id in self._model.expanded_stacks():
            stacks[stack_id] = [i for i in ids if getattr(self._model.details(i), "stack_id", None) == stack_id]
        viewer = self._viewer()
        viewer.open(ids, ids.index(image_id), stacks)
        actions = getattr(self._gallery, "library_actions", None)
        if actions is None or any(image_id in members for members in stacks.values()):
            return

        async def spread() -> None:
            members = await actions.stack_members(image_id)
            if len(members) > 1:
                viewer.spread_stack(image_id, members)

        actions.fire(spread(), "viewer-stack")

    def open_selected(self) -> None:
        if ids := self._gallery.view.selected_ids():
            self.open_viewer(ids[0])

    def refine_selected(self) -> None:
        if ids := self._gallery.view.selected_ids():
            self.open_viewer(ids[0])
            self._viewer().show_refine()

    def compare_ids(self, ids: list[int], note: str = "") -> None:
        if self.compare is None:
            from imagestudio.ui.viewer.compare import CompareWindow

            self.compare = CompareWindow(self._services, self._window)
        self.compare.open(ids, note)

    def compare_selected(self) -> None:
        ids = self._gallery.view.selected_ids()
        if len(ids) < 2:
            self._window.statusBar().showMessage(self.tr("Select two or more images to compare."), 5000)
            return
        self.compare_ids(ids)

    # -- export / copy / drag --------------------------------------------------------------------
    def export_selected(self) -> None:
        ids = self._gallery.view.selected_ids()
        if not ids:
            self._window.statusBar().showMessage(self.tr("Select images to export."), 5000)
            return
        self.export_ids(ids)

    def export_shown(self) -> None:
        ids = self._model.ids()
        if not ids:
            self._window.statusBar().showMessage(self.tr("Nothing shown to export."), 5000)
            return
        self.export_ids(ids, as_zip=True)

    def export_ids(self, ids: list[int], *, as_zip: bool = False) -> None:
        self._services.tasks.spawn(self._open_export(ids, as_zip), name="export-dialog")

    async def _open_export(self, ids: list[int], as_zip: bool = False) -> None:
        images = await self._services.loader.images(ids)
        if not images:
            return
        from imagestudio.ui.dialogs.export_dialog import ExportDialog

        parent = self.viewer if self.viewer is not None and self.viewer.isVisible() else self._window
        self.export_dialog = ExportDialog(self._services, images, parent, as_zip=as_zip)
        self.export_dialog.open()

    def _loaded(self, ids: list[int]) -> list[LibraryImage]:
        """Details the gallery already holds (a drag must start now; it cannot wait for the DB)."""
        found = [self._model.details(i) for i in ids]
        return [im for im in found if im is not None]

    def copy_selected(self) -> None:
        if ids := self._gallery.view.selected_ids():
            self._services.tasks.spawn(self._copy(ids), name="copy-images")

    async def _copy(self, ids: list[int]) -> None:
        images = await self._services.loader.images(ids)
        n = await copy_images(QGuiApplication.clipboard(), self._services.session, images)
        self._window.statusBar().showMessage(self.tr("Copied %n image(s)", "", n), 4000)

    def drag_out(self, ids: list[int]) -> None:
        images = self._loaded(ids)
        if len(images) < len(ids):
            self._window.statusBar().showMessage(
                self.tr("%n image(s) were still loading and were left out of the drag.", "", len(ids) - len(images)),
                6000,
            )
        if images:
            row = self._model.row_of(images[0].id)
            pixmap = (
                self._model.data(self._model.index(row), Qt.ItemDataRole.DecorationRole) if row is not None else None
            )
            view, session = self._gallery.view, self._services.session
            drag_images(view, session, images, drag_options(self._services.prefs), pixmap)

    def paste(self) -> None:
        """Ctrl+V: the clipboard's image becomes an edit input (the prompt editor's own paste does the work)."""
        editor = getattr(self._window, "prompt_editor", None)
        inputs = getattr(editor, "inputs", None)
        if inputs is not None and hasattr(inputs, "paste_clipboard"):
            inputs.paste_clipboard()

    def edit_selected(self) -> None:
        ids = self._gallery.view.selected_ids()
        editor = getattr(self._window, "prompt_editor", None)
        if not ids or editor is None:
            self._window.statusBar().showMessage(self.tr("Select the images to edit."), 5000)
            return
        if len(ids) > 16:
            message = self.tr("An edit takes at most 16 images; the first 16 are used.")
            self._window.statusBar().showMessage(message, 6000)
        editor.edit_images(ids[:16])

    def reuse_selected(self) -> None:
        if ids := self._gallery.view.selected_ids():
            self._services.tasks.spawn(self._reuse(ids[0]), name="reuse-settings")

    async def _reuse(self, image_id: int) -> None:
        from imagestudio.core.lineage import request_of

        images = self._loaded([image_id]) or await self._services.loader.images([image_id])
        if images:
            self.reuse(request_of(images[0]))

    # -- reuse settings --------------------------------------------------------------------------
    def reuse(self, request: GenerationRequest) -> None:
        """A new prompt draft (tab) with the image's prompt and settings: what is being written stays as it is."""
        editor = getattr(self._window, "prompt_editor", None)
        if editor is None:
            return
        editor.open_in_new_draft(request)
        self._window.raise_()
        self._window.activateWindow()
