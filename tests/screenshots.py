"""`make screenshots`: offscreen grabs of the main window with the demo provider and a few images.

Usage: python -m tests.screenshots OUTPUT_DIR
"""

from __future__ import annotations

import asyncio
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
]


#: (language, theme, file name suffix): every screenshot in English and Chinese, light and dark
VARIANTS = [
    ("en", "light", ""),
    ("zh_CN", "light", "-zh_CN"),
    ("en", "dark", "-dark"),
    ("zh_CN", "dark", "-zh_CN-dark"),
]


def _first_original(parts: object) -> Path:
    """An original from the demo library (the mask painter paints over a real image)."""
    originals = sorted(Path(parts.paths.originals).rglob("*.*"))  # type: ignore[attr-defined]
    return originals[0]


def main(out_dir: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import keyring
    import qasync
    from keyring.backends import fail
    from PySide6.QtGui import QImage
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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    qm_dir = Path(tempfile.mkdtemp(prefix="imagestudio-qm-"))
    translations.release(translations.TS, qm_dir / "imagestudio_zh_CN.qm")  # always today's .ts
    written: list[Path] = []

    async def shoot(language: str, theme: str, suffix: str) -> None:
        os.environ["IMAGESTUDIO_HOME"] = tempfile.mkdtemp(prefix="imagestudio-shots-")
        installed = i18n.install(language, ours=qm_dir)
        parts = compose(AppPaths.from_environment(), KeyStore(environ={}), demo_latency=0.2, language=language)
        parts.settings.update(theme=theme)
        parts.window.resize(1400, 900)
        parts.window.show()
        await parts.start()
        jobs = [parts.controller.submit(GenerationRequest(p, "gpt-image-2", "1024x1024")) for p in PROMPTS[:-1]]
        while not all(j.state.finished for j in jobs):
            await asyncio.sleep(0.1)
        parts.window.prompt_editor.prompt.setPlainText(PROMPTS[-1])
        parts.controller.submit(GenerationRequest(PROMPTS[-1], "gpt-image-2", "1536x1024"))
        await asyncio.sleep(0.1)
        parts.window.gallery.view.viewport().repaint()  # ask for the visible thumbnails
        for _ in range(30):
            await asyncio.sleep(0.1)
            if len(parts.gallery_model._thumbs) >= len(jobs):
                break
        await asyncio.sleep(0.3)
        shots = {"main-window": parts.window.grab()}
        assert all(j.state is JobState.DONE for j in jobs)
        shots["settings"] = parts.window.settings_pane.grab()
        media = parts.window.media
        assert media is not None
        media.open_viewer(parts.gallery_model.image_id(0))
        viewer = media.viewer
        assert viewer is not None
        viewer.resize(1200, 800)
        for _ in range(30):  # the full image decodes on the CPU pool
            await asyncio.sleep(0.1)
        shots["viewer"] = viewer.grab()
        viewer.close()
        painter = MaskPainterDialog(QImage(str(_first_original(parts))), allow_markup=True, parent=parts.window)
        painter.show()
        await asyncio.sleep(0.2)
        shots["mask-painter"] = painter.grab()
        painter.reject()
        wizard = parts.window.menus.show_onboarding()
        wizard.resize(720, 540)
        await asyncio.sleep(0.2)
        shots["onboarding"] = wizard.grab()
        wizard.provider_page.openai.setChecked(True)
        wizard.next()  # the key page: how to get an OpenAI key
        await asyncio.sleep(0.2)
        shots["onboarding-key"] = wizard.grab()
        wizard.reject()
        dialog = parts.window.menus.show_presets()
        assert dialog is not None
        await asyncio.sleep(0.2)
        shots["presets"] = dialog.grab()
        dialog.close()
        for name, pixmap in shots.items():
            path = out / f"{name}{suffix}.png"
            pixmap.save(str(path))
            written.append(path)
        await parts.shutdown()
        parts.window.close()
        installed.uninstall()

    async def shoot_all() -> None:
        for variant in VARIANTS:
            await shoot(*variant)

    with loop:
        loop.run_until_complete(shoot_all())
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
