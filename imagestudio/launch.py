"""What the command line asks for: a CLI command, the window (nothing, or only Qt's own options), or a mistake.

Imported by ``main`` before anything else decides: no Qt, no core, nothing that slows the window's start.
"""

from __future__ import annotations

CLI_WORDS = ("generate", "edit", "refine", "ledger", "key", "library", "batch", "queue", "--version", "-h", "--help")
# Qt's own command-line options (qt6options(7), QApplication): the window opens with these or with nothing at all.
# Anything else is the command line's to answer: a mistyped command says so and exits 2 instead of opening a
# window, which would hang a script on a machine without a display.
QT_OPTIONS = frozenset(
    {
        "style", "stylesheet", "widgetcount", "reverse", "qmljsdebugger", "platform", "platformpluginpath",
        "platformtheme", "plugin", "qwindowgeometry", "qwindowicon", "qwindowtitle", "session", "display",
        "geometry", "dialogs", "fontengine", "nograb", "dograb", "sync", "name", "visual", "ncols", "cmap", "im",
    }
)  # fmt: skip
QT_FLAGS = frozenset({"widgetcount", "reverse", "nograb", "dograb", "sync"})  # the rest take a value


def opens_window(args: list[str]) -> bool:
    """No arguments, or only Qt's own options (``-platform offscreen``, ``-style=fusion``, ``-reverse``…)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-psn_"):  # the process serial number macOS Finder adds to an app it starts
            i += 1
            continue
        name, has_value = arg.removeprefix("-").removeprefix("-"), "=" in arg
        name = name.partition("=")[0]
        if not arg.startswith("-") or name not in QT_OPTIONS:
            return False
        i += 1 if name in QT_FLAGS or has_value else 2
    return True
