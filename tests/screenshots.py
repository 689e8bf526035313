"""`make screenshots`: the app with the demo provider and a few images, photographed on a screen of a given size.

Usage: python -m tests.screenshots OUTPUT_DIR [--screen WxH] [--main-only]

On an X server (``make screenshots`` runs one per size under Xvfb with openbox as the window manager) the main
window is photographed with the whole screen, title bar and all, as a person sees it; without a display it runs
offscreen on a screen of that size and grabs the window alone. The main window is taken in English/light and
Chinese/dark (``main-window-WxH[-zh_CN-dark].png``); unless ``--main-only``, the viewer (and its Refine tab after a
turn, and two lineage steps in the compare window), mask painter, Settings,
Getting started and Presets too, in four looks (``NAME[-zh_CN][-dark].png``), and ``main-window.png`` is the
English/light main window.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

PROMPTS = [
    "雪中的红狐狸在奔跑，电影感光线",
    "a lighthouse on a cliff at dusk, oil painting",
    "赛博朋克风格的夜晚街道，霓虹灯倒影",
    "a cosy reading nook with a cat, watercolour",
    "水墨山水，远山与小舟",
    "isometric game character, knight with a lantern",
    "a bowl of ramen seen from above",
    "desert dunes at noon, long shadows",
    "一只戴着宇航员头盔的橘猫",
]


#: the refine turn photographed in the viewer, per language
REFINE = {"en": "now make it dusk, keep the fox", "zh_CN": "现在变成黄昏，保留狐狸"}

#: (language, theme, file name suffix)
VARIANTS = [
    ("en", "light", ""),
    ("zh_CN", "dark", "-zh_CN-dark"),
    ("zh_CN", "light", "-zh_CN"),
    ("en", "dark", "-dark"),
]
#: the main window at each screen size: English/light and Chinese/dark
MAIN_VARIANTS = VARIANTS[:2]


def _first_original(parts: object) -> Path:
    """An original from the demo library (the mask painter paints over a real image)."""
    originals = sorted(Path(parts.paths.originals).rglob("*.*"))  # type: ignore[attr-defined]
    return originals[0]


def _parse(argv: list[str]) -> tuple[Path, tuple[int, int], bool]:
    out, screen, main_only = Path("docs/screenshots"), (1920, 1080), False
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--screen":
            w, h = rest.pop(0).lower().split("x")
            screen = (int(w), int(h))
        elif arg == "--main-only":
            main_only = True
        else:
            out = Path(arg)
    return out, screen, main_only


def main(argv: list[str]) -> int:
    out, screen, main_only = _parse(argv)
    on_x = bool(os.environ.get("DISPLAY")) and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb"
    if not on_x:  # offscreen, on a screen of the size asked for
        config = Path(tempfile.mkdtemp(prefix="imagestudio-screen-")) / "screen.json"
        config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": screen[0],
                                                   "height": screen[1]}]}))  # fmt: skip
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    import keyring
    import qasync
    from keyring.backends import fail
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QCursor, QImage, QPixmap
    from PySide6.QtWidgets import QApplication

    from imagestudio.app import i18n
    from imagestudio.core.paths import AppPaths
    from imagestudio.core.secrets import KeyStore
    from imagestudio.core.types import GenerationRequest, JobState
    from imagestudio.main import compose
    from imagestudio.ui.prompt.mask_painter import MaskPainterDialog

    keyring.set_keyring(fail.Keyring())  # never read a real key for a screenshot
    from tools import translations

    app = QApplication([])
    app.setStyle("Fusion")  # as run_gui does
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    out.mkdir(parents=True, exist_ok=True)
    qm_dir = Path(tempfile.mkdtemp(prefix="imagestudio-qm-"))
    translations.release(translations.TS, qm_dir / "imagestudio_zh_CN.qm")  # always today's .ts
    written: list[Path] = []
    size = f"{screen[0]}x{screen[1]}"

    async def settle(seconds: float) -> None:
        for _ in range(int(seconds * 20)):
            await asyncio.sleep(0.05)

    async def shoot(language: str, theme: str, suffix: str, main_window: bool, dialogs: bool) -> None:
        os.environ["IMAGESTUDIO_HOME"] = tempfile.mkdtemp(prefix="imagestudio-shots-")
        installed = i18n.install(language, ours=qm_dir)
        parts = compose(AppPaths.from_environment(), KeyStore(environ={}), demo_latency=0.2, language=language)
        parts.settings.update(theme=theme, onboarding_done=True)
        window = parts.window
        window.show()
        await parts.start()
        jobs = [parts.controller.submit(GenerationRequest(p, "gpt-image-2", "1024x1024")) for p in PROMPTS[1:]]
        while not all(j.state.finished for j in jobs):
            await asyncio.sleep(0.1)
        window.prompt_editor.prompt.setPlainText(PROMPTS[0])
        last = parts.controller.submit(GenerationRequest(PROMPTS[0], "gpt-image-2", "1536x1024"))
        while not last.state.finished:
            await asyncio.sleep(0.1)
        view = window.gallery.view
        view.viewport().repaint()  # ask for the visible thumbnails
        for _ in range(40):
            await asyncio.sleep(0.1)
            if len(parts.gallery_model._thumbs) >= min(len(jobs), 6):
                break
        assert all(j.state is JobState.DONE for j in [*jobs, last])
        shots: dict[str, QPixmap] = {}
        if main_window:
            await settle(1.0)
            if on_x:  # the pointer on the second tile: its favourite / open / more buttons show (no tooltip yet)
                tile = view.visualRect(parts.gallery_model.index(1))
                QCursor.setPos(view.viewport().mapToGlobal(tile.center() - QPoint(0, tile.height() // 4)))
                await settle(0.3)
            whole = app.primaryScreen().grabWindow(0) if on_x else window.grab()
            shots[f"main-window-{size}"] = whole
            if not main_only and suffix == "":
                shots["main-window"] = whole
            QCursor.setPos(QPoint(0, 0))
        if dialogs:
            window.show_settings()
            await settle(0.3)
            shots["settings"] = window.settings_dialog.grab()
            window.settings_dialog.close()
            media = window.media
            assert media is not None
            media.open_viewer(parts.gallery_model.image_id(0))
            viewer = media.viewer
            assert viewer is not None
            viewer.resize(1200, 800)
            await settle(3.0)  # the full image decodes on the CPU pool
            shots["viewer"] = viewer.grab()
            # a refine turn (the demo's), then the lineage's two steps side by side in the compare window
            root_id = viewer.current_id
            viewer.show_refine()
            viewer.refine.instruction.setPlainText(REFINE[language])
            viewer.refine.submit()
            while viewer.refine.busy:
                await asyncio.sleep(0.1)
            await settle(3.0)
            shots["refine"] = viewer.grab()
            viewer.side.setCurrentWidget(viewer.lineage)
            await settle(0.5)
            root_item = viewer.lineage.item_for(root_id) if root_id is not None else None
            if root_item is not None:
                root_item.setSelected(True)  # the second step (Ctrl+click in the tree)
                viewer.lineage.compare_selected()
                await settle(3.0)
                assert media.compare is not None
                shots["lineage-compare"] = media.compare.grab()
                media.compare.close()
            viewer.close()
            painter = MaskPainterDialog(QImage(str(_first_original(parts))), allow_markup=True, parent=window)
            painter.show()
            await settle(0.3)
            shots["mask-painter"] = painter.grab()
            painter.reject()
            wizard = window.menus.show_onboarding()
            wizard.resize(720, 540)
            await settle(0.3)
            shots["onboarding"] = wizard.grab()
            wizard.provider_page.openai.setChecked(True)
            wizard.next()  # the key page: how to get an OpenAI key
            await settle(0.3)
            shots["onboarding-key"] = wizard.grab()
            wizard.reject()
            dialog = window.menus.show_presets()
            assert dialog is not None
            await settle(0.3)
            shots["presets"] = dialog.grab()
            dialog.close()
        for name, pixmap in shots.items():
            path = out / f"{name}{suffix}.png"
            pixmap.save(str(path))
            written.append(path)
        await parts.shutdown()
        window.close()
        installed.uninstall()

    async def shoot_all() -> None:
        for variant in VARIANTS:
            main_window = variant in MAIN_VARIANTS
            if main_window or not main_only:
                await shoot(*variant, main_window=main_window, dialogs=not main_only)

    with loop:
        loop.run_until_complete(shoot_all())
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
