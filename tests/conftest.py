"""Shared fixtures: isolated app home, in-memory keyring, the loopback OpenAI simulator, and one
session-wide qasync loop on top of pytest-qt's QApplication (never stopped between tests)."""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import os
import sys
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import keyring
import pytest

from imagestudio.core.paths import AppPaths
from tests.memory_keyring import MemoryKeyring
from tests.simulator import OpenAISimulator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
T = TypeVar("T")


_CRASH_STREAM = pytest.StashKey[Any]()


def pytest_configure(config: pytest.Config) -> None:
    # A native crash prints only the crashing thread's stack (all threads' would push it out of a CI log's
    # excerpt); the Makefile turns pytest's own faulthandler (all threads) off. A copy of stderr: pytest captures
    # fd 2 while tests run.
    config.stash[_CRASH_STREAM] = crash_stream = os.fdopen(os.dup(sys.__stderr__.fileno()), "w")
    faulthandler.enable(file=crash_stream, all_threads=False)


def pytest_unconfigure(config: pytest.Config) -> None:
    faulthandler.disable()
    config.stash[_CRASH_STREAM].close()


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    """``IMAGESTUDIO_TEST_TRACE=FILE``: the test running now, so that .ci/run can name it when pytest dies."""
    trace = os.environ.get("IMAGESTUDIO_TEST_TRACE")
    if trace:
        with open(trace, "w", encoding="utf-8") as f:
            f.write(nodeid + "\n")


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """No test touches the real keyring or a real key in the environment."""
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "home"
    monkeypatch.setenv("IMAGESTUDIO_HOME", str(root))
    return root


@pytest.fixture
def paths(home: Path) -> AppPaths:
    return AppPaths.from_environment().ensure()


@pytest.fixture
def simulator() -> Iterator[OpenAISimulator]:
    with OpenAISimulator() as sim:
        yield sim


#: The session's GuiThreadCollector, once a test has started the Qt loop (see ``qloop``).
_COLLECTOR: list[Any] = []


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """As in the app (app/gc_guard.py), cycles are collected on this thread only: at the end of every test, and
    from the collector's timer while Qt's loop spins."""
    yield
    if _COLLECTOR:
        _COLLECTOR[0].check()


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    import qasync

    from imagestudio.app.gc_guard import GuiThreadCollector

    collector = GuiThreadCollector(qapp)
    collector.install()
    _COLLECTOR.append(collector)
    loop = qasync.QEventLoop(qapp, already_running=True)
    # qasync's own default executor runs QThreads that Qt would destroy still running at exit
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-default")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)
    collector.uninstall()


@pytest.fixture
def arun(qloop: asyncio.AbstractEventLoop, qtbot: Any) -> Any:
    """Run a coroutine on the Qt-driven loop, spinning Qt events until it finishes."""

    def run(coro: Coroutine[Any, Any, T], timeout: float = 15.0) -> T:
        task = asyncio.ensure_future(coro, loop=qloop)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return run


@pytest.fixture
def make_app(paths: AppPaths, qloop: Any, qtbot: Any, arun: Any) -> Iterator[Any]:
    """Build the real app (``imagestudio.main.compose``) with the demo provider's latency cut short, show its
    window and start it; every app built is shut down and closed after the test."""
    from imagestudio.core.secrets import KeyStore
    from imagestudio.main import Composition, compose

    started: list[Composition] = []

    def make(**options: Any) -> Composition:  # e.g. clock=FixedClock(…)
        parts = compose(paths, KeyStore(environ={}), demo_latency=0.05, **options)
        parts.window.show()
        qtbot.waitExposed(parts.window)
        arun(parts.start())
        started.append(parts)
        return parts

    yield make
    for parts in started:
        if not parts.tasks.closing:
            arun(parts.shutdown())
        parts.window.close()
    started.clear()
    gc.collect()  # the windows and their parts go now, on this thread, not in some later test
