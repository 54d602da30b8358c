"""An image a user gave, once checked: immutable data the scene can carry.

Contract: a leaf module (imports nothing from the package). An ``Artwork`` is either
``raster`` (``data`` holds a PNG of the upright, 8-bit sRGB pixels, RGB or RGBA, with
no metadata) or ``svg`` (``data`` holds the SVG bytes after the hardening checks of
``affiches.images.svg``). ``width`` and ``height`` are its natural size (pixels, or SVG
user units); ``name`` is the file name shown in messages; ``digest`` identifies the
content (SHA-256 of ``data``), so equal inputs give equal scenes and equal outputs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Artwork:
    """A user's picture once checked: PNG or hardened SVG bytes and sizes."""

    kind: str  # "raster" | "svg"
    data: bytes = field(repr=False)
    width: float
    height: float
    name: str
    opaque: bool = True  # raster without any transparent pixel
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest()[:16])

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def fit(self, x: float, y: float, width: float, height: float,
            align: str = "center") -> tuple[float, float, float, float]:
        """The largest box of this artwork's proportions inside the given box (no
        distortion), centred vertically; ``align`` places it horizontally."""
        scale = min(width / self.width, height / self.height)
        w, h = self.width * scale, self.height * scale
        if align == "left":
            left = x
        elif align == "right":
            left = x + width - w
        else:
            left = x + (width - w) / 2
        return (left, y + (height - h) / 2, w, h)


def side_by_side(box: tuple[float, float, float, float], aspects: list[float], gap: float,
                 align: str = "center") -> list[tuple[float, float, float, float]]:
    """Boxes (x, y, width, height) for pictures of these aspect ratios set side by side
    in ``box`` at one common height, the largest that fits with ``gap`` between them,
    never distorted, centred vertically and aligned horizontally (left, center, right)."""
    if not aspects:
        return []
    x, y, width, height = box
    gap = gap if len(aspects) > 1 else 0.0
    common = min(height, (width - gap * (len(aspects) - 1)) / sum(aspects))
    used = common * sum(aspects) + gap * (len(aspects) - 1)
    left = x if align == "left" else x + width - used if align == "right" else x + (width - used) / 2
    top = y + (height - common) / 2
    boxes = []
    for aspect in aspects:
        boxes.append((left, top, common * aspect, common))
        left += common * aspect + gap
    return boxes


@dataclass(frozen=True)
class UserPictures:
    """What a collective brings for one run: its logos (in order), its photo and where
    the photo's focal point is (fractions of its width and height)."""

    logos: tuple[Artwork, ...] = ()
    photo: Artwork | None = None
    focus: tuple[float, float] = (0.5, 0.5)

    @property
    def fingerprint(self) -> str:
        """Identifies the pictures and the crop: a batch redoes a city when it changes."""
        logos = ",".join(logo.digest for logo in self.logos)
        photo = self.photo.digest if self.photo else ""
        return f"{logos}|{photo}|{self.focus[0]:.4f},{self.focus[1]:.4f}"


NO_PICTURES = UserPictures()
