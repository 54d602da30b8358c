"""Text for the PDF writers: kerned lines, subsets numbered in a fixed order.

Contract: ``prime_subsets(canvas, lines)`` numbers each font's characters in a fixed
order before drawing; ``text_object(canvas, name, line, fill, x, y)`` gives the text
object (``BT … ET``) reportlab writes for a ``TextLine`` drawn at PDF position (x, y)
with the fill operator ``fill`` and its measured kerning (``kerned_show``: one ``TJ``
array per subset) — the same characters as reportlab's ``PDFTextObject``.

What does not depend on the document is computed once per process: the kerning
numbers of a line (``_tj_plan``); with the fixed numbering, the same characters give
the same subset in every document, whose objects ``render.pdf_fonts`` then makes
once. Once a document's characters are numbered, each font gets a table from
character to its escaped one-byte code, so a line is written with ``str.translate``
rather than reportlab's per-character ``splitString`` (which still serves lines not
primed and fonts needing more than one subset). A numbering (reportlab's state after
numbering a set of characters, and its table) is kept per font and set of characters
(bounded), and given as is to the next fresh document with the same characters.
Object numbers are left to reportlab.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from affiches.render.pdf_fonts import font_name
from affiches.scene import TextLine

_PRIMED = "_affiches_primed"  # canvas attribute: font name -> _Primed
NUMBERING_CACHE = 256  # numberings kept (font and set of characters)


class _Primed:
    """A font's numbering in one document: character → its code in the first subset,
    escaped for a PDF string (for ``str.translate``), and the lines it was made from."""

    __slots__ = ("codes", "internal", "lines")

    def __init__(self, codes: dict[int, str], lines: set[str]) -> None:
        self.codes = codes
        self.lines = lines  # a line not among them goes through reportlab's splitString
        self.internal: str | None = None  # the subset's resource name, once drawn


def prime_subsets(canvas: Canvas, texts: list[TextLine]) -> None:
    """Give each font's characters their subset codes in code-point order, before drawing.

    reportlab numbers characters as it first meets them, so the subsets of two flyers
    would differ as soon as the city names differ; in a fixed order, the same set of
    characters gives the same subset, whose objects are then made once (pdf_fonts)."""
    chars: dict[str, set[str]] = {}
    lines: dict[str, set[str]] = {}
    for line in texts:
        name = font_name(line.font_path, line.font_name)
        chars.setdefault(name, set()).update(line.text)
        lines.setdefault(name, set()).add(line.text)
    doc = canvas._doc
    primed: dict[str, _Primed] = {}
    for name, found in chars.items():
        font = pdfmetrics.getFont(name)
        ordered = "".join(sorted(found))
        known = _numberings.get((name, ordered))
        if known is not None and doc not in font.state:
            codes = known.start(font, doc)
        else:
            font.splitString(ordered, doc)
            known = _Numbering(font.state[doc], found)
            if len(_numberings) >= NUMBERING_CACHE:
                _numberings.clear()
            _numberings[(name, ordered)] = known
            codes = known.codes
        if codes is not None:  # else more than 255 characters: reportlab's splitString
            primed[name] = _Primed(codes, lines[name])
    setattr(canvas, _PRIMED, primed)


class _Numbering:
    """A font's state in a document after its characters were numbered (what
    ``splitString`` of the ordered characters leaves in a fresh document), and the
    translate table of those codes (None if they need more than one subset)."""

    def __init__(self, state: TTFont.State, found: set[str]) -> None:
        self.assignments = dict(state.assignments)
        self.subsets = [list(subset) for subset in state.subsets]
        self.next_code = state.nextCode
        self.codes: dict[int, str] | None = None
        if len(state.subsets) == 1:
            # reportlab's code for a character: its assignment, 0 (.notdef) if the font lacks it.
            assignments = state.assignments
            self.codes = {ord(char): escapePDF(chr(assignments.get(ord(char), 0))) for char in found}

    def start(self, font: TTFont, doc: object) -> dict[int, str] | None:
        """Give ``font`` this numbering in the fresh document ``doc``."""
        state = font.state[doc] = TTFont.State(font._asciiReadable, font)
        state.assignments = dict(self.assignments)
        state.subsets = [list(subset) for subset in self.subsets]
        state.nextCode = self.next_code
        return self.codes


_numberings: dict[tuple[str, str], _Numbering] = {}  # (font, its characters in order)


def text_object(canvas: Canvas, name: str, item: TextLine, fill: str, x: float, y: float) -> str:
    """What ``canvas.beginText()``, ``setFillColor``, ``setTextOrigin(x, y)``, the
    kerned show and ``drawText`` write for a line (bottom-up canvas)."""
    return f"BT 1 0 0 1 0 0 Tm {fill} 1 0 0 1 {fp_str(x, y)} Tm {kerned_show(canvas, name, item)} ET"


def kerned_show(canvas: Canvas, name: str, item: TextLine) -> str:
    """One ``TJ`` array per font subset: glyphs with the measured kerning between chunks.

    The kerning numbers of a line are computed once per process (``_tj_plan``); a
    primed font's characters become their codes through the document's table."""
    font: _Primed | None = getattr(canvas, _PRIMED, {}).get(name)
    plan = _tj_plan(name, item.size, item.chunks)
    # Every character of a primed line has its code (the chunks are the line's text).
    if font is not None and item.text in font.lines and plan.text == item.text:
        codes = font.codes
        shown: list[str] = []
        for gap, chunk in plan.parts:
            if gap is not None:
                shown.append(gap)
            if chunk:
                shown.append(f"({chunk.translate(codes)})")
        internal = font.internal
        if internal is None:  # the first line of this font in the document names it
            internal = font.internal = pdfmetrics.getFont(name).getSubsetInternalName(0, canvas._doc)
        return f"{internal} {plan_size(item.size)} Tf [{' '.join(shown)}] TJ"
    return _split_show(canvas, name, item)


def _split_show(canvas: Canvas, name: str, item: TextLine) -> str:
    """``kerned_show`` through reportlab's ``splitString`` (any number of subsets)."""
    font = pdfmetrics.getFont(name)
    doc = canvas._doc
    escape = canvas._escape
    plan = _tj_plan(name, item.size, item.chunks)
    pieces = font.splitString("".join(chunk for _dx, chunk in item.chunks), doc)
    ops: list[str] = []
    array: list[str] = []
    current_subset = None
    piece = 0
    subset, data = pieces[0] if pieces else (None, b"")
    offset = 0
    for gap, chunk in plan.parts:
        if gap is not None:
            array.append(gap)
        length = len(chunk)
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


class _Plan:
    """A line's ``TJ`` plan: for each chunk, the number moving the pen to it (None: no
    gap) and its text."""

    __slots__ = ("parts", "text")

    def __init__(self, parts: tuple[tuple[str | None, str], ...]) -> None:
        self.parts = parts
        self.text = "".join(chunk for _gap, chunk in parts)


@lru_cache(maxsize=512)
def _tj_plan(name: str, size: float, chunks: tuple[tuple[float, str], ...]) -> _Plan:
    """The ``TJ`` plan of a line (see ``_Plan``), computed once per process."""
    font = pdfmetrics.getFont(name)
    parts = []
    pen = 0.0  # where the viewer's pen stands after the glyphs shown so far
    for dx, chunk in chunks:
        gap = dx - pen
        parts.append((fp_str(-gap * 1000 / size) if abs(gap) > 1e-6 else None, chunk))
        pen = dx + font.stringWidth(chunk, size)
    return _Plan(tuple(parts))


@lru_cache(maxsize=256)
def plan_size(size: float) -> str:
    return str(fp_str(size))
