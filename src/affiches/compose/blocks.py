"""Composition: a layout and its variables become a ``Scene``. Pure: no file is written.

Contract: ``compose(layout, variables)`` fills each block's template with the
variables, applies French typography, checks that the block's font has every
character (``GlyphError`` otherwise), fits text with the real font metrics
(``FitError`` naming the layout, the block and the text when it cannot fit at the
smallest size allowed), places QR codes (``LayoutError`` when the modules would print
too small to scan) and returns positioned primitives in points. A block whose ``si``
condition is not met, or whose text is empty after substitution, is left out.
The same inputs always give the same scene.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from affiches.campaign import PDF_KEYWORDS
from affiches.errors import FitError, LayoutError
from affiches.gabarits.layout import (
    Block,
    ImageBlock,
    Layout,
    QRBlock,
    ShapeBlock,
    TextBlock,
)
from affiches.limits import MAX_BLOCK_TEXT_CHARS
from affiches.scene import MM, Image, Line, Page, Primitive, QRCode, Rect, Scene, TextLine
from affiches.text.fonts import FontMetrics, find_font
from affiches.text.qr import qr_matrix
from affiches.text.template import TemplateError
from affiches.text.template import render as render_template
from affiches.text.textfit import FittedText, fit_text
from affiches.text.typography import french_typography

# Smallest printed QR module a phone reads reliably at arm's length.
MIN_QR_MODULE_PRINT_PT = 0.5 * MM
MIN_QR_MODULE_SCREEN_PX = 3


def fill_template(template: str, variables: Mapping[str, str], where: str) -> str:
    """The template filled in by the restricted formatter (``affiches.text.template``)."""
    try:
        text = render_template(template, variables)
    except KeyError as exc:
        raise LayoutError(f"{where} : variable inconnue {{{exc.args[0]}}}") from None
    except TemplateError as exc:
        raise LayoutError(f"{where} : {exc}") from None
    if len(text) > MAX_BLOCK_TEXT_CHARS:
        raise LayoutError(
            f"{where} : texte trop long ({len(text)} caractères, {MAX_BLOCK_TEXT_CHARS} au plus) ; "
            "raccourcissez-le"
        )
    return text


def condition_met(condition: str, variables: Mapping[str, str]) -> bool:
    if not condition:
        return True
    if condition.startswith("!"):
        return not variables.get(condition[1:], "").strip()
    return bool(variables.get(condition, "").strip())


def block_text(block: TextBlock, variables: Mapping[str, str], layout_name: str) -> str:
    text = fill_template(block.template, variables, f"gabarit {layout_name}, bloc « {block.name} »")
    text = french_typography(text.strip())
    return text.upper() if block.uppercase else text


def _decimal(value: float, digits: int) -> str:
    """A number written the French way (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def _short(text: str, limit: int = 60) -> str:
    flat = text.replace("\n", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@lru_cache(maxsize=2048)
def _fit_cached(
    text: str,
    font_path: Path,
    width: float,
    height: float,
    size_min: float,
    size_max: float,
    max_lines: int,
    line_height: float,
    balance: bool,
) -> FittedText | None:
    """``fit_text`` remembered per (text, font, box): fixed texts are fitted once per
    process, not once per city (bounded, so a long batch stays flat in memory)."""
    metrics = FontMetrics.load(font_path)
    return fit_text(text, metrics, width, height, size_min, size_max, max_lines, line_height, balance)


def fit_block(block: TextBlock, text: str, layout: Layout, metrics: FontMetrics) -> FittedText:
    """Fit one text block, or raise FitError naming the layout, the block and the text."""
    box = block.box.scaled(layout.to_pt)
    fitted = _fit_cached(
        text,
        metrics.path,
        box.width,
        box.height,
        block.size_min * layout.font_to_pt,
        block.size_max * layout.font_to_pt,
        block.max_lines,
        block.line_height,
        block.balance,
    )
    if fitted is None:
        unit = "px" if layout.unit == "px" else "pt"
        raise FitError(
            f"gabarit {layout.name}, bloc « {block.name} » : le texte « {_short(text)} » ne tient pas "
            f"dans sa boîte ({block.box.width:g} × {block.box.height:g} {layout.unit}), même en "
            f"{block.size_min:g} {unit} sur {block.max_lines} ligne(s) ; raccourcissez le texte "
            "ou agrandissez la boîte"
        )
    return fitted


def block_metrics(block: TextBlock, layout: Layout) -> FontMetrics:
    return FontMetrics.load(find_font(block.font, layout.search_dirs()))


def _compose_text(block: TextBlock, layout: Layout, variables: Mapping[str, str]) -> list[Primitive]:
    text = block_text(block, variables, layout.name)
    if not text:
        return []
    metrics = block_metrics(block, layout)
    metrics.check_coverage(text, f"gabarit {layout.name}, bloc « {block.name} »")
    fitted = fit_block(block, text, layout, metrics)
    box = block.box.scaled(layout.to_pt)
    if block.valign == "top":
        top = box.y
    elif block.valign == "middle":
        top = box.y + (box.height - fitted.height) / 2
    else:
        top = box.y + box.height - fitted.height
    scale = fitted.size / metrics.units_per_em
    items: list[Primitive] = []
    for index, (line, width) in enumerate(zip(fitted.lines, fitted.widths, strict=True)):
        if block.align == "left":
            x = box.x
        elif block.align == "center":
            x = box.x + (box.width - width) / 2
        else:
            x = box.x + box.width - width
        baseline = top + fitted.top + fitted.baselines[index]
        chunks = tuple((units * scale, chunk) for units, chunk in metrics.chunks(line))
        items.append(
            TextLine(
                x=x,
                baseline=baseline,
                font_path=metrics.path,
                font_name=metrics.name,
                size=fitted.size,
                color=block.color,
                text=line,
                width=width,
                chunks=chunks,
                block=block.name,
                positions=tuple(units * scale for units in metrics.positions(line)),
            )
        )
    return items


def _compose_qr(block: QRBlock, layout: Layout, variables: Mapping[str, str]) -> list[Primitive]:
    data = fill_template(block.data, variables, f"gabarit {layout.name}, bloc « {block.name} »").strip()
    if not data:
        return []
    matrix = qr_matrix(data)
    box = block.box.scaled(layout.to_pt)
    side = min(box.width, box.height)
    modules = len(matrix) + 2 * block.quiet_zone
    module = side / modules
    if layout.unit == "px":
        module_px = int(module / 0.75)
        if module_px < MIN_QR_MODULE_SCREEN_PX:
            raise LayoutError(
                f"gabarit {layout.name}, bloc « {block.name} » : code QR trop petit pour « {_short(data, 40)} » "
                f"({modules} modules) ; il faut au moins {modules * MIN_QR_MODULE_SCREEN_PX} px de côté"
            )
        side = module_px * modules * 0.75  # whole pixels per module: crisp edges
    elif module < MIN_QR_MODULE_PRINT_PT:
        minimum_mm = modules * MIN_QR_MODULE_PRINT_PT / MM
        raise LayoutError(
            f"gabarit {layout.name}, bloc « {block.name} » : code QR trop petit pour « {_short(data, 40)} » "
            f"({modules} modules de {_decimal(module / MM, 2)} mm) ; il faut au moins "
            f"{_decimal(minimum_mm, 1)} mm de côté"
        )
    x = box.x + (box.width - side) / 2
    y = box.y + (box.height - side) / 2
    return [
        QRCode(
            x=x,
            y=y,
            size=side,
            matrix=matrix,
            quiet_zone=block.quiet_zone,
            dark=block.dark,
            light=block.light,
            data=data,
            block=block.name,
        )
    ]


def _compose_shape(block: ShapeBlock, layout: Layout) -> list[Primitive]:
    box = block.box.scaled(layout.to_pt)
    if block.shape == "line":
        assert block.stroke is not None
        return [
            Line(box.x, box.y, box.x + box.width, box.y + box.height, block.stroke,
                 block.stroke_width * layout.font_to_pt)
        ]
    eps = 1e-6
    page_w, page_h = layout.width, layout.height
    b = block.box
    bleeds = (
        b.x <= eps,
        b.y <= eps,
        b.x + b.width >= page_w - eps,
        b.y + b.height >= page_h - eps,
    )
    return [
        Rect(
            box.x,
            box.y,
            box.width,
            box.height,
            fill=block.fill,
            stroke=block.stroke,
            stroke_width=block.stroke_width * layout.font_to_pt,
            ellipse=block.shape == "ellipse",
            bleeds=bleeds if block.shape == "rect" else (False, False, False, False),
        )
    ]


def compose_block(block: Block, layout: Layout, variables: Mapping[str, str]) -> list[Primitive]:
    if not condition_met(block.condition, variables):
        return []
    if isinstance(block, TextBlock):
        return _compose_text(block, layout, variables)
    if isinstance(block, QRBlock):
        return _compose_qr(block, layout, variables)
    if isinstance(block, ShapeBlock):
        return _compose_shape(block, layout)
    if isinstance(block, ImageBlock):
        box = block.box.scaled(layout.to_pt)
        return [Image(box.x, box.y, box.width, box.height, block.path)]
    raise AssertionError(f"unknown block {block!r}")  # pragma: no cover


def compose(layout: Layout, variables: Mapping[str, str]) -> Scene:
    pages: list[list[Primitive]] = [[] for _ in range(layout.pages)]
    for block in layout.blocks:
        pages[block.page - 1].extend(compose_block(block, layout, variables))
    where = f"gabarit {layout.name}"
    title = fill_template(layout.title, variables, where) if layout.title else layout.description
    alt_text = fill_template(layout.alt_text, variables, where) if layout.alt_text else ""
    pixel_size = (round(layout.width), round(layout.height)) if layout.unit == "px" else None
    return Scene(
        width=layout.width * layout.to_pt,
        height=layout.height * layout.to_pt,
        pages=tuple(Page(tuple(items)) for items in pages),
        background=layout.background,
        title=french_typography(title),
        subject=french_typography(layout.description),
        author=variables.get("collectif", "") or "Technopolice",
        keywords=PDF_KEYWORDS,
        alt_text=french_typography(" ".join(alt_text.split())),
        pixel_size=pixel_size,
        layout_name=layout.name,
    )
