"""reportlab fonts and text for the PDF writers: embedded subsets, kerned lines.

Contract: ``font_name(path, name)`` registers a TrueType file with reportlab once per
process (subsets hold only the glyphs used, each subset with its own stable tag) and
returns the name to use; ``prime_subsets(canvas, lines)`` numbers each font's
characters in a fixed order before drawing; ``kerned_show(canvas, name, line)`` gives the PDF operators
showing a ``TextLine`` with its measured kerning (one ``TJ`` array per subset).

What does not depend on the document is computed once per process: the kerning
numbers of a line (``_tj_plan``), and the font program of a subset and its compressed
stream (the same characters give the same bytes; bounded by ``SUBSET_CACHE`` per font). What does
(subset assignment, object numbers) is left to reportlab, so output is byte for byte
what reportlab alone writes.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from pathlib import Path

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from affiches.scene import TextLine

SUBSET_CACHE = 64  # font programs kept per font (each a few kilobytes)
_registered: dict[Path, str] = {}


class _TaggedTTFont(TTFont):
    """A TrueType font whose subsets get their own six-letter tag.

    reportlab names the first subset of every font ``AAAAAA+…``; the PDF standard wants
    different subsets of a file to carry different tags (preflight tools check it). The
    tag is derived from the font's name, so it is the same in every document and process.
    """

    def __init__(self, name: str, filename: str, **options: object) -> None:
        super().__init__(name, filename, **options)
        # A subset's font program depends only on the font file and the characters it
        # holds, in order: documents of one batch mostly need the same subsets, so the
        # bytes are made once per process (bounded).
        make_subset = self.face.makeSubset
        made: dict[tuple[int, ...], bytes] = {}

        def cached_subset(subset: list[int]) -> bytes:
            key = tuple(subset)
            data = made.get(key)
            if data is None:
                if len(made) >= SUBSET_CACHE:
                    made.clear()
                data = made[key] = make_subset(subset)
            return data

        self.face.makeSubset = cached_subset

    def addObjects(self, doc):  # type: ignore[no-untyped-def]
        original = ttfonts.SUBSETN
        offset = zlib.crc32(self.fontName.encode("utf-8")) % 999 * 1000  # six digits with n < 1000
        ttfonts.SUBSETN = lambda n, *a: original(n + offset, *a)
        try:
            super().addObjects(doc)
        finally:
            ttfonts.SUBSETN = original
        # The font programs and ToUnicode maps just added are compressed once per content.
        prefixes = (f"fontFile:{self.face.filename}(", "toUnicodeCMap:")
        for name, obj in doc.idToObject.items():
            if name.startswith(prefixes) and getattr(obj, "filters", None):
                obj.filters = [REMEMBERED_FLATE]


class _RememberedFlate:
    """reportlab's FlateDecode filter, remembering its output for the same input (bounded):
    the same subset in many documents is compressed once."""

    pdfname = "FlateDecode"

    def __init__(self) -> None:
        self.made: dict[bytes, bytes] = {}

    def encode(self, data: bytes | str) -> bytes:
        if isinstance(data, str):
            data = data.encode("utf-8")
        found = self.made.get(data)
        if found is None:
            if len(self.made) >= 4 * SUBSET_CACHE:
                self.made.clear()
            found = self.made[data] = zlib.compress(data)
        return found

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


REMEMBERED_FLATE = _RememberedFlate()


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


def font_name(path: Path, name: str) -> str:
    """Register a TrueType file with reportlab once; return the name to use."""
    registered = _registered.get(path)
    if registered is None:
        registered = name
        # Two different files with the same stem get distinct names.
        while registered in _registered.values():
            registered += "_"
        # asciiReadable=False: a subset holds only the glyphs used (reportlab otherwise
        # puts all 95 ASCII glyphs in every subset, doubling the file); text stays
        # extractable through the ToUnicode map.
        pdfmetrics.registerFont(_TaggedTTFont(registered, str(path), asciiReadable=False))
        _registered[path] = registered
    return registered


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
