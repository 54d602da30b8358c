"""JPEG writer: visuals with a photograph behind them.

Contract: ``JpegWriter`` (the registry's ``"jpg"`` writer) and
``write_jpeg(scene, target, options=None)`` rasterise one page as the PNG
writer does (same painter, same pixels) and stores it as a baseline JPEG, 4:2:0,
without any metadata (no EXIF, no timestamp: same scene, same bytes), at the highest
quality from ``JpegOptions.quality`` down to ``min_quality`` (steps of 4) whose file
stays under the budget: ``budget_per_megapixel`` bytes per million pixels, at least
``min_budget`` (a 1080 × 1080 visual: 300 Ko). A photo behind the text makes a PNG
five to ten times bigger than this for no visible gain; flat visuals stay PNG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from affiches.printing.modes import PrintOptions
from affiches.render.painter import Target, Writer
from affiches.render.png import PngOptions, render_image
from affiches.scene import Scene

SQUARE_PIXELS = 1080 * 1080


@dataclass(frozen=True)
class JpegOptions:
    page: int = 1
    dpi: float = 150.0  # for print scenes only
    quality: int = 90
    min_quality: int = 62
    min_budget: int = 300_000  # bytes
    budget_per_megapixel: float = 300_000 / (SQUARE_PIXELS / 1e6)


def budget(width: int, height: int, options: JpegOptions) -> int:
    return max(options.min_budget, round(options.budget_per_megapixel * width * height / 1e6))


def encode_jpeg(image: object, options: JpegOptions) -> bytes:
    """The best-quality encoding that fits the budget (the smallest quality if none does)."""
    from PIL import Image as PILImage

    assert isinstance(image, PILImage.Image)
    rgb = image.convert("RGB")
    limit = budget(rgb.width, rgb.height, options)
    quality = options.quality
    while True:
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=quality, subsampling="4:2:0", optimize=True)
        data = out.getvalue()
        if len(data) <= limit or quality <= options.min_quality:
            return data
        quality = max(options.min_quality, quality - 4)


class JpegWriter(Writer):
    """The ``"jpg"`` writer: one page as a JPEG under its size budget. Print options do
    not apply to screen images."""

    def __init__(self, printing: PrintOptions | None = None, *,
                 options: JpegOptions | None = None) -> None:
        super().__init__(printing)
        self.options = options or JpegOptions()

    def write(self, scene: Scene, target: Target) -> None:
        options = self.options
        image = render_image(scene, PngOptions(page=options.page, dpi=options.dpi, palette_colors=0))
        data = encode_jpeg(image, options)
        if isinstance(target, (str, Path)):
            Path(target).write_bytes(data)
        else:
            target.write(data)


def write_jpeg(scene: Scene, target: str | Path | BinaryIO, options: JpegOptions | None = None) -> None:
    """``scene`` as a JPEG with explicit ``JpegOptions``."""
    JpegWriter(options=options).write(scene, target)
