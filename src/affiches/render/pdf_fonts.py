"""Fonts for the PDF writer: TrueType files registered with reportlab once per process.

Contract: ``font_name(path, name)`` registers a font file (embedded, subset, glyphs
used only) and returns the name to draw with. Each subset gets its own stable
six-letter tag derived from the font's name (``AAAAAA+`` for all is what reportlab
does; preflight tools want distinct tags). The no-break space U+00A0 keeps its own
code in the subsets (drawn with the space's glyph), so the text layer says U+00A0
where the page shows « public : » — reportlab maps it to the plain space otherwise.

A subset's font program, and the compressed streams of font programs and ToUnicode
maps, are made once per content and process (bounded by ``SUBSET_CACHE``): the same
characters give the same bytes, in any document.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

SUBSET_CACHE = 64  # font programs kept per font (each a few kilobytes)
_registered: dict[Path, str] = {}

NBSP = "\u00a0"
NBSP_CODE = 0xA0
_STAND_IN = 0x10FFFD  # a private-use code point no text of ours contains


class _TaggedTTFont(TTFont):
    """A TrueType font whose subsets get their own six-letter tag.

    reportlab names the first subset of every font ``AAAAAA+…``; the PDF standard wants
    different subsets of a file to carry different tags (preflight tools check it). The
    tag is derived from the font's name, so it is the same in every document and process.
    """

    def __init__(self, name: str, filename: str, **options: object) -> None:
        super().__init__(name, filename, **options)
        # A subset's font program depends only on the font file and the characters it
        # holds, in order: documents of one batch often need the same subsets, so the
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

    def splitString(self, text, doc, encoding="utf-8"):  # type: ignore[no-untyped-def]
        """reportlab's, but U+00A0 keeps its own code (ToUnicode U+00A0, glyph: space's).

        reportlab turns every no-break space into a space before subsetting, so copying
        the text or reading it aloud lost the no-break space before « : ».
        """
        if NBSP not in text:
            return super().splitString(text, doc, encoding)
        out: list[tuple[int, bytes]] = []
        for index, part in enumerate(text.split(NBSP)):
            if index:
                out.append(self._nbsp(doc))
            if part:
                out.extend(super().splitString(part, doc, encoding))
        merged: list[tuple[int, bytes]] = []
        for subset, data in out:
            if merged and merged[-1][0] == subset:
                merged[-1] = (subset, merged[-1][1] + data)
            else:
                merged.append((subset, data))
        return merged

    def _nbsp(self, doc):  # type: ignore[no-untyped-def]
        """(subset, byte) of U+00A0 in this document, allocated like any character."""
        super().splitString("", doc)  # makes sure the document's state exists
        state = self.state[doc]
        if NBSP_CODE not in state.assignments:
            # reportlab allocates a code for a stand-in, which is then given to U+00A0.
            faces = self.face
            faces.charToGlyph[_STAND_IN] = faces.charToGlyph[0x20]
            faces.charWidths[_STAND_IN] = faces.charWidths[0x20]
            super().splitString(chr(_STAND_IN), doc)
            code = state.assignments.pop(_STAND_IN)
            state.assignments[NBSP_CODE] = code
            state.subsets[code >> 8][code & 0xFF] = NBSP_CODE
        code = state.assignments[NBSP_CODE]
        return code >> 8, bytes([code & 0xFF])

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
