"""Fold a letter on screen and look at it through the window of its envelope.

Contract: ``python tools/envelope_check.py LETTRE.pdf SORTIE.png [--dpi 100]`` renders
the PDF's page at real size with poppler (``pdftoppm``), takes its top third (the
panel that faces the window once the A4 sheet is folded at 99 and 198 mm), and draws
it inside a DL envelope (220 × 110 mm, window 100 × 45 mm at 20 mm from the right and
15 mm from the bottom) and a C5/6 envelope (229 × 114 mm, same window) at the four
extreme positions the folded sheet can slide to. What the window does not show is
greyed. It prints, for each view, whether the ink of the recipient block (found in
the area 100–209 × 45–98 mm of the sheet, above the fold) lies entirely in the window; exit status 1
if not. Needs poppler-utils and Pillow; writes only SORTIE.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

PANEL = (210.0, 99.0)
ENVELOPES = {  # name: (width, height, window x0, y0, x1, y1) in mm, window seen from the front
    "DL": (220.0, 110.0, 100.0, 50.0, 200.0, 95.0),
    "C5/6": (229.0, 114.0, 109.0, 54.0, 209.0, 99.0),
}


def render_panel(pdf: Path, dpi: int) -> Image.Image:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), f"{work}/page"], check=True)
        page = Image.open(f"{work}/page.png").convert("RGB")
        page.load()
    px = dpi / 25.4
    return page.crop((0, 0, round(PANEL[0] * px), round(PANEL[1] * px)))


def ink_box(panel: Image.Image, px: float) -> tuple[float, float, float, float] | None:
    """Ink bounding box (mm) of the recipient area of the panel."""
    area = (round(100 * px), round(45 * px), round(209 * px), round(98 * px))
    crop = panel.crop(area)
    diff = ImageChops.difference(crop, Image.new("RGB", crop.size, "white")).convert("L")
    diff = diff.point(lambda v: 255 if v > 60 else 0)
    box = diff.getbbox()
    if box is None:
        return None
    return (100 + box[0] / px, 45 + box[1] / px, 100 + box[2] / px, 45 + box[3] / px)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args()
    px = args.dpi / 25.4
    panel = render_panel(args.pdf, args.dpi)
    ink = ink_box(panel, px)
    views: list[Image.Image] = []
    ok = True
    for name, (width, height, wx0, wy0, wx1, wy1) in ENVELOPES.items():
        slide_x, slide_y = width - PANEL[0], height - PANEL[1]
        for dx, dy in ((0, 0), (slide_x, 0), (0, slide_y), (slide_x, slide_y)):
            view = Image.new("RGB", (round(width * px), round(height * px)), (205, 205, 205))
            view.paste(panel, (round(dx * px), round(dy * px)))
            shade = Image.new("RGB", view.size, (120, 120, 120))
            mask = Image.new("L", view.size, 150)
            ImageDraw.Draw(mask).rectangle([wx0 * px, wy0 * px, wx1 * px, wy1 * px], fill=0)
            view = Image.composite(shade, view, mask)
            draw = ImageDraw.Draw(view)
            draw.rectangle([wx0 * px, wy0 * px, wx1 * px, wy1 * px], outline=(0, 90, 200), width=2)
            inside = ink is not None and (
                wx0 <= ink[0] + dx and ink[2] + dx <= wx1 and wy0 <= ink[1] + dy and ink[3] + dy <= wy1
            )
            ok = ok and inside
            label = f"{name} sheet +{dx:g}/+{dy:g} mm : {'address fully visible' if inside else 'ADDRESS HIDDEN'}"
            draw.text((8, 6), label, fill=(0, 0, 0))
            print(label)
            views.append(view)
    gap = 12
    sheet = Image.new("RGB", (max(v.width for v in views) * 2 + gap, (max(v.height for v in views) + gap) * 4),
                      "white")
    for index, view in enumerate(views):
        column, row = index % 2, index // 2
        sheet.paste(view, (column * (view.width + gap), row * (max(v.height for v in views) + gap)))
    sheet.save(args.out)
    print(f"recipient ink (mm on the sheet): {ink}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
