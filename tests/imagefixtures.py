"""Image fixtures made at test time: a phone photo, logos, and hostile files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

SVG_LOGO = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">
  <rect x="4" y="4" width="292" height="112" rx="24" fill="#1d3557"/>
  <circle cx="60" cy="60" r="36" fill="#ffd400"/>
  <path d="M120 30 L280 30 L280 50 L120 50 Z M120 70 L240 70 L240 90 L120 90 Z" fill="#ffffff"/>
</svg>
"""


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header announces ``width`` × ``height`` with almost no data: what a
    decompression bomb looks like before it is unpacked."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
    data += chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


def phone_photo(path: Path, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A landscape-stored JPEG with EXIF orientation 6 (rotate 90° clockwise to view):
    the upright picture is portrait, with a red disc at its top."""
    upright_w, upright_h = size[1], size[0]  # portrait when viewed
    upright = Image.new("RGB", (upright_w, upright_h), (70, 110, 160))
    draw = ImageDraw.Draw(upright)
    for i in range(0, upright_h, 40):  # a sky-to-ground gradient with stripes
        shade = 200 - i * 150 // upright_h
        draw.rectangle([0, i, upright_w, i + 20], fill=(shade, shade, min(255, shade + 40)))
    draw.ellipse([upright_w // 2 - 150, 80, upright_w // 2 + 150, 380], fill=(220, 30, 30))
    draw.rectangle([0, upright_h - 300, upright_w, upright_h], fill=(245, 245, 240))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # orientation 6 undoes this
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(path, format="JPEG", quality=90, exif=exif.tobytes())
    return path


def svg_logo(path: Path, text: str = SVG_LOGO) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def png_logo(path: Path) -> Path:
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 190, 190], fill=(230, 57, 70, 255))
    draw.rectangle([210, 60, 390, 140], fill=(29, 53, 87, 255))
    image.save(path, format="PNG")
    return path


def worst_contrast_under_ink(scene, index: int) -> float:  # type: ignore[no-untyped-def]
    """The lowest WCAG contrast between the text line ``scene.pages[0].items[index]`` and
    the real pixels under its ink: the page as drawn before the line (texts left out)
    rendered by the PNG writer, measured where the line's own glyphs put ink (rendered
    alone, white on black, widened by one pixel)."""
    from dataclasses import replace

    from PIL import ImageFilter

    from affiches.color import Color
    from affiches.images.photo import luminance
    from affiches.render.png import PngOptions, render_image
    from affiches.scene import Page, TextLine

    items = scene.pages[0].items
    line = items[index]
    before = tuple(i for i in items[:index] if not isinstance(i, TextLine))
    backdrop = luminance(render_image(replace(scene, pages=(Page(before),)), PngOptions()))
    alone = replace(scene, background=Color((0, 0, 0)),
                    pages=(Page((replace(line, color=Color((1, 1, 1))),)),))
    mask = render_image(alone, PngOptions()).convert("L").point(lambda v: 255 if v > 16 else 0)
    mask = mask.filter(ImageFilter.MaxFilter(3))
    high = Image.new("F", backdrop.size, 0.0)
    high.paste(backdrop, (0, 0), mask)
    low = Image.new("F", backdrop.size, 1.0)
    low.paste(backdrop, (0, 0), mask)
    darkest, lightest = low.getextrema()[0], high.getextrema()[1]
    text = line.color.luminance()
    if darkest <= text <= lightest:
        return 1.0
    nearest = lightest if lightest < text else darkest
    return (max(text, nearest) + 0.05) / (min(text, nearest) + 0.05)
