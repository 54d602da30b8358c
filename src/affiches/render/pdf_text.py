"""Text for the PDF writers: kerned lines, subsets numbered in a fixed order.

Contract: ``prime_subsets(canvas, lines)`` numbers each font's characters in a fixed
order before drawing; ``kerned_show(canvas, name, line)`` gives the PDF operators
showing a ``TextLine`` with its measured kerning (one ``TJ`` array per subset).

What does not depend on the document is computed once per process: the kerning
numbers of a line (``_tj_plan``); with the fixed numbering, the same characters give
the same subset in every document, whose font program ``render.pdf_fonts`` then makes
once. Subset assignment and object numbers are left to reportlab.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from affiches.render.pdf_fonts import font_name
from affiches.scene import TextLine


def prime_subsets(canvas: Canvas, texts: list[TextLine]) -> None:
    """Give each font's characters their subset codes in code-point order, before drawing.

    reportlab numbers characters as it first meets them, so the subsets of two flyers
    would differ as soon as the city names differ; in a fixed order, the same set of
    characters gives the same subset, whose font program is then made once (above)."""
    chars: dict[str, set[str]] = {}
    for line in texts:
        chars.setdefault(font_name(line.font_path, line.font_name), set()).update(line.text)
    doc = canvas._doc
    for name, found in chars.items():
        pdfmetrics.getFont(name).splitString("".join(sorted(found)), doc)


def kerned_show(canvas: Canvas, name: str, item: TextLine) -> str:
    """One ``TJ`` array per font subset: glyphs with the measured kerning between chunks.

    The kerning numbers of a line are computed once per process (``_tj_plan``); the
    line's characters go through the document's subsets in one ``splitString`` call,
    cut back into chunks here (one byte per character)."""
    font = pdfmetrics.getFont(name)
    doc = canvas._doc
    escape = canvas._escape
    plan = _tj_plan(name, item.size, item.chunks)
    pieces = font.splitString("".join(chunk for _dx, chunk in item.chunks), doc)
    if len(pieces) == 1:  # the usual case: the whole line in one subset
        subset, data = pieces[0]
        shown: list[str] = []
        offset = 0
        for gap, length in plan:
            if gap is not None:
                shown.append(gap)
            if length:
                shown.append(f"({escape(data[offset:offset + length])})")
                offset += length
        return f"{font.getSubsetInternalName(subset, doc)} {plan_size(item.size)} Tf [{' '.join(shown)}] TJ"
    ops: list[str] = []
    array: list[str] = []
    current_subset = None
    piece = 0
    subset, data = pieces[0] if pieces else (None, b"")
    offset = 0
    for gap, length in plan:
        if gap is not None:
            array.append(gap)
        while length:
            if offset == len(data):
                piece += 1
                subset, data = pieces[piece]
                offset = 0
            take = min(length, len(data) - offset)
            if subset != current_subset:
                if array and current_subset is not None:
                    ops.append(f"[{' '.join(array)}] TJ")
                    array = []
                ops.append(f"{font.getSubsetInternalName(subset, doc)} {plan_size(item.size)} Tf")
                current_subset = subset
            array.append(f"({escape(data[offset:offset + take])})")
            offset += take
            length -= take
    if array:
        ops.append(f"[{' '.join(array)}] TJ")
    return " ".join(ops)


@lru_cache(maxsize=4096)
def _tj_plan(name: str, size: float,
             chunks: tuple[tuple[float, str], ...]) -> tuple[tuple[str | None, int], ...]:
    """For each chunk of a line: the ``TJ`` number moving the pen to it (None: no gap)
    and its length in characters."""
    font = pdfmetrics.getFont(name)
    plan = []
    pen = 0.0  # where the viewer's pen stands after the glyphs shown so far
    for dx, chunk in chunks:
        gap = dx - pen
        plan.append((fp_str(-gap * 1000 / size) if abs(gap) > 1e-6 else None, len(chunk)))
        pen = dx + font.stringWidth(chunk, size)
    return tuple(plan)


@lru_cache(maxsize=256)
def plan_size(size: float) -> str:
    return str(fp_str(size))
