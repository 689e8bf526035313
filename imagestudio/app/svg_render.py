"""SVG drawn safely into a raster, on any thread but never on the GUI thread's paint path.

Only ``core.svg.for_rendering``'s copy is given to Qt's renderer: every reference to a local file or the network
is gone (``<image href="/home/…/secret.png">`` draws nothing), and a document over the element budget is not
drawn at all (a 190k-element SVG took 14 s a paint). The raster is bounded in pixels. Callers cache the result:
the viewer draws this QImage, never the vectors, so a paint costs what a bitmap costs.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer, QtSvg

from imagestudio.core.files import svg

MAX_RASTER_SIDE = 4096


def render_svg(data: bytes, max_side: int, *, enlarge: bool = True) -> QImage:
    """The drawing ``max_side`` px on its long edge (``enlarge=False``: its own size when that is smaller),
    transparent background; a null QImage when it cannot or must not be drawn. Safe off the GUI thread."""
    safe = svg.for_rendering(data)
    if safe is None:
        return QImage()
    renderer = QSvgRenderer()
    renderer.setOptions(QtSvg.Option.DisableAnimations)
    if not renderer.load(QByteArray(safe)) or not renderer.isValid():
        return QImage()
    size = renderer.defaultSize()
    if size.isEmpty():
        size = QSize(svg.DEFAULT_SIZE, svg.DEFAULT_SIZE)
    side = max(1, min(max_side, MAX_RASTER_SIDE))
    if enlarge or size.width() > side or size.height() > side:
        size = size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)
    image = QImage(size.expandedTo(QSize(1, 1)), QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        return image
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(image.rect()))
    finally:
        painter.end()
    return image


def svg_thumbnail_jpeg(data: bytes) -> bytes | None:
    """A library thumbnail: the same JPEG over a checkerboard as Pillow's for raster images; for an SVG that
    must not or cannot be drawn (over budget, invalid for Qt) the empty checkerboard, so it is not "missing"."""
    from PIL import Image

    from imagestudio.core.files import imageio

    image = render_svg(data, imageio.THUMB_EDGE)
    if image.isNull():
        return imageio.placeholder_thumbnail()
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    frame = Image.frombuffer(
        "RGBA", (image.width(), image.height()), bytes(image.constBits()), "raw", "RGBA", image.bytesPerLine(), 1
    )
    return imageio.thumbnail_jpeg(frame, True)


class HeadlessSvgThumbnailer:
    """``svg_thumbnail_jpeg`` for the CLI: Qt's renderer needs a QGuiApplication (fonts), so the first SVG
    creates an offscreen one (no display needed); a process that never meets an SVG never imports Qt. Only the
    main thread may create it: elsewhere, with none yet, there is no thumbnail (``library check --repair``
    makes it later)."""

    def __init__(self) -> None:
        self._app: object | None = None

    def __call__(self, data: bytes) -> bytes | None:
        import threading

        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.instance() is None:
            if threading.current_thread() is not threading.main_thread():
                return None
            self._app = QGuiApplication(["imagestudio", "-platform", "offscreen"])
        return svg_thumbnail_jpeg(data)
