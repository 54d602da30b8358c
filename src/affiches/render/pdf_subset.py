"""TrueType subsets for the PDF writer: reportlab's ``makeSubset`` bytes, made with less work.

Contract: ``make_subset(face, subset)`` returns exactly the bytes of reportlab's
``face.makeSubset(subset)`` (``subset``: the code points of one PDF font subset, in
code order): the glyphs of those characters and the parts of composite glyphs,
renumbered in reportlab's order; the tables ``name``, ``OS/2``, ``cvt``, ``fpgm``,
``prep`` copied; ``post``, ``hmtx``, ``hhea``, ``maxp``, ``cmap`` (format 6), ``glyf``,
``loca`` and ``head`` rebuilt; assembled by reportlab's ``TTFontMaker``.

What does not depend on the subset is read once per face and kept (``_FaceTables``):
the copied tables, and each glyph's bytes with the places of its component references.
reportlab reads them again for every subset. A font with a glyph too short to hold its
own header (1 or 2 bytes: not a valid font) is left to reportlab.
"""

from __future__ import annotations

from contextlib import suppress
from struct import error as struct_error
from struct import pack, unpack_from
from typing import Any

from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    TTFontMaker,
)

COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")  # reportlab's order of table additions

_faces: dict[int, _FaceTables] = {}  # id(face) -> its tables (faces live as long as the process)


class _Unusual(Exception):  # noqa: N818 (a signal, not an error)
    """A glyph reportlab would read past its end: its own makeSubset decides."""


class _FaceTables:
    """What ``makeSubset`` reads from a face, read once."""

    def __init__(self, face: Any) -> None:
        self.face = face  # keeps id(face) unique while this entry lives
        self.copied: list[tuple[str, bytes]] = []
        for tag in COPIED:
            with suppress(KeyError):  # cvt, fpgm and prep are optional
                self.copied.append((tag, face.get_table(tag)))
        self.post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.hhea = face.get_table("hhea")
        self.maxp = face.get_table("maxp")
        self.head = face.get_table("head")
        self.glyf = face.get_table("glyf")
        self.positions: list[int] = face.glyphPos
        self.hmetrics: list[tuple[float, float]] = face.hmetrics
        self.char_to_glyph: dict[int, int] = face.charToGlyph
        # glyph -> (its bytes, ((offset of a component's glyph number, that number), …))
        self.glyphs: dict[int, tuple[bytes, tuple[tuple[int, int], ...]]] = {}

    def glyph(self, index: int) -> tuple[bytes, tuple[tuple[int, int], ...]]:
        found = self.glyphs.get(index)
        if found is None:
            start = self.positions[index]
            data = self.glyf[start:self.positions[index + 1]]
            if 0 < len(data) <= 2:
                raise _Unusual(index)
            try:
                components = _components(data)
            except struct_error:  # a truncated composite glyph
                raise _Unusual(index) from None
            found = self.glyphs[index] = (data, components)
        return found


def _components(data: bytes) -> tuple[tuple[int, int], ...]:
    """(offset of the glyph number, glyph number) of each part of a composite glyph."""
    if not data or unpack_from(">h", data)[0] >= 0:
        return ()  # empty or simple glyph
    components: list[tuple[int, int]] = []
    at = 10
    flags = GF_MORE_COMPONENTS
    while flags & GF_MORE_COMPONENTS:
        flags, part = unpack_from(">HH", data, at)
        components.append((at + 2, part))
        at += 8 if flags & GF_ARG_1_AND_2_ARE_WORDS else 6
        if flags & GF_WE_HAVE_A_SCALE:
            at += 2
        elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
            at += 4
        elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
            at += 8
    return tuple(components)


def make_subset(face: Any, subset: list[int]) -> bytes:
    """reportlab's ``face.makeSubset(subset)``, byte for byte (see module docstring)."""
    tables = _faces.get(id(face))
    if tables is None or tables.face is not face:
        tables = _faces[id(face)] = _FaceTables(face)
    try:
        return _make(tables, subset)
    except _Unusual:
        return bytes(face.makeSubset(subset))


def _make(tables: _FaceTables, subset: list[int]) -> bytes:
    char_to_glyph = tables.char_to_glyph
    glyph_map = [0]  # new glyph number -> glyph number in the font
    glyph_set = {0: 0}  # glyph number in the font -> new glyph number
    code_to_glyph: dict[int, int] = {}
    for code in subset:
        original = char_to_glyph.get(code, 0)
        if original not in glyph_set:
            glyph_set[original] = len(glyph_map)
            glyph_map.append(original)
        code_to_glyph[code] = glyph_set[original]
    # The parts of composite glyphs, appended as they are met (reportlab's order).
    n = 0
    while n < len(glyph_map):
        for _at, part in tables.glyph(glyph_map[n])[1]:
            if part not in glyph_set:
                glyph_set[part] = len(glyph_map)
                glyph_map.append(part)
        n += 1

    output = TTFontMaker()
    for tag, data in tables.copied:
        output.add(tag, data)
    output.add("post", tables.post)
    count = len(glyph_map)

    hmetrics = tables.hmetrics
    hmtx: list[int] = []
    for original in glyph_map:
        advance, bearing = hmetrics[original]
        hmtx.append(int(advance))
        hmtx.append(int(bearing))
    # Full pairs up to the last run of equal advances, then the bearings alone.
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    metrics_count = n >> 1
    hmtx = hmtx[:n] + hmtx[n + 1::2]
    output.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
    output.add("hhea", _set_ushort(tables.hhea, 34, metrics_count))
    output.add("maxp", _set_ushort(tables.maxp, 4, count))

    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset)]
    cmap += [code_to_glyph[code] for code in subset]
    output.add("cmap", pack(f">{len(cmap)}H", *cmap))

    offsets = []
    glyf: list[bytes] = []
    pos = 0
    for original in glyph_map:
        offsets.append(pos)
        data, components = tables.glyph(original)
        if components:
            buffer = bytearray(data)
            for at, part in components:
                buffer[at:at + 2] = pack(">H", glyph_set[part])
            data = bytes(buffer)
        glyf.append(data)
        pos += len(data)
        if pos % 4:
            glyf.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    output.add("glyf", b"".join(glyf))
    if (pos + 1) >> 1 > 0xFFFF:
        long_offsets = 1
        output.add("loca", pack(f">{len(offsets)}L", *offsets))
    else:
        long_offsets = 0
        output.add("loca", pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets)))
    output.add("head", _set_ushort(tables.head, 50, long_offsets))
    result: bytes = output.makeStream()
    return result


def _set_ushort(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + pack(">H", value) + data[offset + 2:]
