"""Shared fixtures: isolated app home, in-memory keyring, the loopback OpenAI simulator, and one
session-wide qasync loop on top of pytest-qt's QApplication (never stopped between tests)."""

from __future__ import annotations

import asyncio
import os
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


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    # qasync's own default executor runs QThreads that Qt would destroy still running at exit
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-default")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)


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

    def make() -> Composition:
        parts = compose(paths, KeyStore(environ={}), demo_latency=0.05)
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
