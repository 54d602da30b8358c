"""Painting users' pictures (``scene.Picture``): shared by the PDF and PNG writers.

Contract: ``pdf_picture`` draws a picture on a reportlab canvas in a box given in PDF
coordinates: an SVG as vector paths (svglib's drawing, never an image XObject; in
CMYK mode every colour is converted to CMYK with the print writer's rule), a raster
as one image XObject (flattened over the page colour and converted to DeviceCMYK in
CMYK mode, with its transparency as a soft mask otherwise; a photo is stored as JPEG,
DCT, quality 90). ``raster_picture`` gives
the picture's pixels at an exact size (RGBA), what the PNG writer pastes: SVGs are
rasterised by pdfium from the same drawing, so screen and print show the same logo.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from typing import Any

from PIL import Image as PILImage

from affiches.color import Color
from affiches.scene import Picture


def _artwork(item: Picture) -> Any:
    from affiches.images.artwork import Artwork

    return Artwork(item.kind, item.data, item.width, item.height, item.name, item.opaque, item.digest)


def raster_picture(item: Picture, width: int, height: int) -> PILImage.Image:
    """The picture as an RGBA image of exactly ``width`` × ``height`` pixels."""
    width, height = max(1, width), max(1, height)
    if item.kind == "svg":
        from affiches.images.svg import svg_raster

        return svg_raster(_artwork(item), width, height)  # type: ignore[no-any-return]
    with PILImage.open(io.BytesIO(item.data), formats=["PNG"]) as source:
        picture = source.convert("RGBA")
    if picture.size != (width, height):
        picture = picture.resize((width, height), PILImage.Resampling.LANCZOS)
    return picture


def _cmyk_color(color: Color, convert: Callable[[Color], tuple[float, float, float, float]],
                alpha: float = 1.0) -> Any:
    from reportlab.lib import colors

    c, m, y, k = convert(color)
    return colors.CMYKColor(c, m, y, k, alpha=alpha)


def _cmyk_drawing(drawing: Any, convert: Callable[[Color], tuple[float, float, float, float]]) -> Any:
    """A copy of a reportlab drawing whose colours are all CMYK."""
    from reportlab.lib import colors

    drawing = copy.deepcopy(drawing)

    def fix(value: Any) -> Any:
        if isinstance(value, colors.Color) and not isinstance(value, colors.CMYKColor):
            return _cmyk_color(Color((value.red, value.green, value.blue)), convert, value.alpha)
        return value

    stack = [drawing]
    while stack:
        node = stack.pop()
        for attribute in ("fillColor", "strokeColor"):
            if hasattr(node, attribute):
                setattr(node, attribute, fix(getattr(node, attribute)))
        stack.extend(getattr(node, "contents", []) or [])
    return drawing


def pdf_picture(canvas: Any, item: Picture, x: float, y: float, *, cmyk: bool,
                background: Color, convert: Callable[[Color], tuple[float, float, float, float]]) -> None:
    """Draw ``item`` with its lower-left corner at (x, y) of the PDF space."""
    if item.kind == "svg":
        from reportlab.graphics import renderPDF

        from affiches.images.svg import svg_drawing

        drawing = svg_drawing(_artwork(item))
        if cmyk:
            drawing = _cmyk_drawing(drawing, convert)
            black: Any = _cmyk_color(Color((0, 0, 0)), convert)
        else:
            from reportlab.lib import colors

            drawing = copy.copy(drawing)
            black = colors.black
        # The renderer's initial state (read from the drawing's ``initial…`` attributes):
        # the canvas's own embedded font rather than an unembedded Helvetica, and black
        # in the page's colour space. Drawing validates attributes: set them directly.
        drawing.initialFontName = canvas._fontname
        drawing.__dict__["initialStrokeColor"] = black
        drawing.__dict__["initialFillColor"] = black
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(item.width / drawing.width, item.height / drawing.height)
        renderPDF.draw(drawing, canvas, 0, 0, showBoundary=False)
        canvas.restoreState()
        return
    from reportlab.lib.utils import ImageReader

    with PILImage.open(io.BytesIO(item.data), formats=["PNG"]) as source:
        picture = source.copy()
    if cmyk:  # no transparency in print files: flatten over the page colour
        if picture.mode == "RGBA":
            flat = PILImage.new("RGBA", picture.size, background.rgb255() + (255,))
            flat.alpha_composite(picture)
            picture = flat
        canvas.drawImage(ImageReader(picture.convert("CMYK")), x, y, item.width, item.height)
        return
    if item.role == "photo" and picture.mode == "RGB":  # a photograph: DCT, a third of Flate's size
        jpeg = io.BytesIO()
        picture.save(jpeg, format="JPEG", quality=90, subsampling="4:2:0")
        jpeg.seek(0)
        canvas.drawImage(ImageReader(jpeg), x, y, item.width, item.height)
        return
    canvas.drawImage(ImageReader(picture), x, y, item.width, item.height,
                     mask="auto" if picture.mode == "RGBA" else None)
