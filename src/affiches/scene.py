"""Backend-neutral scene: what a page shows, as positioned primitives.

Contract: a ``Scene`` is immutable data, the only thing writers receive. Coordinates
are PostScript points (1/72 inch), origin at the top-left corner of the trimmed page,
y growing downwards. Text comes as ``TextLine`` objects whose ``chunks`` carry the
x offset of each run of glyphs after kerning, so every writer reproduces exactly the
measured layout. ``affiches.render`` turns scenes into files (its painters walk the
primitives; ``affiches.render.dump.dump_scene`` gives the stable text form of golden
tests). A letter's scene also carries ``LetterText``, its logical content recorded
once (sender, recipient block, subject, paragraphs…), from which the ODT, e-mail and
plain-text writers write the same words as the PDF; ``plain_text`` is its text form
(paragraphs separated by a blank line). ``to_fill`` lists the places left for the user
to complete, each also written in the text between ``[`` and ``]``. This module
imports nothing of the package but ``color``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from affiches.color import Color

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Rect:
    """A rectangle or an ellipse in its box, filled and/or stroked."""

    x: float
    y: float
    width: float
    height: float
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width: float = 0.0
    ellipse: bool = False
    # Which page edges the shape touches (left, top, right, bottom): print writers
    # extend such shapes into the bleed.
    bleeds: tuple[bool, bool, bool, bool] = (False, False, False, False)


@dataclass(frozen=True)
class Line:
    """A straight stroke between two points."""

    x1: float
    y1: float
    x2: float
    y2: float
    color: Color
    width: float


@dataclass(frozen=True)
class TextLine:
    """One set line of text, its chunks placed after kerning (see module doc)."""

    x: float  # left of the line's first glyph origin
    baseline: float
    font_path: Path
    font_name: str
    size: float  # points
    color: Color
    text: str
    width: float  # advance width with kerning, points
    chunks: tuple[tuple[float, str], ...]  # (x offset from ``x``, text), kerning applied
    block: str = ""
    # x offset of every character of ``text`` from ``x``: raster writers place glyphs
    # one by one, since a rasteriser's hinted advances drift from the measured ones.
    positions: tuple[float, ...] = ()


@dataclass(frozen=True)
class QRCode:
    """A QR code: its module matrix, placed and coloured."""

    x: float
    y: float
    size: float  # side of the whole symbol including the quiet zone, points
    matrix: tuple[tuple[bool, ...], ...]  # modules, quiet zone excluded
    quiet_zone: int
    dark: Color
    light: Color
    data: str
    block: str = ""  # the layout block it comes from (for error messages)

    @property
    def module(self) -> float:
        return self.size / (len(self.matrix) + 2 * self.quiet_zone)

    def dark_runs(self) -> list[tuple[int, int, int]]:
        """Horizontal runs of dark modules as (row, first column, column after the last):
        what a writer draws, one rectangle per run (quiet zone excluded)."""
        runs = []
        for row_index, row in enumerate(self.matrix):
            col, n = 0, len(row)
            while col < n:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < n and row[col]:
                    col += 1
                runs.append((row_index, start, col))
        return runs


@dataclass(frozen=True)
class Image:
    """A raster image file (a layout's image block) placed in a box."""

    x: float
    y: float
    width: float
    height: float
    path: Path


@dataclass(frozen=True)
class Picture:
    """A user's picture (logo or photo), already checked: ``data`` is a PNG of sRGB
    pixels (``kind`` "raster") or a hardened SVG (``kind`` "svg"). The box has the
    picture's own proportions (composition fitted it): writers never distort it."""

    x: float
    y: float
    width: float
    height: float
    kind: str  # "raster" | "svg"
    data: bytes = field(repr=False)
    name: str = ""  # the user's file name
    digest: str = ""  # identifies ``data``
    opaque: bool = True
    role: str = "logo"  # "logo" | "photo"
    block: str = ""


Primitive = Rect | Line | TextLine | QRCode | Image | Picture


@dataclass(frozen=True)
class Page:
    """One page: its primitives, painted in order."""

    items: tuple[Primitive, ...]


# A letter's logical content, recorded once: the ODT, e-mail and text writers read it.
TO_FILL_MARK = "À COMPLÉTER"


@dataclass(frozen=True)
class LetterText:
    """A letter's logical content, written once for every letter writer."""

    kind: str  # "lettre" (printed and sent) or "courriel" (an e-mail only)
    sender: tuple[str, ...] = ()  # sender block, top left
    recipient: tuple[str, ...] = ()  # address block (window envelope), postal form
    place_date: str = ""  # « Saint-Étienne, le 23 novembre 2026 »
    subject: str = ""  # without « Objet : »
    salutation: str = ""  # « Madame la Maire, Monsieur le Maire, »
    paragraphs: tuple[str, ...] = ()  # a paragraph starting with « – » is a list item
    closing: str = ""  # the closing formula, which repeats the salutation
    signature: tuple[str, ...] = ()  # name(s) under the room left to sign
    email_to: str = ""  # "" when unknown (the user fills it in)
    email_subject: str = ""
    email_from: str = ""
    to_fill: tuple[str, ...] = ()  # what the user must complete, in French

    def body(self) -> tuple[str, ...]:
        """The letter's paragraphs from the salutation to the signature."""
        parts = [self.salutation, *self.paragraphs, self.closing]
        return tuple(part for part in parts if part)


def plain_text(letter: LetterText, *, with_header: bool = True) -> str:
    """The letter as plain text: sender, recipient, place and date, subject, body, signature."""
    blocks: list[str] = []
    if with_header:
        if letter.sender:
            blocks.append("\n".join(letter.sender))
        if letter.recipient:
            blocks.append("\n".join(letter.recipient))
        if letter.place_date:
            blocks.append(letter.place_date)
        if letter.subject:
            blocks.append(f"Objet\u00a0: {letter.subject}")
    blocks.extend(letter.body())
    if letter.signature:
        blocks.append("\n".join(letter.signature))
    return "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class Scene:
    """A whole document: one or more pages of the same size."""

    width: float  # points
    height: float  # points
    pages: tuple[Page, ...]
    background: Color
    title: str = ""
    subject: str = ""
    author: str = ""
    keywords: str = ""
    alt_text: str = ""
    pixel_size: tuple[int, int] | None = None  # exact raster size for screen layouts
    layout_name: str = ""
    letter: LetterText | None = None  # a letter's logical content (ODT, e-mail, text writers)

    def texts(self) -> list[TextLine]:
        return [item for page in self.pages for item in page.items if isinstance(item, TextLine)]

