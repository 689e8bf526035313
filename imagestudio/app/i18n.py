"""Which language the interface speaks: our own ``.qm`` plus Qt's ``qtbase`` translation for standard dialogs.

The language follows the system locale unless the settings say otherwise. It is chosen once at start-up,
before any widget exists (widgets translate their texts when they are built), so a change in the settings
takes effect at the next start. Dates, numbers and money are formatted with the default ``QLocale``,
which is set to match the chosen language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QLibraryInfo, QLocale, QTranslator

from imagestudio.core.paths import resources_dir

log = logging.getLogger(__name__)

#: Interface languages we ship, by settings value; names are written in their own language on purpose.
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
#: The base name of our catalogue: ``imagestudio_zh_CN.qm`` in ``resources/translations``.
CATALOGUE = "imagestudio"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def resolve_language(setting: str, system: QLocale | None = None) -> str:
    """The language to use: the setting when it names one we ship, otherwise what the system asks for."""
    if setting in LANGUAGES:
        return setting
    locale = system or QLocale.system()
    # Any Chinese locale gets Simplified Chinese: closer than English for zh_TW/zh_HK readers too.
    for name in [locale.name(), *locale.uiLanguages()]:
        if name.replace("-", "_").lower().startswith("zh"):
            return "zh_CN"
    return "en"


@dataclass
class InstalledLanguage:
    """What ``install`` did; the translators must stay referenced for as long as they are installed."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # catalogues that could not be loaded (logged, not fatal)

    def uninstall(self) -> None:
        for translator in self.translators:
            QCoreApplication.removeTranslator(translator)
        self.translators.clear()


def install(
    setting: str,
    *,
    ours: Path | None = None,
    qt_translations: Path | None = None,
    system: QLocale | None = None,
) -> InstalledLanguage:
    """Install the translators for ``setting`` ("system", "en" or "zh_CN") and set the default QLocale.

    A missing catalogue is logged and leaves those strings in English; it never stops the app.
    """
    system = system or QLocale.system()
    language = resolve_language(setting, system)
    result = InstalledLanguage(language)
    if language == "en":
        # English words, but the person's own country conventions for dates and numbers
        QLocale.setDefault(QLocale(QLocale.Language.English, system.territory()))
        return result
    QLocale.setDefault(QLocale(language))
    qt_dir = qt_translations or Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for base, folder in ((f"qtbase_{language}", qt_dir), (f"{CATALOGUE}_{language}", ours or translations_dir())):
        translator = QTranslator()
        if translator.load(base, str(folder)) and QCoreApplication.installTranslator(translator):
            result.translators.append(translator)
        else:
            log.warning("translation %s not found in %s; those texts stay in English", base, folder)
            result.missing.append(base)
    return result


# -- formatting through QLocale (the default locale set by ``install``) -----------------------------------
def format_usd(amount: float) -> str:
    """Money in US dollars (what the API bills in), with the locale's digits and separators."""
    decimals = 2 if abs(amount) >= 0.01 or amount == 0 else 4
    locale = QLocale()
    if locale.language() == QLocale.Language.C:  # the C locale puts the symbol last ("0.00$")
        return f"${amount:,.{decimals}f}"
    return locale.toCurrencyString(amount, "$", decimals)


def format_number(value: float, decimals: int = 0) -> str:
    return QLocale().toString(float(value), "f", decimals)


def format_datetime(value: datetime) -> str:
    """A local date and time in the locale's short format, e.g. ``2025/3/4 14:05`` in Chinese."""
    moment = QDateTime.fromSecsSinceEpoch(int(value.timestamp()))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)
