"""Themes: WCAG AA contrast in both palettes, live switching, following the system, the override in settings."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette

from imagestudio.app.theme import DARK, LIGHT, ThemeColors, ThemeManager, contrast_ratio, make_palette

pytestmark = pytest.mark.gui
AA = 4.5  # normal text
#: (text, background) pairs that are drawn together
TEXT_ON = [
    ("window_text", "window"),
    ("window_text", "alternate_base"),
    ("text", "base"),
    ("text", "alternate_base"),
    ("placeholder", "base"),
    ("button_text", "button"),
    ("highlighted_text", "highlight"),
    ("link", "base"),
    ("link", "window"),
    ("tooltip_text", "tooltip_base"),
    ("error_text", "window"),
    ("error_text", "base"),
    ("warning_text", "warning_background"),
]


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey


@pytest.mark.parametrize("colors", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_colour_passes_wcag_aa(colors: ThemeColors) -> None:
    failing = {
        f"{fg} on {bg}": round(contrast_ratio(getattr(colors, fg), getattr(colors, bg)), 2)
        for fg, bg in TEXT_ON
        if contrast_ratio(getattr(colors, fg), getattr(colors, bg)) < AA
    }
    assert failing == {}
    # disabled text is exempt from AA but must stay legible
    for bg in ("window", "base", "button"):
        assert contrast_ratio(colors.disabled_text, getattr(colors, bg)) >= 3.0


@pytest.mark.parametrize("colors", [LIGHT, DARK], ids=["light", "dark"])
def test_the_qpalette_carries_the_checked_colours(colors: ThemeColors) -> None:
    palette = make_palette(colors)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        fg = palette.color(group, QPalette.ColorRole.Text).name()
        bg = palette.color(group, QPalette.ColorRole.Base).name()
        assert contrast_ratio(fg, bg) >= AA
        sel = palette.color(group, QPalette.ColorRole.HighlightedText).name()
        assert contrast_ratio(sel, palette.color(group, QPalette.ColorRole.Highlight).name()) >= AA
    assert set(ThemeColors._fields) >= {fg for fg, _ in TEXT_ON}


@pytest.mark.parametrize("colors", [LIGHT, DARK], ids=["light", "dark"])
def test_a_disabled_field_looks_disabled(colors: ThemeColors) -> None:
    palette = make_palette(colors)
    disabled_base = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base).name()
    assert disabled_base != palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base).name()
    disabled_text = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text).name()
    assert contrast_ratio(disabled_text, disabled_base) >= 3.0  # greyed, still legible


def test_theme_switches_live_from_settings_and_view_menu(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    app = QGuiApplication.instance()
    assert isinstance(parts.theme, ThemeManager)
    parts.settings.update(theme="dark")
    assert app.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    assert parts.theme.scheme == "dark"
    # widgets follow through Qt's ApplicationPaletteChange event
    qtbot.waitUntil(
        lambda: parts.window.prompt_editor.prompt.palette().color(QPalette.ColorRole.Base).name() == DARK.base
    )
    assert parts.window.menus.theme_actions["dark"].isChecked()
    parts.window.menus.theme_actions["light"].trigger()
    assert parts.settings.current.theme == "light"
    assert app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window
    appearance = parts.window.settings_pane.appearance
    assert appearance.theme.currentData() == "light"  # the settings pane shows the same choice
    appearance.theme.setCurrentIndex(appearance.theme.findData("dark"))
    assert parts.theme.scheme == "dark"
    parts.settings.update(theme="system")


def test_following_the_system_scheme_changes_live(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_app()
    theme = parts.theme
    parts.settings.update(theme="system")
    app = QGuiApplication.instance()
    system = {"scheme": "light"}
    monkeypatch.setattr(theme, "system_scheme", lambda: system["scheme"])
    system["scheme"] = "dark"
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what Qt emits when the desktop switches
    assert theme.scheme == "dark"
    assert app.palette().color(QPalette.ColorRole.Window).name() == DARK.window
    parts.settings.update(theme="light")  # an override ignores the system
    system["scheme"] = "dark"
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.scheme == "light"
    parts.settings.update(theme="system")
