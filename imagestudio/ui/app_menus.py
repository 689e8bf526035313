"""The main window's View, Presets and Help additions: theme, pane focus keys, presets, shortcuts, onboarding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QToolBar, QWidget

from imagestudio.app.account import AccountService
from imagestudio.app.presets import PresetService
from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.settings import Settings
from imagestudio.ui.plain_text import install_plain_tooltips
from imagestudio.ui.prompt.preset_picker import PresetPicker

if TYPE_CHECKING:  # the dialogs are imported when first opened: start-up (bench P1) does not pay for them
    from imagestudio.ui.dialogs.shortcuts_dialog import ShortcutsDialog
    from imagestudio.ui.settings.onboarding import OnboardingWizard
    from imagestudio.ui.settings.presets_dialog import PresetsDialog


class AppMenus(QObject):
    def __init__(
        self,
        window: QMainWindow,
        help_menu: QMenu,
        *,
        settings: SettingsStore,
        account: AccountService,
        tasks: TaskOwner,
        capabilities: Capabilities,
        presets: PresetService | None,
    ) -> None:
        super().__init__(window)
        install_plain_tooltips()  # prompts, metadata and server texts never render as rich text in tooltips
        self._window = window
        self._settings = settings
        self._account = account
        self._tasks = tasks
        self._presets = presets
        self.onboarding: OnboardingWizard | None = None
        self.presets_dialog: PresetsDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        bar = window.menuBar()
        editor: Any = getattr(window, "prompt_editor", None)

        view = QMenu(self.tr("&View"), window)
        bar.insertMenu(help_menu.menuAction(), view)
        for text, keys, target in (
            (self.tr("Go to &prompt"), "Ctrl+L", lambda: getattr(editor, "prompt", None)),
            (self.tr("Go to &jobs"), "Ctrl+J", lambda: getattr(window, "jobs_panel", None)),
            (self.tr("Go to &gallery"), "Ctrl+G", lambda: getattr(getattr(window, "gallery", None), "view", None)),
        ):  # fmt: skip
            view.addAction(self._action(text, keys, lambda target=target: self._focus(target())))
        # Ctrl+G inside the gallery is "Stack selected" (ui/gallery/gallery_stacks.py): Go to gallery steps aside
        # there (a disabled action takes no key), so the two never make the shortcut ambiguous
        self._go_gallery = view.actions()[-1]
        self._gallery_view: QWidget | None = getattr(getattr(window, "gallery", None), "view", None)
        app = QApplication.instance()
        if self._gallery_view is not None and isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)  # a method: disconnected when this object goes
        view.addSeparator()
        theme_menu = view.addMenu(self.tr("&Theme"))
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for value, text in (
            ("system", self.tr("Follow the &system")),
            ("light", self.tr("&Light")),
            ("dark", self.tr("&Dark")),
        ):
            action = QAction(text, self.theme_group)
            action.setCheckable(True)
            action.triggered.connect(lambda _c=False, value=value: settings.update(theme=value))
            theme_menu.addAction(action)
            self.theme_actions[value] = action
        self._show_theme(settings.current)
        settings.changed.connect(self._show_theme)

        self.picker: PresetPicker | None = None
        if presets is not None and editor is not None:
            self.picker = PresetPicker(presets, capabilities, editor, settings)
            self.picker.manageRequested.connect(self.show_presets)
            toolbar = QToolBar(self.tr("Presets"), window)
            toolbar.setObjectName("presetsToolbar")
            toolbar.setMovable(False)
            toolbar.addWidget(self.picker)
            window.addToolBar(toolbar)
            menu = QMenu(self.tr("&Presets"), window)
            bar.insertMenu(help_menu.menuAction(), menu)
            menu.addAction(self._action(self.tr("&Choose a preset"), "Ctrl+Shift+P", self.choose_preset))
            menu.addAction(self._action(self.tr("&Manage presets…"), "", self.show_presets))
            menu.addAction(self._action(self.tr("&Save prompt as preset…"), "", self.save_prompt_as_preset))

        first = help_menu.actions()[0] if help_menu.actions() else None
        shortcuts = self._action(self.tr("&Keyboard shortcuts"), "", self.show_shortcuts)
        shortcuts.setShortcuts([QKeySequence(QKeySequence.StandardKey.HelpContents), QKeySequence("Ctrl+/")])
        getting_started = self._action(self.tr("&Getting started…"), "", self.show_onboarding)
        help_menu.insertActions(first, [shortcuts, getting_started])  # type: ignore[arg-type]
        if first is not None:
            help_menu.insertSeparator(first)

    def _action(self, text: str, keys: str, slot: Any) -> QAction:
        action = QAction(text, self._window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        gallery = self._gallery_view
        inside = gallery is not None and new is not None and (new is gallery or gallery.isAncestorOf(new))
        self._go_gallery.setEnabled(not inside)

    @staticmethod
    def _focus(widget: QWidget | None) -> None:
        """Focus the widget, or its first control that takes Tab focus when it is a container."""
        if widget is None:
            return
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        for child in widget.findChildren(QWidget):
            if child.isVisible() and child.isEnabled() and child.focusPolicy() & Qt.FocusPolicy.TabFocus:
                child.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return

    def _show_theme(self, settings: Settings) -> None:
        action = self.theme_actions.get(settings.theme)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    # -- dialogs -----------------------------------------------------------------------------------------------
    def show_onboarding(self) -> OnboardingWizard:
        if self.onboarding is None:
            from imagestudio.ui.settings.onboarding import OnboardingWizard

            self.onboarding = OnboardingWizard(self._settings, self._account, self._tasks, self._window)
        self.onboarding.restart()
        self.onboarding.show()
        self.onboarding.raise_()
        self.onboarding.activateWindow()
        return self.onboarding

    def show_shortcuts(self) -> ShortcutsDialog:
        """Built from the actions of every window: this one, the viewer, compare and the mask painter."""
        from PySide6.QtGui import QImage

        from imagestudio.ui.dialogs.shortcuts_dialog import ShortcutsDialog
        from imagestudio.ui.prompt.mask_painter import MaskPainterDialog

        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.deleteLater()
        media = getattr(self._window, "media", None)
        others: list[tuple[str, QWidget]] = media.key_windows() if media is not None else []
        painter = MaskPainterDialog(QImage(8, 8, QImage.Format.Format_ARGB32), allow_markup=True)  # its keys only
        others.append((self.tr("Mask painter"), painter))
        self.shortcuts_dialog = ShortcutsDialog(self._window, others)  # rebuilt: actions may have changed
        painter.deleteLater()
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    def choose_preset(self) -> None:
        if self.picker is not None:
            self.picker.combo.setFocus()
            self.picker.combo.showPopup()

    def _current_prompt(self) -> tuple[str, dict[str, Any]]:
        editor: Any = getattr(self._window, "prompt_editor", None)
        if editor is None:
            return "", {}
        options = getattr(editor, "options", editor)
        values = {"quality": options.quality.currentData(), "output_format": options.output_format.currentData()}
        size = options.current_size() if hasattr(options, "current_size") else ""
        return editor.prompt.toPlainText().strip(), {**values, "size": size}

    def show_presets(self) -> PresetsDialog | None:
        if self._presets is None:
            return None
        if self.presets_dialog is None:
            from imagestudio.ui.settings.presets_dialog import PresetsDialog

            self.presets_dialog = PresetsDialog(self._presets, self._tasks, self._current_prompt, self._window)
        self.presets_dialog.show()
        self.presets_dialog.raise_()
        return self.presets_dialog

    def save_prompt_as_preset(self) -> None:
        dialog = self.show_presets()
        if dialog is not None:
            dialog.from_prompt_button.click()
