"""Core's messages (validation, provider errors, keys, budget) reach a Chinese interface in Chinese.

Core stays free of Qt: it marks templates with ``QT_TRANSLATE_NOOP`` and fills ``%1``…; the interface
translates the finished English text (``app/core_text.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import openai
import pytest
from PySide6.QtCore import QLocale, Qt

from imagestudio.app import i18n
from imagestudio.app.core_text import translate_message
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, TEMPLATES, fill
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.openai_errors import translate_exception
from imagestudio.core.secrets import KeyStore
from imagestudio.core.types import GenerationRequest, JobState
from imagestudio.main import compose
from tests.memory_keyring import MemoryKeyring
from tests.simulator import OpenAISimulator
from tools import translations

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("qm")
    translations.release(translations.TS, folder / "imagestudio_zh_CN.qm")
    return folder


@pytest.fixture
def chinese(qapp: Any, catalogue: Path) -> Iterator[None]:
    installed = i18n.install("zh_CN", ours=catalogue)
    yield
    installed.uninstall()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def test_fill_puts_arguments_in_order_and_only_once() -> None:
    assert fill("%2 before %1", "a", "b") == "b before a"
    assert fill("%1 and %2", "%2", "x") == "%2 and x"  # an argument's own %2 is not filled again
    assert QT_TRANSLATE_NOOP("CoreMessages", "Write a prompt first.") in TEMPLATES


def test_english_messages_are_unchanged_without_a_translation(qapp: Any) -> None:
    caps = Capabilities.load()
    with pytest.raises(InvalidRequest) as caught:
        caps.validate(GenerationRequest(prompt="x", model=caps.default_model, size="1000x1000"))
    assert "multiples of 16 (1000x1000 is not)" in caught.value.message
    assert translate_message(caught.value.message) == caught.value.message
    assert translate_message("text no template knows") == "text no template knows"


def _auth_error() -> openai.AuthenticationError:
    response = httpx.Response(401, request=httpx.Request("POST", "https://api.openai.com/v1/images/generations"))
    return openai.AuthenticationError("Incorrect API key provided", response=response, body=None)


def test_validation_and_provider_messages_in_chinese(chinese: None) -> None:
    caps = Capabilities.load()
    with pytest.raises(InvalidRequest) as caught:
        caps.validate(GenerationRequest(prompt="x", model=caps.default_model, size="1000x1000"))
    shown = translate_message(caught.value.message)
    # the model name and the size are kept, the words around them are Chinese (nested "%1: %2" too)
    assert shown == f"{caps.default_model}：两边都必须是 16 的倍数（1000x1000 不是）。"
    assert translate_message(str(translate_exception(_auth_error()))) == (
        "API 密钥被拒绝（401）。请在设置中检查或更换密钥。"
    )
    with pytest.raises(InvalidRequest) as caught:
        caps.validate(GenerationRequest(prompt="  ", model=caps.default_model))
    assert translate_message(caught.value.message) == "请先输入提示词。"


def test_chinese_window_shows_core_messages_in_chinese(
    qtbot: Any,
    paths: AppPaths,
    arun: Any,
    chinese: None,
    simulator: OpenAISimulator,
    memory_keyring: MemoryKeyring,
) -> None:
    parts = compose(paths, KeyStore(environ={}), demo_latency=0.05, language="zh_CN")
    try:
        parts.window.show()
        qtbot.waitExposed(parts.window)
        arun(parts.start())
        editor = parts.window.prompt_editor
        editor.size_box.setEditText("1000x1000")
        editor.prompt.setPlainText("a lighthouse")
        qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
        assert editor.error.isVisible() and "两边都必须是 16 的倍数" in editor.error.text()
        assert parts.controller.active_count() == 0

        memory_keyring.set_password("imagestudio", "api-key:custom", "sk-wrong-key-1234567890")
        parts.settings.update(provider="custom", base_url=simulator.base_url)
        editor.size_box.setEditText("1024x1024")
        qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(j.state is JobState.FAILED for j in parts.controller.jobs()), timeout=10000)
        job = next(j for j in parts.controller.jobs() if j.state is JobState.FAILED)
        assert "API 密钥被拒绝（401）" in parts.window.jobs_panel.row(job.id).message.text()
    finally:
        arun(parts.shutdown())
        parts.window.close()


def test_settings_warnings_in_chinese(chinese: None, tmp_path: Path) -> None:
    from imagestudio.core import settings as settings_io

    path = tmp_path / "settings.json"
    path.write_text('{"n": "lots", "theme": "dark"}', encoding="utf-8")
    [warning] = settings_io.load(path).warnings
    shown = translate_message(warning)
    assert shown == "设置项 'n' 的值无效；已使用默认值。\n原来的设置文件已保留为 settings.json.bak。"
    path.write_text("{not json", encoding="utf-8")
    [warning] = settings_io.load(path).warnings
    assert translate_message(warning) == "无法读取设置文件（JSONDecodeError）。\n原文件已保留为 settings.json.bad。"
