"""Text from outside (prompts, imported metadata, file names, server messages) is shown as plain text.

Qt guesses rich text for a QLabel in ``AutoText`` and for every tooltip (``Qt::mightBeRichText``): a prompt that
starts with ``<img src="/home/me/secret.png">`` would draw that local file. Labels that show such text are made
``PlainText`` with ``plain()``; ``PlainToolTips``, installed once on the application, shows every tooltip (widget
tooltips and the ``ToolTipRole`` of item views alike) as the literal text it holds. The app's own tooltips are
plain sentences, so nothing is lost.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QHelpEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QToolTip, QWidget


def plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_notification(text: str) -> str:
    """For desktop notifications (some servers render a markup subset, ``<img>`` included): no tags left."""
    return text.replace("<", "‹").replace(">", "›").replace("&", "＆")


def escaped(text: str) -> str:
    """Rich text that shows ``text`` literally (line breaks kept)."""
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


class PlainToolTips(QObject):
    """An application event filter: a tooltip's text is shown escaped, whatever it contains."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ToolTip or not isinstance(watched, QWidget) or not isinstance(event, QHelpEvent):
            return False
        text = ""
        view = watched.parent()
        if isinstance(view, QAbstractItemView) and view.viewport() is watched:
            index = view.indexAt(event.pos())
            value = index.data(Qt.ItemDataRole.ToolTipRole) if index.isValid() else None
            text = value if isinstance(value, str) else ""
        else:
            text = watched.toolTip()
        if not text:
            QToolTip.hideText()
            event.ignore()
            return True
        QToolTip.showText(event.globalPos(), escaped(text), watched)
        return True


def install_plain_tooltips() -> None:
    """Once per application (the window calls it when it is populated)."""
    app = QApplication.instance()
    if app is not None and app.findChild(PlainToolTips) is None:
        app.installEventFilter(PlainToolTips(app))
