"""What a preset or "Reuse settings" changed in the prompt editor, said in a short notice.

``snapshot()`` reads the editor's shown settings as display words; ``describe()`` lists those that differ
("Quality: High", "Size: 1024×1024"); ``cleared()`` says which edit inputs were removed. Nothing is ever changed
silently: the prompt editor shows the sentence these build.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from imagestudio.ui.prompt.option_labels import option_label

translate = QCoreApplication.translate  # a literal context: lupdate and runtime agree


def _names() -> dict[str, str]:
    return {
        "model": translate("SettingChanges", "Model"),
        "quality": translate("SettingChanges", "Quality"),
        "size": translate("SettingChanges", "Size"),
        "n": translate("SettingChanges", "Images"),
        "output_format": translate("SettingChanges", "Format"),
        "background": translate("SettingChanges", "Background"),
    }


def snapshot(editor: Any) -> dict[str, str]:
    """The editor's model and basic options as the words a person reads (model label, "1024×1024", "High")."""
    options = getattr(editor, "options", editor)
    size = options.current_size() if hasattr(options, "current_size") else ""
    background = getattr(options, "background", None)
    values = {
        "model": editor.model.currentText(),
        "size": size.replace("x", "×") if size != "auto" else option_label("auto"),
        "quality": option_label(str(options.quality.currentData() or "auto")),
        "n": str(options.count.value()),
        "output_format": str(options.output_format.currentData() or "").upper(),
        "background": option_label(str(background.currentData() or "")) if background is not None else "",
    }
    if not values["background"]:
        values["background"] = translate("SettingChanges", "default")
    return values


def describe(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """ "Name: new value" for every setting that changed, in the editor's order."""
    names = _names()
    return [f"{names[key]}: {after[key]}" for key in names if before.get(key) != after.get(key)]


def cleared(images: int, mask: bool, markup: bool) -> str:
    """ "2 edit images and the mask" — what was removed from the edit inputs ("" when nothing)."""
    parts = [translate("SettingChanges", "%n edit image(s)", "", images)] if images else []
    if mask:
        parts.append(translate("SettingChanges", "the mask"))
    elif markup:
        parts.append(translate("SettingChanges", "the markup"))
    return (
        translate("SettingChanges", "%1 and %2").replace("%1", parts[0]).replace("%2", parts[1])
        if len(parts) == 2
        else "".join(parts)
    )


def preset_notice(name: str, changes: list[str], removed: str) -> str:
    """ "Preset 'Avatar' set Quality: High, Size: 1024×1024; cleared 2 edit images and the mask." """
    if changes:
        text = translate("SettingChanges", "Preset '%1' set %2").replace("%1", name).replace("%2", ", ".join(changes))
    else:
        text = translate("SettingChanges", "Preset '%1' filled the prompt; the settings were already right").replace(
            "%1", name
        )
    if removed:
        text += translate("SettingChanges", "; cleared %1 (a preset starts a new image, not an edit)").replace(
            "%1", removed
        )
    return text + "."


def reuse_notice(changes: list[str], kept: str) -> str:
    """ "Reused settings in a new draft: Quality: High. The previous draft keeps its 2 edit images." """
    if changes:
        text = translate("SettingChanges", "Reused settings in a new draft: %1.").replace("%1", ", ".join(changes))
    else:
        text = translate("SettingChanges", "Reused settings in a new draft (the same as before).")
    if kept:
        text += " " + translate(
            "SettingChanges", "No edit images or mask are reused; the previous draft keeps its %1."
        ).replace("%1", kept)
    return text
