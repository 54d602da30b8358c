"""Block types for a collective's own pictures: ``logo`` and ``photo``.

Contract: the dataclasses ``LogoBlock`` (slot for the ``--logo`` files: alignment and
gap between logos) and ``PhotoBlock`` (area the ``--photo`` fills: tint colour and the
opacity bounds of the darkening) with their parsers ``parse_logo`` / ``parse_photo``
(``(reader, common, named) -> Block``, problems recorded on the reader) and the keys
each type allows. A logo block is content (the overlap check applies to it); a photo
block is a background, like a ``rect``. Pure: no file is read (the pictures come with
the options, checked by ``affiches.images``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from affiches.color import Color
from affiches.gabarits.layout import Block

LOGO_KEYS = frozenset({"alignement", "espacement"})
PHOTO_KEYS = frozenset({"teinte", "assombrir", "assombrir_max"})
LOGO_ALIGNMENTS = {"gauche": "left", "centre": "center", "droite": "right"}


@dataclass(frozen=True)
class LogoBlock(Block):
    align: str = "center"
    gap: float | None = None  # layout units; None: 5 % of the box width


@dataclass(frozen=True)
class PhotoBlock(Block):
    tint: Color = Color((0, 0, 0))
    minimum: float = 0.2
    maximum: float = 0.8


def parse_logo(b: Any, common: dict[str, Any], named: Mapping[str, Any]) -> Block:
    align = b.choice("alignement", LOGO_ALIGNMENTS, "centre")
    gap = b.number("espacement", default=-1.0, minimum=-1.0) if "espacement" in b.data else None
    if gap is not None and gap < 0:
        b.add("espacement", f"{gap:g} est trop petit (minimum 0)")
        gap = 0.0
    return LogoBlock(**common, align=LOGO_ALIGNMENTS[align], gap=gap)


def parse_photo(b: Any, common: dict[str, Any], named: Mapping[str, Any]) -> Block:
    minimum = b.number("assombrir", default=0.2, minimum=0)
    maximum = b.number("assombrir_max", default=max(0.8, minimum), minimum=0)
    for key, value in (("assombrir", minimum), ("assombrir_max", maximum)):
        if value > 1:
            b.add(key, f"{value:g} : une opacité va de 0 (photo intacte) à 1 (teinte seule)")
    if minimum > maximum:
        b.add("assombrir", f"{minimum:g} dépasse assombrir_max ({maximum:g})")
    return PhotoBlock(**common, tint=b.color("teinte", named, "#000000"),
                      minimum=min(minimum, 1.0), maximum=min(max(maximum, minimum), 1.0))
