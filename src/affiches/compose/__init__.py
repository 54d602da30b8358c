"""Composition: a loaded layout and the variables of one city become a ``Scene``.

Contract: ``compose(layout, variables)`` composes each block whose ``si`` condition
holds, page by page in drawing order, through the function registered for its class
in ``COMPOSERS``, and returns the scene: positioned primitives in points, the page's
background, and the document's metadata (title and alternative text filled from the
layout's templates, with French typography; the alternative text also names the
event and the signature the image shows when its template does not; author: the collective, or
``campaign.PDF_AUTHOR``; keywords: ``campaign.PDF_KEYWORDS``). Pure: no file is read
or written (fonts come resolved in the layout: ``TextBlock.metrics``), and the same
inputs always give the same scene. Errors: ``FitError`` (a text that cannot fit),
``GlyphError`` (a character missing from a font), ``LayoutError`` (unknown variable,
QR code too small).

Adding a block type (after its model dataclass and parser in ``affiches.gabarits``):
a function ``compose_xyz(block, layout, variables, pictures) -> list[Primitive]`` in a
module of this package, registered in ``COMPOSERS`` under the block's class.

A collective's own pictures (``pictures``: logos, photo, focal point, checked by
``affiches.images``) go to the ``logo`` and ``photo`` blocks (``compose.pictures``); a
page with a photo is then darkened just enough for every text over it
(``darken_photos``). The alternative text names the user's own words, the photo and
its credit, and the logos.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from affiches.campaign import PDF_AUTHOR, PDF_KEYWORDS
from affiches.compose.pictures import compose_logos, compose_photo, darken_photos, layout_tints
from affiches.compose.qr import compose_qr
from affiches.compose.shapes import compose_image, compose_shape
from affiches.compose.templates import condition_met, fill_template
from affiches.compose.text import block_text, compose_text
from affiches.errors import AffichesError
from affiches.gabarits import (
    Block,
    ImageBlock,
    Layout,
    LogoBlock,
    PhotoBlock,
    QRBlock,
    ShapeBlock,
    TextBlock,
    template_fields,
)
from affiches.images.artwork import NO_PICTURES, UserPictures
from affiches.scene import Page, Picture, Primitive, Scene
from affiches.text.typography import french_typography

__all__ = [
    "COMPOSERS",
    "block_text",
    "compose",
    "compose_block",
    "condition_met",
    "fill_template",
]

Composer = Callable[[Any, Layout, Mapping[str, str], UserPictures], list[Primitive]]
COMPOSERS: dict[type[Block], Composer] = {
    TextBlock: compose_text,
    QRBlock: compose_qr,
    ShapeBlock: compose_shape,
    ImageBlock: compose_image,
    LogoBlock: compose_logos,
    PhotoBlock: compose_photo,
}


def compose_block(block: Block, layout: Layout, variables: Mapping[str, str],
                  pictures: UserPictures = NO_PICTURES) -> list[Primitive]:
    """One block's primitives; an error names the block in its fields (``layout``, ``block``)."""
    if not condition_met(block.condition, variables):
        return []
    try:
        return COMPOSERS[type(block)](block, layout, variables, pictures)
    except AffichesError as exc:
        if exc.block is None:
            exc.layout, exc.block = layout.name, block.name
        raise


def alt_variables(layout: Layout, variables: Mapping[str, str]) -> dict[str, str]:
    """The variables of the alternative text: ``{accroche}`` and ``{message}`` are what
    the picture shows, the user's words or else the text of the first block they replace."""
    result = dict(variables)
    for name in ("accroche", "message"):
        if result.get(name, "").strip():
            result[name] = fill_template(result[name], variables, f"--{name}")
            continue
        for block in layout.blocks:
            if isinstance(block, TextBlock) and block.replaceable == name:
                result[name] = fill_template(block.template, variables, f"gabarit {layout.name}")
                break
    return result


def pictures_alt_text(variables: Mapping[str, str], pictures: UserPictures) -> str:
    """What the alternative text adds for a photo and logos."""
    parts = []
    if pictures.photo is not None:
        credit = variables.get("credit", "").strip()
        parts.append(f" Sur une photo{f' ({credit})' if credit else ''}.")
    if pictures.logos:
        collectif = variables.get("collectif", "").strip()
        if len(pictures.logos) == 1:
            parts.append(f" Avec le logo {f'de {collectif}' if collectif else 'du collectif'}.")
        else:
            whose = f"de {collectif} et de ses partenaires" if collectif else "des organisateurs"
            parts.append(f" Avec les logos {whose}.")
    return "".join(parts)


def compose(layout: Layout, variables: Mapping[str, str], pictures: UserPictures = NO_PICTURES) -> Scene:
    pages: list[list[Primitive]] = [[] for _ in range(layout.pages)]
    # A photo is a background: drawn first on its page, wherever the block is written
    # (so a layout that inherits can add one).
    ordered = sorted(layout.blocks, key=lambda b: not isinstance(b, PhotoBlock))
    for block in ordered:
        pages[block.page - 1].extend(compose_block(block, layout, variables, pictures))
    if pictures.photo is not None:
        tints = layout_tints(layout)
        pages = [darken_photos(items, tints) if any(isinstance(i, Picture) for i in items) else items
                 for items in pages]
    where = f"gabarit {layout.name}"
    title = fill_template(layout.title, variables, where) if layout.title else layout.description
    alt_text = fill_template(layout.alt_text, alt_variables(layout, variables), where) if layout.alt_text else ""
    if alt_text:
        alt_text = _alt_additions(alt_text, layout, variables) + pictures_alt_text(variables, pictures)
    pixel_size = (round(layout.width), round(layout.height)) if layout.unit == "px" else None
    return Scene(
        width=layout.width * layout.to_pt,
        height=layout.height * layout.to_pt,
        pages=tuple(Page(tuple(items)) for items in pages),
        background=layout.background,
        title=french_typography(title),
        subject=french_typography(layout.description),
        author=variables.get("collectif", "") or PDF_AUTHOR,
        keywords=PDF_KEYWORDS,
        alt_text=french_typography(" ".join(alt_text.split())),
        pixel_size=pixel_size,
        layout_name=layout.name,
    )


def _alt_additions(alt_text: str, layout: Layout, variables: Mapping[str, str]) -> str:
    """The alt text says what the image says: the event and the signature it shows,
    when the layout prints them and its own alt text does not already."""
    shown = {
        name
        for block in layout.blocks
        if condition_met(block.condition, variables)
        for name in _fields(block)
    }
    extra = []
    event = variables.get("evenement", "").strip()
    if event and "evenement" in shown and event not in alt_text:
        extra.append(f"Annonce : {event}.")
    signature = variables.get("signature", "").strip()
    if signature and shown & {"signature", "collectif"} and signature not in alt_text:
        extra.append(f"Signé : {signature}.")
    return " ".join([alt_text, *extra])


def _fields(block: Block) -> set[str]:
    template = getattr(block, "template", "")
    try:
        return set(template_fields(template)) if template else set()
    except ValueError:
        return set()
