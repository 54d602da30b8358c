"""Design checks of a loaded layout: what a designer should fix before printing.

Contract: each check is a pure function of a ``Layout`` returning ``(key path,
message)`` pairs (key paths as ``("blocs", index, "clé")``, messages in French with
the fix); ``DESIGN_CHECKS`` lists them in the order they run and ``design_problems``
runs them all (``gabarits.loader.check_file`` locates each at its file and line).
Checks: content blocks that overlap without ``superposable`` (blocks whose ``si``
conditions exclude each other never meet); text with too little contrast (WCAG 2)
on any colour that may show behind it (``backgrounds_behind``); QR codes inverted or
with too little contrast; and, from ``gabarits.printchecks``, the safe area inside the
trim of print layouts and the smallest text size per medium. A new check: a function
here (or in a module of its own), added to ``DESIGN_CHECKS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from affiches.color import Color, contrast_ratio
from affiches.gabarits.model import Block, Box, ImageBlock, Layout, PhotoBlock, QRBlock, ShapeBlock, TextBlock
from affiches.gabarits.printchecks import safe_area_problems, size_problems

# Contrast (WCAG 2): large text needs 3:1, other text 4.5:1. "Large" is 18 pt, or 14 pt
# in a bold face.
CONTRAST_LARGE = 3.0
CONTRAST_SMALL = 4.5
LARGE_TEXT_PT = 18.0
LARGE_BOLD_TEXT_PT = 14.0
BOLD_WORDS = ("bold", "black", "heavy", "gras")
CONTRAST_QR = 4.0

Found = list[tuple[tuple[Any, ...], str]]


def _exclusive(a: str, b: str) -> bool:
    """True when two ``si`` conditions can never both hold (``x`` and ``!x``)."""
    return bool(a and b) and (a == "!" + b or b == "!" + a)


def _may_overlap(a: Block, b: Block) -> bool:
    def allows(block: Block, other: Block) -> bool:
        return block.overlap is True or (
            isinstance(block.overlap, tuple) and other.name in block.overlap
        )

    return allows(a, b) or allows(b, a)


def _ellipse_contains(shape: Box, box: Box) -> bool:
    cx, cy = shape.x + shape.width / 2, shape.y + shape.height / 2
    rx, ry = shape.width / 2, shape.height / 2
    if rx <= 0 or ry <= 0:
        return False
    corners = [
        (box.x, box.y),
        (box.x + box.width, box.y),
        (box.x, box.y + box.height),
        (box.x + box.width, box.y + box.height),
    ]
    return all(((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1 + 1e-9 for px, py in corners)


def _ellipse_touches(shape: Box, box: Box) -> bool:
    cx, cy = shape.x + shape.width / 2, shape.y + shape.height / 2
    rx, ry = shape.width / 2, shape.height / 2
    if rx <= 0 or ry <= 0:
        return False
    px = min(max(cx, box.x), box.x + box.width)
    py = min(max(cy, box.y), box.y + box.height)
    return ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 < 1 - 1e-9


def backgrounds_behind(layout: Layout, block: Block) -> list[tuple[Color, str]] | None:
    """Colours that may show behind ``block``'s box, with where each comes from.

    Filled rectangles and ellipses drawn before the block on its page count; one that
    covers the whole box (and is drawn whenever the block is: no ``si``, or the same
    one) hides what is below it. ``None`` when
    an image lies behind: its colours are unknown.
    """
    visible: list[tuple[Color, str]] = [(layout.background, "fond de page")]
    for other in layout.blocks:
        if other is block:
            break
        if other.page != block.page:
            continue
        if isinstance(other, ImageBlock) and other.box.intersection_area(block.box) > 0:
            return None
        if not isinstance(other, ShapeBlock) or other.fill is None or other.shape == "line":
            continue
        if _exclusive(other.condition, block.condition):
            continue
        if other.shape == "ellipse":
            touches = _ellipse_touches(other.box, block.box)
            covers = _ellipse_contains(other.box, block.box)
        else:
            touches = other.box.intersection_area(block.box) > 0
            covers = other.box.contains(block.box)
        if not touches:
            continue
        entry = (other.fill, f"bloc « {other.name} »")
        # A shape shown under the same condition as the block is there whenever it is.
        if covers and other.condition in ("", block.condition):
            visible = [entry]
        elif all(c.rgb != other.fill.rgb for c, _ in visible):
            visible.append(entry)
    return visible


def _is_large(block: TextBlock, layout: Layout) -> bool:
    size_pt = block.size_min * layout.font_to_pt
    bold = any(word in block.font.lower() for word in BOLD_WORDS)
    return size_pt >= LARGE_TEXT_PT or (bold and size_pt >= LARGE_BOLD_TEXT_PT)


def _ratio(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + ":1"


def overlap_problems(layout: Layout) -> Found:
    """Content blocks (``is_content``) that overlap on a page without ``superposable``."""
    found: Found = []
    content = [b for b in layout.blocks if b.is_content]
    for i, a in enumerate(content):
        for b in content[i + 1 :]:
            if a.page != b.page or _exclusive(a.condition, b.condition) or _may_overlap(a, b):
                continue
            area = a.box.intersection_area(b.box)
            if area > 1e-6:
                found.append(
                    (
                        ("blocs", b.index, "boite"),
                        f"chevauche le bloc « {a.name} » (page {b.page}) ; déplacez l’une des boîtes, "
                        f'ou écrivez superposable = ["{a.name}"] si c’est voulu',
                    )
                )
    return found


def contrast_problems(layout: Layout) -> Found:
    """Texts and QR codes whose colours are too close to what lies behind them."""
    found: Found = []
    for block in layout.blocks:
        if isinstance(block, TextBlock):
            behind = backgrounds_behind(layout, block)
            if behind is None:
                continue
            need = CONTRAST_LARGE if _is_large(block, layout) else CONTRAST_SMALL
            size = "grand texte" if need == CONTRAST_LARGE else "texte de cette taille"
            for color, where in behind:
                ratio = contrast_ratio(block.color, color)
                if ratio < need - 1e-9:
                    found.append(
                        (
                            ("blocs", block.index, "couleur"),
                            f"texte {block.color.hex} sur {color.hex} ({where}) : contraste {_ratio(ratio)}, "
                            f"il faut au moins {_ratio(need)} pour un {size} ; foncez ou éclaircissez l’un des deux",
                        )
                    )
        elif isinstance(block, QRBlock):
            ratio = contrast_ratio(block.dark, block.light)
            if block.dark.luminance() > block.light.luminance():
                found.append(
                    (
                        ("blocs", block.index, "couleur"),
                        f"code QR inversé (modules {block.dark.hex} plus clairs que le fond {block.light.hex}) : "
                        "beaucoup de téléphones ne le lisent pas ; mettez les modules foncés sur fond clair",
                    )
                )
            elif ratio < CONTRAST_QR:
                found.append(
                    (
                        ("blocs", block.index, "couleur"),
                        f"code QR peu contrasté ({block.dark.hex} sur {block.light.hex}, {_ratio(ratio)}) : "
                        f"il faut au moins {_ratio(CONTRAST_QR)} pour être lu",
                    )
                )
    return found


def _covered(layout: Layout, photo: PhotoBlock, block: TextBlock) -> bool:
    """A filled shape drawn between the photo and the text hides the photo behind it."""
    return any(
        isinstance(other, ShapeBlock) and other.fill is not None and other.shape == "rect"
        and other.index < block.index and other.page == block.page
        and other.box.contains(block.box) and other.condition in ("", block.condition)
        for other in layout.blocks
    )


def _worst_over_photo(text: Color, tint: Color, opacity: float) -> float:
    """The lowest contrast of ``text`` over any photo tinted at ``opacity``: every
    pixel then lies in the RGB cube blended towards the tint, whose luminance extremes
    are at the blended corners."""
    corners = [(r, g, b) for r in (0.0, 1.0) for g in (0.0, 1.0) for b in (0.0, 1.0)]
    t_r, t_g, t_b = tint.rgb
    blended = [Color((r * (1 - opacity) + t_r * opacity, g * (1 - opacity) + t_g * opacity,
                      b * (1 - opacity) + t_b * opacity)) for r, g, b in corners]
    low = min(c.luminance() for c in blended)
    high = max(c.luminance() for c in blended)
    lum = text.luminance()
    if low <= lum <= high:
        return 1.0
    nearest = high if high < lum else low
    return (max(lum, nearest) + 0.05) / (min(lum, nearest) + 0.05)


def photo_problems(layout: Layout) -> Found:
    """Texts over a photo block that some photo would leave unreadable even tinted at
    ``assombrir_max``: their colour there (``couleur_photo``, else ``couleur``) is
    checked against the lightest and darkest pixels any photo can have once tinted.
    A layout that passes takes every photo (the real pixels, measured when composing,
    then only decide how little to darken)."""
    found: Found = []
    photos = [b for b in layout.blocks if isinstance(b, PhotoBlock)]
    for block in layout.blocks:
        if not isinstance(block, TextBlock) or _exclusive(block.condition, "photo"):
            continue
        for photo in photos:
            if photo.page != block.page:  # a photo is drawn first on its page, under everything
                continue
            if photo.box.intersection_area(block.box) <= 0 or _covered(layout, photo, block):
                continue
            color = block.photo_color or block.color
            need = CONTRAST_LARGE if _is_large(block, layout) else CONTRAST_SMALL
            ratio = _worst_over_photo(color, photo.tint, photo.maximum)
            if ratio < need - 1e-9:
                key = "couleur_photo" if block.photo_color else "couleur"
                found.append((
                    ("blocs", block.index, key),
                    f"texte {color.hex} sur la photo du bloc « {photo.name} » teintée de {photo.tint.hex} à "
                    f"{round(photo.maximum * 100)} % au plus : contraste {_ratio(ratio)} sur une photo "
                    f"défavorable, il faut {_ratio(need)} ; changez la couleur_photo, la teinte ou assombrir_max",
                ))
    return found


DESIGN_CHECKS: tuple[Callable[[Layout], Found], ...] = (
    overlap_problems,
    contrast_problems,
    photo_problems,
    safe_area_problems,
    size_problems,
)


def design_problems(layout: Layout) -> Found:
    """Every design check's problems, in the order of ``DESIGN_CHECKS``."""
    return [problem for check in DESIGN_CHECKS for problem in check(layout)]
