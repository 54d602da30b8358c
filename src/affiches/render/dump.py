"""Text dump of a scene: a stable, human-readable form for golden tests and debugging.

Contract: ``dump_scene(scene)`` returns one header line for the scene, one for its
title, then ``page N`` and one indented line per primitive, numbers with two
decimals, colours as ``#rrggbb`` (plus the layout's CMYK when it gives one). The
format is what ``tests/golden/*.txt`` hold: changing it changes every golden file.
Light to import (no reportlab, no Pillow).
"""

from __future__ import annotations

from affiches.color import Color
from affiches.render.painter import Painter
from affiches.scene import Image, Line, Picture, QRCode, Rect, Scene, TextLine


def _num(value: float) -> str:
    return f"{value:.2f}"


def _color(color: Color | None) -> str:
    if color is None:
        return "none"
    return color.hex + (f"/cmyk{tuple(round(c, 3) for c in color.cmyk)}" if color.cmyk else "")


class TextDumper(Painter):
    """The painter behind ``dump_scene``: one line per primitive."""

    def begin_document(self, scene: Scene) -> None:
        self.lines = [
            f"scene {_num(scene.width)}x{_num(scene.height)}pt pages={len(scene.pages)} "
            f"background={_color(scene.background)} pixels={scene.pixel_size}",
            f"title={scene.title!r}",
        ]

    def begin_page(self, scene: Scene, index: int) -> None:
        self.lines.append(f"page {index + 1}")

    def end_document(self, scene: Scene) -> str:
        return "\n".join(self.lines) + "\n"

    def rect(self, item: Rect) -> None:
        kind = "ellipse" if item.ellipse else "rect"
        self.lines.append(
            f"  {kind} {_num(item.x)} {_num(item.y)} {_num(item.width)} {_num(item.height)} "
            f"fill={_color(item.fill)} stroke={_color(item.stroke)}/{_num(item.stroke_width)}"
        )

    def line(self, item: Line) -> None:
        self.lines.append(
            f"  line {_num(item.x1)} {_num(item.y1)} {_num(item.x2)} {_num(item.y2)} "
            f"{_color(item.color)}/{_num(item.width)}"
        )

    def text(self, item: TextLine) -> None:
        self.lines.append(
            f"  text [{item.block}] {_num(item.x)} {_num(item.baseline)} {item.font_name} "
            f"{_num(item.size)} {_color(item.color)} w={_num(item.width)} {item.text!r}"
        )

    def qr(self, item: QRCode) -> None:
        self.lines.append(
            f"  qr {_num(item.x)} {_num(item.y)} {_num(item.size)} "
            f"modules={len(item.matrix)} quiet={item.quiet_zone} {item.data!r}"
        )

    def image(self, item: Image) -> None:
        self.lines.append(
            f"  image {_num(item.x)} {_num(item.y)} {_num(item.width)} {_num(item.height)} "
            f"{item.path.name}"
        )

    def artwork(self, item: Picture) -> None:
        self.lines.append(
            f"  {item.role} [{item.block}] {_num(item.x)} {_num(item.y)} {_num(item.width)} "
            f"{_num(item.height)} {item.kind} {item.name} {item.digest}"
        )


def dump_scene(scene: Scene) -> str:
    """Stable, human-readable text form of a scene (see module docstring)."""
    text: str = TextDumper().paint(scene)
    return text
