"""The data model of a loaded layout: immutable values, no parsing, no I/O.

Contract: a ``Layout`` holds the page (size in its own unit: mm, pt or px), its
background and its blocks, in drawing order. Each block is a frozen dataclass deriving
from ``Block`` (name, kind as written in the file, box, page, ``si`` condition,
``superposable``, index in the merged ``blocs`` list). Values are checked and final:
``gabarits.loader`` builds them, ``compose`` reads them. A ``TextBlock`` carries its
font already resolved (``font_file``, and ``metrics``, the measuring handle from
``affiches.text.fonts``): nothing downstream looks for or reads a font file.

Adding a block type: (1) a dataclass here deriving from ``Block`` (set ``is_content``:
whether the overlap check applies to it); (2) a parser in ``gabarits.parsers``
registered in ``BLOCK_TYPES`` with its allowed keys; (3) a compose function in
``affiches.compose`` registered in ``COMPOSERS``; (4) its entry in
``layouts/gabarit.schema.json`` and in ``docs/gabarits.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from affiches.color import Color
from affiches.scene import MM
from affiches.text.fonts import FontMetrics

UNITS_TO_PT = {"mm": MM, "pt": 1.0, "px": 0.75}


@dataclass(frozen=True)
class Box:
    """A block's box on the page, in points from the top-left corner."""

    x: float
    y: float
    width: float
    height: float

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.width * factor, self.height * factor)

    def intersection_area(self, other: Box) -> float:
        w = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        h = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        return w * h if w > 0 and h > 0 else 0.0

    def contains(self, other: Box, eps: float = 1e-6) -> bool:
        return (
            other.x >= self.x - eps
            and other.y >= self.y - eps
            and other.x + other.width <= self.x + self.width + eps
            and other.y + other.height <= self.y + self.height + eps
        )


@dataclass(frozen=True)
class Block:
    """Fields common to every block."""

    is_content: ClassVar[bool] = True  # content blocks must not overlap (``superposable``)

    name: str
    kind: str
    box: Box
    page: int = 1
    condition: str = ""  # variable that must be non-empty ("!var": must be empty)
    overlap: bool | tuple[str, ...] = False  # ``superposable``: True, or names allowed
    index: int = 0  # position in the merged ``blocs`` list (0-based)


@dataclass(frozen=True, kw_only=True)
class TextBlock(Block):
    """A text block: its template, font, colours and fitting limits."""

    template: str = ""
    font: str = ""  # the reference written in the layout ("Manrope-Bold")
    color: Color = Color((0, 0, 0))
    align: str = "left"
    valign: str = "top"
    size_max: float = 12
    size_min: float = 6
    max_lines: int = 1
    line_height: float = 1.2
    uppercase: bool = False
    balance: bool = False
    photo_color: Color | None = None  # ``couleur_photo``: the text's colour over a photo
    replaceable: str = ""  # ``modifiable``: "accroche" | "message" (the user's own words)
    # The font, resolved when the layout is loaded (not in repr: batch fingerprints
    # hash repr(layout) and add the font file's digest themselves).
    font_file: Path = field(repr=False, compare=False)
    metrics: FontMetrics = field(repr=False, compare=False)


@dataclass(frozen=True)
class QRBlock(Block):
    """A QR code block: the data it encodes and its colours."""

    data: str = "{url}"
    dark: Color = Color((0, 0, 0))
    light: Color = Color((1, 1, 1))
    quiet_zone: int = 4


@dataclass(frozen=True)
class ShapeBlock(Block):
    """A decorative shape (rectangle, ellipse or line): never content."""

    is_content: ClassVar[bool] = False

    shape: str = "rect"  # rect | ellipse | line
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width: float = 0


@dataclass(frozen=True)
class ImageBlock(Block):
    """An image file named by the layout, placed in its box."""

    path: Path = Path()


@dataclass(frozen=True)
class LogoBlock(Block):
    """The slot of the ``--logo`` files: side by side, one common height, not distorted."""

    align: str = "center"
    gap: float | None = None  # layout units between two logos; None: 5 % of the box width


@dataclass(frozen=True)
class PhotoBlock(Block):
    """The area ``--photo`` fills (a background: not content), tinted under the text."""

    is_content: ClassVar[bool] = False

    tint: Color = Color((0, 0, 0))
    minimum: float = 0.2  # opacity of the tint, from…
    maximum: float = 0.8  # …to (beyond: the photo is refused)


@dataclass(frozen=True)
class Layout:
    """A checked layout: page size, background, blocks in painting order."""

    name: str
    description: str
    material: str
    output_format: str
    unit: str
    width: float
    height: float
    pages: int
    background: Color
    blocks: tuple[Block, ...]
    alt_text: str = ""
    title: str = ""
    source: Path | None = None
    folder: Path | None = None
    extends: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    files: tuple[Path, ...] = ()  # the layout file, then the files it inherits from

    @property
    def to_pt(self) -> float:
        """How many points one layout unit is."""
        return UNITS_TO_PT[self.unit]

    @property
    def font_to_pt(self) -> float:
        """How many points one font-size unit is (pt for print layouts, px for screen)."""
        return 0.75 if self.unit == "px" else 1.0


@dataclass(frozen=True)
class Problem:
    """One problem of a layout file, at a line. ``str()``: ``fichier:ligne: clé: message``."""

    file: Path
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"
