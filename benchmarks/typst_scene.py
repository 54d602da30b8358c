"""The Typst equivalent of an affiches scene, for the speed comparison (issue 14).

Contract: ``TypstKit(font_dirs)`` holds one ``typst.Compiler`` (reused, fonts loaded
once, as a user of the Python binding would); ``source(scene)`` is the Typst markup
drawing the same primitives at the same places (pages, background, rectangles and
ellipses, lines, each text line at its baseline in its font, size and colour, the QR
code as one rectangle per run of dark modules); ``pdf(scene)`` and ``png(scene)``
compile it. Typst does its own shaping and kerning: the text is the same, the glyph
positions may differ by a fraction of a point. Benchmark-only (the ``bench`` extra).
"""

from __future__ import annotations

import json
from pathlib import Path

from affiches.color import Color
from affiches.scene import Image, Line, QRCode, Rect, Scene, TextLine

WEIGHTS = {"thin": 100, "extralight": 200, "light": 300, "regular": 400, "medium": 500,
           "semibold": 600, "bold": 700, "extrabold": 800, "black": 900}


def _color(color: Color) -> str:
    return 'rgb("#{:02x}{:02x}{:02x}")'.format(*color.rgb255())


def _pt(value: float) -> str:
    return f"{value:.3f}pt"


_FAMILIES: dict[Path, str] = {}


def family(path: Path) -> str:
    """Typst's font arguments for a font file (family, weight, stretch; read once with Pillow).

    Typst files "Roboto Condensed" under the family "Roboto" with a narrower stretch."""
    found = _FAMILIES.get(path)
    if found is None:
        from PIL import ImageFont

        name, style = ImageFont.truetype(str(path), 10).getname()
        name = name or path.stem
        weight = WEIGHTS.get((style or "").lower().replace(" ", ""), 400)
        stretch = ""
        if name.endswith(" Condensed"):
            name, stretch = name.removesuffix(" Condensed"), ", stretch: 75%"
        found = _FAMILIES[path] = f"font: {json.dumps(name)}, weight: {weight}{stretch}"
    return found


def source(scene: Scene) -> str:
    out = [f"#set page(width: {_pt(scene.width)}, height: {_pt(scene.height)}, margin: 0pt, "
           f"fill: {_color(scene.background)})",
           "#set text(kerning: true, ligatures: false)"]
    for number, page in enumerate(scene.pages):
        if number:
            out.append("#pagebreak()")
        for item in page.items:
            out.extend(_item(item))
    return "\n".join(out) + "\n"


def _item(item: object) -> list[str]:
    if isinstance(item, Rect):
        fill = _color(item.fill) if item.fill else "none"
        stroke = (f"{_pt(item.stroke_width)} + {_color(item.stroke)}"
                  if item.stroke and item.stroke_width > 0 else "none")
        shape = "ellipse" if item.ellipse else "rect"
        return [f"#place(top + left, dx: {_pt(item.x)}, dy: {_pt(item.y)}, {shape}(width: "
                f"{_pt(item.width)}, height: {_pt(item.height)}, fill: {fill}, stroke: {stroke}))"]
    if isinstance(item, Line):
        return [f"#place(top + left, line(start: ({_pt(item.x1)}, {_pt(item.y1)}), end: "
                f"({_pt(item.x2)}, {_pt(item.y2)}), stroke: {_pt(item.width)} + {_color(item.color)}))"]
    if isinstance(item, TextLine):
        # A box wider than any page: a line never wraps (as in the scene).
        return [f"#place(top + left, dx: {_pt(item.x)}, dy: {_pt(item.baseline)}, box(width: 5000pt, "
                f"text({family(item.font_path)}, size: {_pt(item.size)}, fill: "
                f"{_color(item.color)}, top-edge: \"baseline\", bottom-edge: \"baseline\", "
                f"{json.dumps(item.text, ensure_ascii=False)})))"]
    if isinstance(item, QRCode):
        module = item.module
        x0 = item.x + item.quiet_zone * module
        y0 = item.y + item.quiet_zone * module
        lines = [f"#place(top + left, dx: {_pt(item.x)}, dy: {_pt(item.y)}, rect(width: "
                 f"{_pt(item.size)}, height: {_pt(item.size)}, fill: {_color(item.light)}, stroke: none))"]
        dark = _color(item.dark)
        for row, start, end in item.dark_runs():
            lines.append(f"#place(top + left, dx: {_pt(x0 + start * module)}, dy: "
                         f"{_pt(y0 + row * module)}, rect(width: {_pt((end - start) * module)}, "
                         f"height: {_pt(module)}, fill: {dark}, stroke: none))")
        return lines
    if isinstance(item, Image):
        return [f"#place(top + left, dx: {_pt(item.x)}, dy: {_pt(item.y)}, image("
                f"{json.dumps(str(item.path))}, width: {_pt(item.width)}, height: {_pt(item.height)}))"]
    raise TypeError(type(item).__name__)


class TypstKit:
    """One reused Typst compiler with the package's fonts (see module docstring)."""

    def __init__(self, font_dirs: list[Path]) -> None:
        import typst

        self.compiler = typst.Compiler(font_paths=[str(d) for d in font_dirs], ignore_system_fonts=True,
                                       root="/")

    def pdf(self, scene: Scene, markup: str | None = None) -> bytes:
        data = self.compiler.compile(input=(markup or source(scene)).encode(), format="pdf",
                                     timestamp=0, pdf_tags=False)
        assert isinstance(data, bytes)
        return data

    def png(self, scene: Scene, markup: str | None = None) -> bytes:
        width = scene.pixel_size[0] if scene.pixel_size else round(scene.width * 150 / 72)
        data = self.compiler.compile(input=(markup or source(scene)).encode(), format="png",
                                     ppi=width / (scene.width / 72))
        if isinstance(data, list):
            data = data[0]
        assert isinstance(data, bytes)
        return data
