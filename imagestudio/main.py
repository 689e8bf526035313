"""The composition root: the one place that builds objects and wires them together. No singletons."""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imagestudio import APP_ID, APP_NAME, __version__
from imagestudio.core import logsetup
from imagestudio.core import settings as settings_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import make_provider
from imagestudio.core.secrets import KeySource, KeyStore

if TYPE_CHECKING:
    from imagestudio.app.account import AccountService
    from imagestudio.app.controller import GenerationController
    from imagestudio.app.gallery_model import GalleryModel
    from imagestudio.app.library_service import LibraryService
    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.app.tasks import TaskOwner
    from imagestudio.ui.main_window import MainWindow

CLI_WORDS = ("generate", "key", "--version", "-h", "--help")


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

    async def start(self) -> None:
        """After the window is shown: key status (may touch the keyring), first gallery page."""
        status = await self.account.refresh_status()
        if self.settings.current.provider == "openai" and status.source is KeySource.NONE and not status.problem:
            self.settings.update(provider="demo")  # no key: open with the offline demo provider
        await self.gallery_model.reload()
        for warning in self.warnings:
            self.window.statusBar().showMessage(warning, 15000)

    async def shutdown(self) -> None:
        """Cancel and drain every task, save settings, close the library."""
        await self.controller.shutdown()
        await self.tasks.drain()
        await self.settings.flush()
        self.library.shutdown()


def compose(paths: AppPaths, keys: KeyStore, *, demo_latency: float = 0.8) -> Composition:
    """Build the whole GUI app. Needs a QApplication and a running qasync loop."""
    from imagestudio.app.account import AccountService
    from imagestudio.app.controller import GenerationController
    from imagestudio.app.gallery_model import GalleryModel
    from imagestudio.app.library_service import LibraryService
    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.app.tasks import TaskOwner
    from imagestudio.app.thumbcache import ThumbnailCache
    from imagestudio.ui.main_window import MainWindow

    paths.ensure()
    loaded = settings_io.load(paths.settings_file)
    tasks = TaskOwner()
    capabilities = Capabilities.load()
    settings = SettingsStore(paths.settings_file, loaded.settings, tasks)
    library = LibraryService(Library(paths))

    def provider_factory() -> ImageProvider:
        return make_provider(settings.current, keys, demo_latency=demo_latency)

    controller = GenerationController(capabilities, provider_factory, library, tasks)
    account = AccountService(keys, settings, provider_factory)
    thumbs = ThumbnailCache(library, tasks)
    gallery_model = GalleryModel(library, thumbs, tasks)
    window = MainWindow(
        capabilities=capabilities,
        settings=settings,
        controller=controller,
        account=account,
        gallery_model=gallery_model,
        tasks=tasks,
    )
    return Composition(
        paths, keys, tasks, settings, library, controller, account, gallery_model, window, loaded.warnings
    )


def run_gui(argv: list[str]) -> int:
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    paths = AppPaths.from_environment().ensure()
    keys = KeyStore()
    logsetup.configure(paths.logs, keys.redactor)
    app = QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setQuitOnLastWindowClosed(False)  # quitting goes through Composition.shutdown
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    parts = compose(paths, keys)

    # Ctrl+C in the terminal closes the window like the user would; the timer lets Python see the signal
    signal.signal(signal.SIGINT, lambda *_: parts.window.close())
    wakeup = QTimer()
    wakeup.start(250)
    wakeup.timeout.connect(lambda: None)

    async def lifetime() -> None:
        closed = asyncio.Event()
        parts.window.closed.connect(closed.set)
        parts.window.show()
        await parts.start()
        await closed.wait()
        await parts.shutdown()

    with loop:
        loop.run_until_complete(lifetime())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in CLI_WORDS:
        from imagestudio import cli

        return cli.run(args)
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
