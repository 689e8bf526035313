"""Light and dark palettes that follow the system colour scheme, switch live, and can be overridden.

The palettes are our own (with the Fusion style set in ``main.py``) so their contrast is known: every text
colour passes WCAG AA (4.5:1) against the backgrounds it is drawn on, checked in tests/test_theme.py.
``setColorScheme`` is also passed on to Qt so native window frames follow an override where the platform can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

if TYPE_CHECKING:  # not at run time: the palette is applied before the window shows, before asyncio loads
    from PySide6.QtCore import Qt  # its first import builds ~100 enums (≈15 ms): after the window shows

    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.core.settings import Settings

THEMES = ("system", "light", "dark")


class ThemeColors(NamedTuple):  # not a dataclass: made before the window shows, and a tuple is 1 ms cheaper
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    placeholder: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    link: str
    tooltip_base: str
    tooltip_text: str
    disabled_text: str
    light: str
    mid: str
    dark: str
    #: for messages that need a colour of their own (always with a symbol or words too, never colour alone)
    error_text: str
    warning_background: str
    warning_text: str


LIGHT = ThemeColors(
    window="#f3f3f3", window_text="#1b1b1b", base="#ffffff", alternate_base="#f0f2f5", text="#1b1b1b",
    placeholder="#5c6066", button="#e6e6e6", button_text="#1b1b1b", highlight="#0b57d0", highlighted_text="#ffffff",
    link="#0b57d0", tooltip_base="#2b2b2b", tooltip_text="#ffffff", disabled_text="#6e6e6e", light="#ffffff",
    mid="#b8b8b8", dark="#8a8a8a", error_text="#b3261e", warning_background="#fff4ce", warning_text="#3d2e00",
)  # fmt: skip
DARK = ThemeColors(
    window="#1f2023", window_text="#e6e6e6", base="#2a2b2f", alternate_base="#313237", text="#e6e6e6",
    placeholder="#a3a7ad", button="#3a3b40", button_text="#ececec", highlight="#2f62c7", highlighted_text="#ffffff",
    link="#8ab4f8", tooltip_base="#e6e6e6", tooltip_text="#1b1b1b", disabled_text="#8c8f94", light="#4a4b50",
    mid="#2e2f33", dark="#151618", error_text="#ffb4ab", warning_background="#4a3b00", warning_text="#ffe08a",
)  # fmt: skip


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21; AA asks for 4.5 for body text."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def colors_for(scheme: str) -> ThemeColors:
    return DARK if scheme == "dark" else LIGHT


def make_palette(c: ThemeColors) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.window_text,
        QPalette.ColorRole.Base: c.base,
        QPalette.ColorRole.AlternateBase: c.alternate_base,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.PlaceholderText: c.placeholder,
        QPalette.ColorRole.Button: c.button,
        QPalette.ColorRole.ButtonText: c.button_text,
        QPalette.ColorRole.BrightText: c.error_text,
        QPalette.ColorRole.Highlight: c.highlight,
        QPalette.ColorRole.HighlightedText: c.highlighted_text,
        QPalette.ColorRole.Link: c.link,
        QPalette.ColorRole.LinkVisited: c.link,
        QPalette.ColorRole.ToolTipBase: c.tooltip_base,
        QPalette.ColorRole.ToolTipText: c.tooltip_text,
        QPalette.ColorRole.Light: c.light,
        QPalette.ColorRole.Midlight: c.light,
        QPalette.ColorRole.Mid: c.mid,
        QPalette.ColorRole.Dark: c.dark,
        QPalette.ColorRole.Shadow: c.dark,
    }
    for role, value in roles.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.disabled_text))
    # a disabled field is greyed like the window behind it, not a white box that looks ready for typing
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(c.window))
    # an inactive window keeps a readable selection instead of Fusion's washed-out default
    p.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor(c.highlight))
    p.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.HighlightedText, QColor(c.highlighted_text))
    return p


class ThemeManager(QObject):
    """Applies the palette for the ``theme`` setting and follows the system while it is "system".

    Made with the mode read from the settings file before the window shows (no flash of the wrong palette);
    ``follow`` then ties it to the live settings once they exist.
    """

    #: "light" or "dark" after every change of the palette actually in use.
    schemeChanged = Signal(str)

    def __init__(self, app: QGuiApplication, mode: str) -> None:
        super().__init__()
        self._app = app
        self.mode = ""
        # A first guess before the window shows, from the platform's own palette (dark desktops give a dark
        # one); ``follow`` asks Qt's colour scheme properly once the window is on screen.
        guess = "dark" if app.palette().color(QPalette.ColorRole.Window).lightness() < 128 else "light"
        self.scheme = ""
        self._apply(mode if mode in ("light", "dark") else guess)

    def follow(self, settings: SettingsStore) -> None:
        self._app.styleHints().colorSchemeChanged.connect(self._system_changed)
        settings.changed.connect(self._settings_changed)
        self.set_mode(settings.current.theme)

    @property
    def colors(self) -> ThemeColors:
        return colors_for(self.scheme)

    def system_scheme(self) -> str:
        from PySide6.QtCore import Qt

        return "dark" if self._app.styleHints().colorScheme() is Qt.ColorScheme.Dark else "light"

    def set_mode(self, mode: str) -> None:
        mode = mode if mode in THEMES else "system"
        if mode == self.mode:
            return
        self.mode = mode
        from PySide6.QtCore import Qt

        hints = self._app.styleHints()
        if mode == "system":
            hints.unsetColorScheme()
            self._apply(self.system_scheme())
        else:
            hints.setColorScheme(Qt.ColorScheme.Dark if mode == "dark" else Qt.ColorScheme.Light)
            self._apply(mode)

    def _settings_changed(self, settings: Settings) -> None:
        self.set_mode(settings.theme)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            self._apply(self.system_scheme())

    def _apply(self, scheme: str) -> None:
        if scheme == self.scheme:
            return
        self.scheme = scheme
        self._app.setPalette(make_palette(colors_for(scheme)))
        self.schemeChanged.emit(scheme)
