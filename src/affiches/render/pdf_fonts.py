"""TrueType fonts for reportlab: registered once, subsets tagged, no-break spaces kept.

Contract: ``font_name(path, name)`` registers a TrueType file with reportlab once per
process and returns the name to draw with. Its subsets carry a six-letter tag derived
from the font's name (the same in every document and process; the PDF standard wants
distinct tags for distinct subsets). A no-break space (U+00A0) keeps its own code,
mapped to U+00A0 in the ToUnicode table, so that text copied or extracted from the PDF
keeps French typography (reportlab otherwise shows it as an ordinary space).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

_registered: dict[Path, str] = {}


NBSP = 0x00A0
_NBSP_STANDIN = 0xF8FF  # private use, never in a text


class _TaggedTTFont(TTFont):
    """A TrueType font whose subsets get their own six-letter tag.

    reportlab names the first subset of every font ``AAAAAA+…``; the PDF standard wants
    different subsets of a file to carry different tags (preflight tools check it). The
    tag is derived from the font's name, so it is the same in every document and process.
    """

    def addObjects(self, doc):  # type: ignore[no-untyped-def]
        original = ttfonts.SUBSETN
        offset = zlib.crc32(self.fontName.encode("utf-8")) % 999 * 1000  # six digits with n < 1000
        ttfonts.SUBSETN = lambda n, *a: original(n + offset, *a)
        try:
            super().addObjects(doc)
        finally:
            ttfonts.SUBSETN = original

    # reportlab shows U+00A0 with the space's code, so copied or extracted text loses
    # every no-break space of French typography (« Objet : », « 10 000 »). Here a
    # no-break space gets a code of its own, mapped to U+00A0 in the ToUnicode table.
    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if "\u00a0" not in text or NBSP not in self.face.charToGlyph:
            return super().splitString(text, doc, encoding)  # type: ignore[no-any-return]
        results: list[tuple[int, bytes]] = []
        for index, part in enumerate(text.split("\u00a0")):
            if index:
                results.append(self._nbsp_code(doc))
            if part:
                results.extend(super().splitString(part, doc, encoding))
        merged: list[tuple[int, bytes]] = []
        for subset, data in results:
            if merged and merged[-1][0] == subset:
                merged[-1] = (subset, merged[-1][1] + data)
            else:
                merged.append((subset, data))
        return merged

    def _nbsp_code(self, doc: Any) -> tuple[int, bytes]:
        super().splitString("", doc)  # creates this document's subset state if needed
        state = self.state[doc]
        code = state.assignments.get(NBSP)
        if code is None:
            # Let reportlab allocate a code through a private-use stand-in drawn with the
            # no-break space's glyph, then record it as U+00A0.
            face = self.face
            face.charToGlyph[_NBSP_STANDIN] = face.charToGlyph[NBSP]
            face.charWidths[_NBSP_STANDIN] = face.charWidths.get(NBSP, face.charWidths.get(32, 0))
            [(subset, data)] = super().splitString(chr(_NBSP_STANDIN), doc)
            code = (subset << 8) | data[0]
            codes = state.subsets[subset]
            codes[codes.index(_NBSP_STANDIN)] = NBSP
            del state.assignments[_NBSP_STANDIN]
            state.assignments[NBSP] = code
        return (code >> 8, bytes([code & 0xFF]))


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
