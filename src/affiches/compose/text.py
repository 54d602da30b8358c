"""Composing a text block: template, French typography, fitting, placed lines. Pure.

Contract: ``compose_text(block, layout, variables)`` fills the block's template,
applies French typography (and capitals with ``majuscules``), checks that the
block's font has every character (``GlyphError``), fits the text with the font's
real metrics (``FitError`` naming the layout, the block and the text when it cannot
fit at the smallest size allowed) and returns one ``TextLine`` per line, aligned in
the block's box, in points. An empty text gives nothing. The font comes resolved in
the block (``TextBlock.metrics``): no file is read here. A block that declares
``modifiable`` takes the user's own words (``--accroche``, ``--message``) when given,
with the same filling, typography and fitting (``compose.ownwords`` words the error);
with a photo (``pictures.photo``) a block's ``couleur_photo`` replaces its colour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from affiches.compose.ownwords import own_words_error
from affiches.compose.templates import fill_template, short, where
from affiches.errors import FitError, LayoutError
from affiches.gabarits import Layout, TextBlock
from affiches.images.artwork import NO_PICTURES, UserPictures
from affiches.scene import Primitive, TextLine
from affiches.text.fonts import FontMetrics
from affiches.text.textfit import FittedText, fit_text
from affiches.text.typography import french_typography


def block_template(block: TextBlock, variables: Mapping[str, str]) -> str:
    """The block's template, or the user's own words when the block allows them
    (``modifiable``) and they are given."""
    if block.replaceable and variables.get(block.replaceable, "").strip():
        return variables[block.replaceable]
    return block.template


def block_text(block: TextBlock, variables: Mapping[str, str], layout_name: str) -> str:
    template = block_template(block, variables)
    place = where(layout_name, block.name) if template is block.template else f"--{block.replaceable}"
    text = fill_template(template, variables, place)
    text = french_typography(text.strip())
    return text.upper() if block.uppercase else text


def _own_words_fit(block: TextBlock, layout: Layout, variables: Mapping[str, str]) -> Callable[[str], bool]:
    """Whether a prefix of the user's words fits the block (for the error's advice)."""

    def fits(prefix: str) -> bool:
        text = french_typography(fill_template(prefix, variables, "").strip())
        try:
            fit_block(block, text.upper() if block.uppercase else text, layout)
        except (FitError, LayoutError):
            return False
        return True

    return fits


@lru_cache(maxsize=256)
def _fit_cached(
    text: str,
    metrics: FontMetrics,
    width: float,
    height: float,
    size_min: float,
    size_max: float,
    max_lines: int,
    line_height: float,
    balance: bool,
    align: str = "left",
) -> FittedText | None:
    """``fit_text`` remembered per (text, font, box): fixed texts are fitted once per
    process, not once per city (bounded, so a long batch stays flat in memory)."""
    return fit_text(
        text, metrics, width, height, size_min, size_max, max_lines, line_height, balance, align
    )


FitGeometry = tuple[float, float, float, float, int, float, bool, str]


def fit_geometry(block: TextBlock, layout: Layout) -> FitGeometry:
    """Everything but the text and the font that decides how a text fits ``block``, in
    points: (width, height, size_min, size_max, max_lines, line_height, balance, align).
    The fit report keys its cache on the same tuple."""
    box = block.box.scaled(layout.to_pt)
    return (
        box.width,
        box.height,
        block.size_min * layout.font_to_pt,
        block.size_max * layout.font_to_pt,
        block.max_lines,
        block.line_height,
        block.balance,
        block.align,
    )


def fit_block(block: TextBlock, text: str, layout: Layout) -> FittedText:
    """Fit one text block, or raise FitError naming the layout, the block and the text."""
    fitted = _fit_cached(text, block.metrics, *fit_geometry(block, layout))
    if fitted is None:
        unit = "px" if layout.unit == "px" else "pt"
        raise FitError.in_block(
            layout.name, block.name,
            f"le texte « {short(text)} » ne tient pas "
            f"dans sa boîte ({block.box.width:g} × {block.box.height:g} {layout.unit}), même en "
            f"{block.size_min:g} {unit} sur {block.max_lines} ligne(s) ; raccourcissez le texte "
            "ou agrandissez la boîte", value=text,
        )
    return fitted


_COMPOSED: dict[tuple[int, int, str, bool], tuple[TextBlock, Layout, tuple[Primitive, ...]]] = {}
_COMPOSED_MAX = 1024


def compose_text(block: TextBlock, layout: Layout, variables: Mapping[str, str],
                 pictures: UserPictures = NO_PICTURES) -> list[Primitive]:
    text = block_text(block, variables, layout.name)
    if not text:
        return []
    over_photo = pictures.photo is not None and block.photo_color is not None
    # The lines depend only on the block, the layout, the text and whether it is set over
    # a photo: a block whose text does not change from city to city is composed once per
    # process (bounded). The block and layout are kept with the lines, so their ids
    # cannot be reused.
    key = (id(block), id(layout), text, over_photo)
    found = _COMPOSED.get(key)
    if found is not None:
        return list(found[2])
    items = _compose_lines(block, layout, variables, text, over_photo)
    if len(_COMPOSED) >= _COMPOSED_MAX:
        _COMPOSED.clear()
    _COMPOSED[key] = (block, layout, tuple(items))
    return items


def _compose_lines(block: TextBlock, layout: Layout, variables: Mapping[str, str], text: str,
                   over_photo: bool) -> list[Primitive]:
    metrics = block.metrics
    metrics.check_coverage(text, where(layout.name, block.name))
    try:
        fitted = fit_block(block, text, layout)
    except FitError:
        if block_template(block, variables) is block.template:
            raise
        own = " ".join(variables[block.replaceable].split())
        raise own_words_error(block.replaceable, layout.name, block.name, own,
                              _own_words_fit(block, layout, variables)) from None
    color = block.photo_color if over_photo and block.photo_color is not None else block.color
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
                color=color,
                text=line,
                width=width,
                chunks=chunks,
                block=block.name,
                positions=tuple(units * scale for units in metrics.positions(line)),
            )
        )
    return items
