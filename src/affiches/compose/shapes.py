"""Composing shape and image blocks: boxes turned into primitives in points. Pure.

Contract: ``compose_shape`` gives a ``Line`` (from the box's top-left to its
bottom-right corner) or a ``Rect`` (``ellipse`` flag for ellipses); a rectangle that
touches a page edge is marked as bleeding there (print modes extend it into the
bleed). ``compose_image`` gives an ``Image`` of the file resolved when the layout was
loaded; the file is not opened here (writers read it).
"""

from __future__ import annotations

from collections.abc import Mapping

from affiches.gabarits import ImageBlock, Layout, ShapeBlock
from affiches.scene import Image, Line, Primitive, Rect


def compose_shape(block: ShapeBlock, layout: Layout, variables: Mapping[str, str],
                  pictures: object = None) -> list[Primitive]:
    box = block.box.scaled(layout.to_pt)
    if block.shape == "line":
        assert block.stroke is not None
        return [
            Line(box.x, box.y, box.x + box.width, box.y + box.height, block.stroke,
                 block.stroke_width * layout.font_to_pt)
        ]
    eps = 1e-6
    page_w, page_h = layout.width, layout.height
    b = block.box
    bleeds = (
        b.x <= eps,
        b.y <= eps,
        b.x + b.width >= page_w - eps,
        b.y + b.height >= page_h - eps,
    )
    return [
        Rect(
            box.x,
            box.y,
            box.width,
            box.height,
            fill=block.fill,
            stroke=block.stroke,
            stroke_width=block.stroke_width * layout.font_to_pt,
            ellipse=block.shape == "ellipse",
            # A rectangle bleeds on the sides it touches; an ellipse only when it touches
            # all four (a sticker's die-cut disc: it grows evenly around its centre).
            bleeds=bleeds if block.shape == "rect" or all(bleeds) else (False, False, False, False),
        )
    ]


def compose_image(block: ImageBlock, layout: Layout, variables: Mapping[str, str],
                  pictures: object = None) -> list[Primitive]:
    box = block.box.scaled(layout.to_pt)
    return [Image(box.x, box.y, box.width, box.height, block.path)]
