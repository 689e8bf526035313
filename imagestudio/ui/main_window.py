"""Main window: prompt editor + jobs | gallery (most of the width), a banner for key and keyring problems;
Settings open in their own window (File → Settings…, Ctrl+,, the banner)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow

# Only the frame's own classes at the top: the panes, and even the Qt classes they use, are imported by populate(),
# so the empty frame is on screen before they load (bench P1: each PySide6 class is built on first use).
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QResizeEvent
    from PySide6.QtWidgets import QWidget

    from imagestudio.app.account import AccountService
    from imagestudio.app.controller import GenerationController, Job
    from imagestudio.app.gallery_model import GalleryModel
    from imagestudio.app.library_actions import LibraryActions
    from imagestudio.app.presets import PresetService
    from imagestudio.app.profile_service import ProfileService
    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.app.studio import StudioService
    from imagestudio.app.tasks import TaskOwner
    from imagestudio.core.capabilities import Capabilities
    from imagestudio.core.secrets import KeyStatus
    from imagestudio.core.settings import Settings
    from imagestudio.core.types import GenerationRequest
    from imagestudio.ui.app_menus import AppMenus
    from imagestudio.ui.banner import Banner
    from imagestudio.ui.gallery.gallery import GalleryPane
    from imagestudio.ui.jobs.job_notifier import JobNotifier
    from imagestudio.ui.jobs.jobs_panel import JobsPanel
    from imagestudio.ui.prompt.prompt_editor import PromptEditor
    from imagestudio.ui.settings.budget_box import BudgetBox
    from imagestudio.ui.settings.profiles_box import ProfilesBox
    from imagestudio.ui.settings.settings_dialog import SettingsDialog
    from imagestudio.ui.settings.settings_pane import SettingsPane
    from imagestudio.ui.status_bar import StatusFeedback
    from imagestudio.ui.viewer.media_actions import MediaActions
    from imagestudio.ui.viewer.viewer_services import ViewerServices


class MainWindow(QMainWindow):
    #: Emitted once when the person closes the window; main.py then drains tasks and quits.
    closed = Signal()

    prompt_editor: PromptEditor
    jobs_panel: JobsPanel
    gallery: GalleryPane
    settings_pane: SettingsPane
    settings_dialog: SettingsDialog
    budget_box: BudgetBox
    profiles_box: ProfilesBox | None
    banner: Banner
    menus: AppMenus
    notifier: JobNotifier
    media: MediaActions | None
    feedback: StatusFeedback

    def __init__(self) -> None:
        """The empty frame, cheap enough to be on screen before the panes' modules load; ``populate`` fills it."""
        super().__init__()
        self.setWindowTitle("imagestudio")
        self.populated = False
        self.fit_to_screen()

    def fit_to_screen(self, width: int = 1600, height: int = 1000) -> None:
        """At most ``width``×``height``, and never more than the screen's free area (a 1366×768 laptop gets a
        window that fits it whole, title bar included), centred in it."""
        screen = self.screen()
        if screen is None:
            self.resize(width, height)
            return
        room = screen.availableGeometry()
        # the frame (title bar, borders) is not known before the window is shown: leave room for a usual one
        w, h = min(width, room.width() - 8), min(height, room.height() - 36)
        self.resize(w, h)
        self.move(room.x() + (room.width() - w) // 2, room.y() + max(0, (room.height() - h - 36) // 2))

    def restore_geometry(self, saved: str) -> None:
        """Size, place and maximised state as when last closed, shrunk and moved onto the screen there is now
        (a window saved on a larger monitor)."""
        if not saved:
            return
        from PySide6.QtCore import QByteArray

        if not self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii"))) or self.isMaximized():
            return
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if self.width() > room.width() - 8 or self.height() > room.height() - 36:
            self.fit_to_screen(min(self.width(), room.width()), min(self.height(), room.height()))
        elif not room.intersects(self.geometry()):
            self.move(room.topLeft())

    def populate(
        self,
        *,
        capabilities: Capabilities,
        settings: SettingsStore,
        controller: GenerationController,
        account: AccountService,
        gallery_model: GalleryModel,
        tasks: TaskOwner,
        library_actions: LibraryActions | None = None,
        presets: PresetService | None = None,
        studio: StudioService | None = None,
        viewer: ViewerServices | None = None,
        profiles: ProfileService | None = None,
    ) -> None:
        from PySide6.QtCore import QByteArray, Qt, QTimer
        from PySide6.QtGui import QAction
        from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

        from imagestudio.core.money.pricing import estimate_request
        from imagestudio.ui.app_menus import AppMenus
        from imagestudio.ui.banner import Banner
        from imagestudio.ui.gallery.gallery import GalleryPane
        from imagestudio.ui.jobs.job_notifier import JobNotifier, ask_quit_mode
        from imagestudio.ui.jobs.jobs_panel import JobsPanel
        from imagestudio.ui.prompt.cost_label import CostLabel
        from imagestudio.ui.prompt.prompt_editor import PromptEditor
        from imagestudio.ui.settings.budget_box import BudgetBox
        from imagestudio.ui.settings.profiles_box import ProfilesBox
        from imagestudio.ui.settings.settings_dialog import SettingsDialog
        from imagestudio.ui.settings.settings_pane import SettingsPane
        from imagestudio.ui.status_bar import StatusFeedback
        from imagestudio.ui.viewer.media_actions import MediaActions

        self._settings = settings
        self._controller = controller
        self._key_status: KeyStatus | None = None

        self.prompt_editor = PromptEditor(capabilities, settings, studio)
        # the figure beside Generate: core/money/pricing.py's estimate, ~30 µs of arithmetic, for the models offered now
        self.prompt_editor.estimator.estimate = lambda request: estimate_request(
            studio.capabilities if studio is not None else capabilities, request
        ).label()
        self.prompt_editor.estimator.refresh()
        self.jobs_panel = JobsPanel(controller, settings)
        self.gallery = GalleryPane(gallery_model, library_actions, tasks)
        self.gallery.search.filters.set_models([m.id for m in capabilities.models()])
        if library_actions is not None:
            library_actions.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.settings_pane = SettingsPane(settings, account, tasks)
        #: Settings in their own window: the gallery gets the width (File → Settings…, Ctrl+,, the banner)
        self.settings_dialog = SettingsDialog(self.settings_pane, self)
        #: Settings → Budget (monthly budget, this month's spend)
        self.budget_box = BudgetBox(settings, studio)
        self.settings_pane.add_section(self.budget_box)
        #: Settings → Provider profile (active profile, Profiles… dialog)
        self.profiles_box = ProfilesBox(profiles, tasks) if profiles is not None else None
        if self.profiles_box is not None:
            self.settings_pane.add_section(self.profiles_box)
        self.banner = Banner()
        self.banner.action.clicked.connect(self._banner_action)

        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("promptAndJobs")
        left.addWidget(self.prompt_editor)  # its form scrolls; Generate and the estimate stay in view below it
        left.addWidget(self.jobs_panel)
        left.setCollapsible(0, False)
        left.setStretchFactor(0, 0)  # height gained or lost (a banner shown or gone) is the jobs list's
        left.setStretchFactor(1, 1)
        panes = QSplitter(Qt.Orientation.Horizontal)
        panes.setObjectName("panes")
        panes.addWidget(left)
        panes.addWidget(self.gallery)
        panes.setCollapsible(1, False)
        panes.setStretchFactor(0, 0)  # a wider window widens the gallery, not the form
        panes.setStretchFactor(1, 1)
        self._panes, self._left = panes, left
        #: which dividers the person has placed (or a saved layout restored): those keep their place
        self._placed = {"panes": False, "left": False}
        if settings.current.panes_state:
            self._placed["panes"] = panes.restoreState(QByteArray.fromBase64(settings.current.panes_state.encode()))
        panes.splitterMoved.connect(lambda *_: self._placed.update(panes=True))
        left.splitterMoved.connect(lambda *_: self._placed.update(left=True))
        # after the splitters have taken their new size (they share it out by stretch when they get it)
        self._panes_later = QTimer(self)
        self._panes_later.setSingleShot(True)
        self._panes_later.timeout.connect(self._default_panes)
        self.prompt_editor.inputs.changed.connect(self._panes_later.start)  # edit inputs shown: the form grew
        self._default_panes()
        self.gallery.view.set_thumb_size(settings.current.thumb_size)
        self.gallery.view.thumbSizeChanged.connect(lambda edge: settings.update(thumb_size=edge))

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.banner)
        column.addWidget(panes, 1)
        self.setCentralWidget(central)
        self._build_menus()
        if self.profiles_box is not None:
            profiles_action = QAction(self.tr("Provider &profiles…"), self)
            profiles_action.triggered.connect(self.profiles_box.show_dialog)
            self.file_menu.insertAction(self.file_menu.actions()[0], profiles_action)
        #: View (panes, theme), Presets (toolbar + menu), Help → Keyboard shortcuts / Getting started
        self.menus = AppMenus(
            self, self.help_menu, settings=settings, account=account, tasks=tasks, capabilities=capabilities,
            presets=presets,
        )  # fmt: skip
        self.notifier = JobNotifier(self, controller)
        #: viewer, compare, export, copy/paste, drag-out of the gallery (ui/viewer/media_actions.py)
        self.media = MediaActions(self, self.gallery, gallery_model, viewer) if viewer is not None else None
        if self.media is not None:
            self.media.install_menus(self.menuBar())
        #: asks what to do with unfinished jobs on quit (tests replace it)
        self.ask_quit = ask_quit_mode
        self._quit_when_idle = False
        controller.countsChanged.connect(self._quit_if_idle)
        controller.pausedChanged.connect(lambda _paused: self._quit_if_idle())

        self.prompt_editor.generateRequested.connect(self.submit)
        controller.jobChanged.connect(self._job_changed)
        settings.changed.connect(self._settings_changed)
        account.keyStatusChanged.connect(self._key_status_changed)
        self.statusBar().showMessage(self.tr("Ready"))
        #: jobs count, import/check progress with Cancel, notifications, File → Check library… (ui/status_bar.py)
        self.feedback = StatusFeedback(self, controller, library_actions, tasks, self.file_menu)
        if (gallery_menu := getattr(self.gallery, "menu", None)) is not None:
            gallery_menu.notify = self.feedback.notifications.show_message
        if studio is not None:
            self.cost_label = CostLabel(studio, controller.jobChanged)
            self.statusBar().addPermanentWidget(self.cost_label)
        self.populated = True
        self._panes_later.start()  # again once laid out: the form's height is known only then

    def _default_panes(self) -> None:
        """Dividers nobody has moved keep the default shares at any window size: the form column about a quarter
        of the width (at most 440 px, at least what it needs), the gallery the rest; the form whole when it fits
        in three quarters of the height, the jobs list below it the rest."""
        if not self._placed["panes"]:
            form_width = max(self._left.minimumSizeHint().width(), min(440, self.width() * 27 // 100))
            self._panes.setSizes([form_width, max(1, self._panes.width() - form_width)])
        if not self._placed["left"]:
            height = self._left.height() if self._left.isVisible() else self.height() - 160  # before the layout
            form = min(self.prompt_editor.preferred_height(), 3 * height // 4)
            self._left.setSizes([form, max(1, height - form)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.populated:
            self._panes_later.start()

    def _build_menus(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        file_menu = self.file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setObjectName("openSettings")
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(lambda _checked=False: self.show_settings())
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setObjectName("quit")  # the File menu's last item: others insert above it
        # the platform's Quit key, or Ctrl+Q where it has none (Windows, some Linux desktops)
        quit_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")])
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        if self.gallery.sidebar is not None:  # the library's actions: Del, Ctrl+Z, F, Ctrl+F, import
            self.gallery.add_menu_actions(file_menu, self.menuBar().addMenu(self.tr("&Edit")))
        help_menu = self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About imagestudio"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def show_settings(self, field: QWidget | None = None) -> None:
        """The Settings window, in front, with ``field`` (else the provider) focused."""
        self.settings_dialog.open_at(field)

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from imagestudio import __version__

        QMessageBox.about(
            self,
            self.tr("About imagestudio"),
            self.tr("imagestudio %1\nMake and keep images with the OpenAI Images API.").replace("%1", __version__),
        )

    # -- actions ---------------------------------------------------------------------------------
    def submit(self, request: GenerationRequest) -> None:
        from imagestudio.core.errors import InvalidRequest

        try:
            self._controller.submit(request)
        except InvalidRequest as e:
            self.prompt_editor.show_error(e.message)
            return
        self.statusBar().showMessage(self.tr("Job queued"), 3000)

    def _job_changed(self, job: Job) -> None:
        from imagestudio.app.core_text import translate_message
        from imagestudio.core.types import JobState

        if job.state is JobState.FAILED and job.error:
            self.statusBar().showMessage(translate_message(job.error), 10000)
        elif job.state is JobState.DONE:
            self.statusBar().showMessage(self.tr("Job %1 finished").replace("%1", str(job.id)), 5000)

    # -- banner ----------------------------------------------------------------------------------
    def _settings_changed(self, _settings: Settings) -> None:
        self._refresh_banner()

    def _key_status_changed(self, status: KeyStatus) -> None:
        self._key_status = status
        self._refresh_banner()

    def _refresh_banner(self) -> None:
        from imagestudio.app.core_text import translate_message
        from imagestudio.core.secrets import KeySource

        status, provider = self._key_status, self._settings.current.provider
        if status is None:
            return
        if status.problem:
            self.banner.text.setText(translate_message(status.problem))
            self.banner.action.setText(self.tr("Settings"))
            self.banner.show()
        elif provider == "demo" and status.source is KeySource.NONE:
            self.banner.text.setText(
                self.tr(
                    "No API key yet: you are using the offline demo provider (free; images are marked DEMO). "
                    "Paste an OpenAI key in Settings to make real images."
                )
            )
            self.banner.action.setText(self.tr("Add key…"))
            self.banner.show()
        elif provider != "demo" and status.source is KeySource.NONE:
            self.banner.text.setText(self.tr("No API key is set for this provider."))
            self.banner.action.setText(self.tr("Use the demo provider"))
            self.banner.show()
        elif not status.keyring_available and status.source is not KeySource.ENVIRONMENT:
            self.banner.text.setText(
                self.tr("No secure system keyring was found: your key is kept for this session only.")
            )
            self.banner.action.setText(self.tr("Settings"))
            self.banner.show()
        else:
            self.banner.hide()

    def _banner_action(self) -> None:
        if self.banner.action.text() == self.tr("Use the demo provider"):
            index = self.settings_pane.provider.findData("demo")
            self.settings_pane.provider.setCurrentIndex(index)
        else:  # Settings, Add key…: the key field, in the Settings window
            self.show_settings(self.settings_pane.key)

    def _quit_if_idle(self, running: int | None = None, waiting: int | None = None) -> None:
        """After "Wait, then quit": close once nothing runs and nothing waits that could still start — jobs
        waiting in a paused queue never start, so they stay queued for next time instead of holding the quit."""
        if not self._quit_when_idle:
            return
        running = self._controller.running_count() if running is None else running
        waiting = self._controller.active_count() - running if waiting is None else waiting
        if not running and (not waiting or self._controller.paused):
            self._controller.quit_mode = "leave"
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.populated:  # closed in the fraction of a second before the panes exist: nothing to save yet
            event.ignore()
            return
        running = self._controller.running_count()
        waiting = self._controller.active_count() - running
        if (running or waiting) and not self._quit_when_idle and not self._controller.closed:
            choice = self.ask_quit(self, running, waiting, paused=self._controller.paused)
            if choice == "resume-wait":
                self._controller.set_paused(False)
                choice = "wait"
            if choice in ("wait", "stay"):
                self._quit_when_idle = choice == "wait"
                if self._quit_when_idle:
                    paused = self._controller.paused
                    self.statusBar().showMessage(
                        self.tr("Quitting when the running jobs have finished; the waiting ones stay queued…")
                        if paused else self.tr("Quitting when the jobs have finished…")
                    )  # fmt: skip
                    from PySide6.QtCore import QTimer

                    QTimer.singleShot(0, self._quit_if_idle)  # nothing may be left that can finish
                event.ignore()
                return
            self._controller.quit_mode = "cancel" if choice == "cancel" else "leave"
        if not self._controller.closed:  # the next start opens the window as it is now
            self._settings.update(
                window_geometry=bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
                panes_state=bytes(self._panes.saveState().toBase64().data()).decode("ascii"),
            )
        self.closed.emit()
        event.accept()
