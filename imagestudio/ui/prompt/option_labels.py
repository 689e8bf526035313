"""Display labels for the API's option values (quality, background, moderation, complexity).

The combo boxes keep the API value as item data and show these words, so a Chinese interface says 高 / 透明
while the request still sends ``high`` / ``transparent``. Unknown values (a new model's) are shown as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def option_label(value: str) -> str:
    """The interface's word for an option value from ``resources/models.json``."""
    labels = {
        "auto": QCoreApplication.translate("OptionLabels", "Automatic"),
        "none": QCoreApplication.translate("OptionLabels", "None"),
        "minimal": QCoreApplication.translate("OptionLabels", "Minimal"),
        "low": QCoreApplication.translate("OptionLabels", "Low"),
        "medium": QCoreApplication.translate("OptionLabels", "Medium"),
        "high": QCoreApplication.translate("OptionLabels", "High"),
        "xhigh": QCoreApplication.translate("OptionLabels", "Extra high"),
        "max": QCoreApplication.translate("OptionLabels", "Maximum"),
        "opaque": QCoreApplication.translate("OptionLabels", "Opaque"),
        "transparent": QCoreApplication.translate("OptionLabels", "Transparent"),
    }
    return labels.get(value, value)


def provider_label(value: str) -> str:
    """The interface's name for a built-in provider ("demo" → 演示 in Chinese); a profile's own name as it is."""
    labels = {
        "demo": QCoreApplication.translate("OptionLabels", "Demo"),
        "openai": "OpenAI",
        "custom": QCoreApplication.translate("OptionLabels", "Custom server"),
    }
    return labels.get(value, value)
