"""The composition root: the one place that builds objects and wires them together. No singletons."""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imagestudio import APP_ID, APP_NAME, __version__
from imagestudio.core.paths import AppPaths, resources_dir
from imagestudio.launch import CLI_WORDS, opens_window

# Only what the empty window needs is imported at the top: everything else loads after it is on screen
# (bench P1: process start → window shown within 1.3× a bare PySide6 QMainWindow).
if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from imagestudio.app.account import AccountService
    from imagestudio.app.controller import GenerationController
    from imagestudio.app.dragdrop import ExportSession
    from imagestudio.app.gallery_model import GalleryModel
    from imagestudio.app.library_service import LibraryService
    from imagestudio.app.presets import PresetService
    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.app.tasks import TaskOwner
    from imagestudio.app.theme import ThemeManager
    from imagestudio.app.watch_service import WatchService
    from imagestudio.core import settings as settings_io
    from imagestudio.core.clock import Clock
    from imagestudio.core.providers.base import ImageProvider
    from imagestudio.core.secrets import KeyStore
    from imagestudio.ui.main_window import MainWindow
    from imagestudio.ui.watch_menu import WatchFoldersUi

# packaging/smoke_test.sh sets it to 1: the installed app quits (exit 0) once its main window is on screen.
SMOKE_TEST_ENV = "IMAGESTUDIO_SMOKE_TEST"


@dataclass
class Composition:
    paths: AppPaths
    keys: KeyStore
    tasks: TaskOwner
    settings: SettingsStore
    library: LibraryService
    controller: GenerationController
    account: AccountService
    gallery_model: GalleryModel
    window: MainWindow
    warnings: list[str]
    theme: ThemeManager | None = None  # follows the system's light/dark scheme unless overridden
    presets: PresetService | None = None
    #: files offered by drags and Ctrl+C; deleted at exit, never when a drag ends (targets may read later)
    export_session: ExportSession | None = None
    watch: WatchService | None = None  # watch folders: the start-up scan, then polling (app/watch_service.py)
    watch_ui: WatchFoldersUi | None = None

    async def start(self) -> None:
        """After the window is shown: key status (may touch the keyring), first gallery page."""
        from imagestudio.core.secrets import KeySource

        status = await self.account.refresh_status()
        if self.settings.current.provider == "openai" and status.source is KeySource.NONE and not status.problem:
            self.settings.update(provider="demo")  # no key: open with the offline demo provider
        await self.gallery_model.reload()
        if self.window.gallery.sidebar is not None:
            await self.window.gallery.sidebar.reload()
        await self.controller.start()  # the job queue: interrupted jobs are resumed or asked about
        if self.watch is not None:
            self.watch.start()  # files that arrived in watched folders while the app was closed, then polling
        if self.presets is not None:
            self.warnings.extend(await self.presets.load())
        from imagestudio.app.core_text import translate_message

        if self.warnings:  # settings, presets: all of them, in the interface language
            shown = "  ".join(translate_message(w).replace("\n", " ") for w in self.warnings)
            self.window.statusBar().showMessage(shown, 20000)

    async def shutdown(self) -> None:
        """Cancel and drain every task, save settings, close the library."""
        await self.controller.shutdown()
        await self.window.prompt_editor.flush_drafts()  # what was being written survives the restart
        if self.watch is not None:
            self.watch.stop()
        await self.tasks.drain()
        await self.settings.flush()
        self.library.shutdown()
        if self.export_session is not None:
            self.export_session.cleanup()


def compose(
    paths: AppPaths,
    keys: KeyStore,
    *,
    demo_latency: float = 0.8,
    loaded: settings_io.LoadedSettings | None = None,
    language: str = "en",
    window: MainWindow | None = None,
    theme: ThemeManager | None = None,
    clock: Clock | None = None,
) -> Composition:
    """Build the whole GUI app. Needs a QApplication and a running qasync loop.

    ``loaded``: settings already read by ``run_gui`` (for the language); ``language``: the one installed;
    ``window`` and ``theme``: the empty main window already on screen and the palette it was shown with.
    """
    from PySide6.QtGui import QGuiApplication

    from imagestudio.app.account import AccountService
    from imagestudio.app.controller import GenerationController
    from imagestudio.app.dragdrop import ExportSession
    from imagestudio.app.export_prefs import ExportPrefs
    from imagestudio.app.gallery_model import GalleryModel
    from imagestudio.app.image_loader import ImageLoader
    from imagestudio.app.library_actions import LibraryActions
    from imagestudio.app.library_service import LibraryService, svg_thumbnail
    from imagestudio.app.presets import PresetService
    from imagestudio.app.profile_service import ProfileService
    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.app.studio import StudioService
    from imagestudio.app.tasks import TaskOwner
    from imagestudio.app.theme import ThemeManager
    from imagestudio.app.thumbcache import ThumbnailCache
    from imagestudio.core import settings as settings_io
    from imagestudio.core.capabilities import Capabilities
    from imagestudio.core.clock import SystemClock, local_date
    from imagestudio.core.install_id import safety_identifier
    from imagestudio.core.library.library import Library
    from imagestudio.core.money.ledger import Ledger
    from imagestudio.core.providers.factory import make_provider
    from imagestudio.core.providers.openai_batch import batch_api_of
    from imagestudio.core.queue.jobs import profile_of, settings_for_profile
    from imagestudio.ui.main_window import MainWindow
    from imagestudio.ui.viewer.viewer_services import ViewerServices

    paths.ensure()
    loaded = loaded or settings_io.load(paths.settings_file)
    tasks = TaskOwner()
    clock = clock or SystemClock()  # the one wall clock: tests pass a FixedClock
    capabilities = Capabilities.load(today=local_date(clock))
    settings = SettingsStore(paths.settings_file, loaded.settings, tasks)
    library = LibraryService(Library(paths, clock, svg_thumbnailer=svg_thumbnail))
    ledger = Ledger(paths.data, clock)

    def provider_factory() -> ImageProvider:
        return make_provider(settings.current, keys, demo_latency=demo_latency, config_dir=paths.config)

    def job_provider(profile: str, base_url: str) -> ImageProvider:
        job_settings = settings_for_profile(settings.current, profile, base_url)
        return make_provider(  # not prepared here: the controller shares one prepared client per configuration
            job_settings, keys, demo_latency=demo_latency, ledger=ledger, capabilities=capabilities,
            config_dir=paths.config,
        )  # fmt: skip

    controller = GenerationController(
        capabilities,
        job_provider,
        library,
        tasks,
        current_profile=lambda: profile_of(settings.current),
        concurrency=lambda: settings.current.queue_concurrency,
        resume_mode=lambda: settings.current.resume_interrupted,
        start_paused=lambda: settings.current.queue_paused,
        batch_api=lambda p, b: batch_api_of(job_provider(p, b)), batch_folder=paths.data / "batches", ledger=ledger,
        budget=lambda: settings.current.monthly_budget_usd,
    )  # fmt: skip
    account = AccountService(keys, settings, provider_factory)
    profiles = ProfileService(paths.config, keys, settings, demo_latency=demo_latency)
    thumbs = ThumbnailCache(library, tasks)
    gallery_model = GalleryModel(library, thumbs, tasks)
    # a streaming job's latest partial is its placeholder on top of the gallery until its images land
    controller.jobPreview.connect(gallery_model.show_partial)
    controller.jobFinished.connect(lambda job: gallery_model.job_finished(job.id))
    library_actions = LibraryActions(library, tasks)

    def metered_provider() -> ImageProvider:  # enhancement and "Refresh models"; costs go to the ledger
        return make_provider(
            settings.current, keys, demo_latency=demo_latency, ledger=ledger, capabilities=capabilities,
            config_dir=paths.config,
        )  # fmt: skip

    studio = StudioService(
        capabilities, settings, metered_provider, ledger, tasks, paths.cache / "edit-inputs",
        safety_identifier(paths.config), lookup=library.get_many, config_dir=paths.config,
    )  # fmt: skip
    presets = PresetService(paths.config, language)
    export_session = ExportSession(paths.cache, clock)
    from imagestudio.app.refiner import Refiner

    refiner = Refiner(controller, settings, capabilities, safety_identifier(paths.config))
    viewer = ViewerServices(
        ImageLoader(library), tasks, export_session, capabilities, ExportPrefs(paths.config / "export.json", tasks),
        refiner,
    )  # fmt: skip
    app = QGuiApplication.instance()
    if theme is None and isinstance(app, QGuiApplication):
        theme = ThemeManager(app, settings.current.theme)
    if theme is not None:
        theme.follow(settings)
    if window is None:
        window = MainWindow()
        window.restore_geometry(settings.current.window_geometry)
    window.populate(
        capabilities=capabilities,
        settings=settings,
        controller=controller,
        account=account,
        gallery_model=gallery_model,
        tasks=tasks,
        library_actions=library_actions,
        studio=studio,
        presets=presets,
        viewer=viewer,
        profiles=profiles,
    )
    from imagestudio.ui.settings.refine_box import RefineBox

    window.settings_pane.add_section(RefineBox(settings, capabilities))  # Settings → Refine in conversation
    from imagestudio.app.watch_service import WatchService
    from imagestudio.ui.watch_menu import WatchFoldersUi

    watch = WatchService(library, tasks)  # File → Watch folders…, Settings → Watch folders, status-bar notices
    watch_ui = WatchFoldersUi(window, watch, tasks, window.file_menu)
    window.settings_pane.add_section(watch_ui.settings_box())
    # while the person writes a prompt the SDK loads and the client is built, not after Generate (bench P6)
    window.prompt_editor.prompt.textChanged.connect(controller.warm_up)
    parts = Composition(
        paths, keys, tasks, settings, library, controller, account, gallery_model, window, loaded.warnings
    )
    parts.theme, parts.presets = theme, presets
    parts.export_session, parts.watch, parts.watch_ui = export_session, watch, watch_ui
    return parts


def run_gui(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    paths = AppPaths.from_environment().ensure()
    app = QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # quitting goes through Composition.shutdown
    app.setStyle("Fusion")  # our palettes (app/theme.py) apply fully only to Fusion
    from imagestudio.app.gc_guard import GuiThreadCollector

    GuiThreadCollector(app).install()  # cycles holding Qt objects are freed on this thread only (app/gc_guard.py)
    theme_mode, geometry = _first_frame_settings(paths.settings_file)
    from imagestudio.app.single_instance import InstanceLock, already_running_message

    instance = InstanceLock(paths.data)  # one GUI per library (the CLI may still run alongside)
    if not instance.acquire():
        from PySide6.QtWidgets import QMessageBox

        from imagestudio.app import i18n
        from imagestudio.core import settings as settings_io

        i18n.install(settings_io.load(paths.settings_file).settings.language)
        QMessageBox.information(None, "imagestudio", already_running_message(instance.holder()))
        return 1
    from imagestudio.app.theme import ThemeManager
    from imagestudio.ui.main_window import MainWindow

    # The empty window goes on screen first, in the right palette and size; the panes, the event loop and the
    # library follow while it is already there (they take ~0.25 s, most of it importing modules).
    theme = ThemeManager(app, theme_mode)
    window = MainWindow()
    window.restore_geometry(geometry)
    _show_painted(app, window)

    import asyncio
    import sqlite3

    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon

    from imagestudio.app import i18n
    from imagestudio.core import logsetup
    from imagestudio.core import settings as settings_io
    from imagestudio.core.secrets import KeyStore

    keys = KeyStore()
    logsetup.configure(paths.logs, keys.redactor)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "imagestudio.svg")))
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loaded = settings_io.load(paths.settings_file)  # checked, with warnings and backups of what was unusable
    language = i18n.install(loaded.settings.language)  # before the panes: they translate their texts as built
    try:
        parts = compose(paths, keys, loaded=loaded, language=language.language, window=window, theme=theme)
    except (sqlite3.DatabaseError, OSError, RuntimeError) as e:  # damaged, newer or unreadable library
        window.hide()
        instance.release()
        from imagestudio.ui.dialogs.library_error import cannot_open_library

        return cannot_open_library(paths.data, e)

    import signal

    # Ctrl+C in the terminal closes the window like the user would; the timer lets Python see the signal
    signal.signal(signal.SIGINT, lambda *_: parts.window.close())
    wakeup = QTimer()
    wakeup.start(250)
    wakeup.timeout.connect(lambda: None)

    async def lifetime() -> None:
        closed = asyncio.Event()
        parts.window.closed.connect(closed.set)
        await parts.start()
        # start-up's long-lived objects (Qt wrappers, modules) leave the collector's generations: full
        # collections no longer walk them, which would pause every thread, the GUI's included, for ~35 ms
        gc.freeze()
        # A worker running Python (Pillow's decoders, the HTTP thread's SDK) gives the GIL up to the GUI thread
        # after 1 ms instead of 5: a repaint needs it several times (bench P2: worst stall ~18 → ~13 ms)
        sys.setswitchinterval(0.001)
        if not parts.settings.current.onboarding_done and os.environ.get(SMOKE_TEST_ENV) != "1":
            parts.window.menus.show_onboarding()  # first run: choose a provider, add a key or try the demo
        if os.environ.get(SMOKE_TEST_ENV) == "1":
            await _close_once_exposed(parts)
        await closed.wait()
        await parts.shutdown()

    with loop:
        loop.run_until_complete(lifetime())
    instance.release()
    return 0


def _first_frame_settings(path: Path) -> tuple[str, str]:
    """The theme and window geometry for the empty frame, read before ``core.settings`` and its checks load (the
    frame need not wait for them). Only a hint: ``settings.load`` reads, checks and reports the file properly."""
    import json

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return "system", ""
    if not isinstance(raw, dict):
        return "system", ""
    theme, geometry = raw.get("theme"), raw.get("window_geometry")
    return (
        theme if theme in ("light", "dark") else "system",
        geometry if isinstance(geometry, str) and geometry.isascii() else "",  # Qt ignores bytes it did not write
    )


def _show_painted(app: QApplication, window: MainWindow) -> None:
    """Show the window and return once it is exposed and painted (or after 1 s, whichever is first)."""
    import time

    from PySide6.QtCore import QEventLoop

    window.show()
    deadline = time.monotonic() + 1.0
    while not ((handle := window.windowHandle()) and handle.isExposed()) and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    app.processEvents()  # the first paint


async def _close_once_exposed(parts: Composition) -> None:
    """Installed-build smoke test: wait until the window is really exposed, say so, close it the normal way."""
    import asyncio

    while (handle := parts.window.windowHandle()) is None or not handle.isExposed():
        await asyncio.sleep(0.05)
    icon = "ok" if not parts.window.windowIcon().pixmap(32, 32).isNull() else "missing"  # SVG support is bundled
    if sys.stdout is not None:  # a windowed Windows build has no stdout
        rows = parts.gallery_model.rowCount()
        print(f"smoke test: main window shown; gallery holds {rows} images; icon {icon}", flush=True)
    parts.window.close()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if (args and args[0] in CLI_WORDS) or not opens_window(args):
        from imagestudio import cli

        return cli.run(args)
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
