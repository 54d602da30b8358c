"""Design checks for the medium: safe area of printed pages, smallest readable sizes.

Contract: like every check of ``gabarits.checks`` (registered in ``DESIGN_CHECKS``),
each function takes a ``Layout`` and returns ``(key path, message)`` pairs.

- ``safe_area_problems``: on a print layout (unit mm or pt), every content block
  (text, QR code, image) lies at least ``SAFE_MARGIN_MM`` inside the trim, because the
  cut wanders by a millimetre or two and a 3 mm bleed is cut off. On a round sticker
  (a layout whose first shape is an ellipse covering the page: the die-cut line),
  the margin is measured inside that disc.
- ``size_problems``: a text's smallest size (``taille_min``) is at least
  ``MIN_PRINT_PT`` on paper and ``MIN_SCREEN_PX`` on screen visuals (pixels: the
  1080-pixel square, the banner), small type being the first thing lost when a
  visual is shown as a thumbnail.
"""

from __future__ import annotations

import math
from typing import Any

from affiches.gabarits.model import Box, Layout, ShapeBlock, TextBlock
from affiches.scene import MM

SAFE_MARGIN_MM = 5.0
MIN_PRINT_PT = 8.0
MIN_SCREEN_PX = 24.0

Found = list[tuple[tuple[Any, ...], str]]


def _mm(value: float) -> str:
    text = f"{value:.1f}"
    return (text[:-2] if text.endswith(".0") else text).replace(".", ",")


def _die_cut(layout: Layout) -> Box | None:
    """The disc a round sticker is cut along: an ellipse shape covering the page's middle."""
    for block in layout.blocks:
        if isinstance(block, ShapeBlock) and block.shape == "ellipse" and block.page == 1:
            box = block.box
            if box.width >= 0.8 * layout.width and box.height >= 0.8 * layout.height:
                return box
    return None


def _inside_disc(disc: Box, box: Box) -> float:
    """Smallest distance (layout units) from the box's corners to the disc's edge."""
    cx, cy = disc.x + disc.width / 2, disc.y + disc.height / 2
    radius = min(disc.width, disc.height) / 2
    corners = [
        (box.x, box.y),
        (box.x + box.width, box.y),
        (box.x, box.y + box.height),
        (box.x + box.width, box.y + box.height),
    ]
    return min(radius - math.hypot(x - cx, y - cy) for x, y in corners)


def safe_area_problems(layout: Layout) -> Found:
    if layout.unit not in ("mm", "pt"):
        return []
    margin = SAFE_MARGIN_MM * MM / layout.to_pt  # in layout units
    disc = _die_cut(layout)
    found: Found = []
    for block in layout.blocks:
        if not block.is_content:
            continue
        box = block.box
        if disc is not None and block.page == 1:
            distance = _inside_disc(disc, box)
            where = "du bord de découpe du disque"
        else:
            distance = min(box.x, box.y, layout.width - box.x - box.width,
                           layout.height - box.y - box.height)
            where = "du bord de coupe"
        if distance < margin - 1e-9:
            found.append(
                (
                    ("blocs", block.index, "boite"),
                    f"à {_mm(distance * layout.to_pt / MM)} mm {where} : gardez le texte et le "
                    f"code QR à au moins {_mm(SAFE_MARGIN_MM)} mm à l’intérieur (la coupe varie, "
                    "le fond perdu est coupé)",
                )
            )
    return found


def _minimum(layout: Layout) -> tuple[float, str]:
    """The smallest text size for this medium, in the layout's font unit, and its unit."""
    if layout.unit == "px":
        return MIN_SCREEN_PX, "px"
    return MIN_PRINT_PT, "pt"


def size_problems(layout: Layout) -> Found:
    minimum, unit = _minimum(layout)
    found: Found = []
    for block in layout.blocks:
        if isinstance(block, TextBlock) and block.size_min < minimum - 1e-9:
            found.append(
                (
                    ("blocs", block.index, "taille_min"),
                    f"{_mm(block.size_min)} {unit} : trop petit pour être lu sur ce support ; "
                    f"au moins {_mm(minimum)} {unit} (raccourcissez le texte ou agrandissez la boîte)",
                )
            )
    return found
