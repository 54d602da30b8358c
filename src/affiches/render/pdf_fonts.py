"""Fonts for the PDF writer: TrueType files registered with reportlab once per process.

Contract: ``font_name(path, name)`` registers a font file (embedded, subset, glyphs
used only) and returns the name to draw with. Each subset gets its own stable
six-letter tag derived from the font's name (``AAAAAA+`` for all is what reportlab
does; preflight tools want distinct tags). The no-break space U+00A0 keeps its own
code in the subsets (drawn with the space's glyph), so the text layer says U+00A0
where the page shows « public : » — reportlab maps it to the plain space otherwise.

A subset's four PDF objects (font dictionary, descriptor, font program, ToUnicode map)
are the ones reportlab writes, byte for byte, but formatted and compressed once per
content and process (bounded by ``SUBSET_CACHE``; ``render.pdf_objects``): only the
object numbers and the font's resource name are filled in per document, so the same
characters give the same bytes in any document, whatever the cache holds.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from affiches.render.pdf_objects import Preformatted, Raw, Slot, Template, array, number, usable
from affiches.render.pdf_subset import make_subset

SUBSET_CACHE = 64  # subsets kept per font (each a few kilobytes of formatted objects)
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
        # (subset number, characters, compression) -> the subset's objects, see addObjects.
        self._made: dict[tuple[int, tuple[int, ...], int], _SubsetObjects] = {}
        self._descriptors: dict[int, Template] = {}  # subset number -> descriptor template
        self._widths: dict[int, bytes] = {}  # code point -> its width, formatted

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
        """reportlab's objects for each subset (same bytes, same object numbers), made
        once per content (``_subset_objects``) with only references and names filled in."""
        if not usable(doc):
            return self._reportlab_objects(doc)
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable, self)
        state.frozen = 1
        font_dict = doc.idToObject["BasicFonts"].dict
        file_name = self.face.filename
        for n, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            made = self._subset_objects(doc, n, subset)
            base = made.base_name
            # Registered in reportlab's order, under its names: same object numbers.
            to_unicode = doc.Reference(Preformatted(made.to_unicode), "toUnicodeCMap:" + base)
            font_file = doc.Reference(Preformatted(made.font_file), f"fontFile:{file_name}({base})")
            descriptor = doc.Reference(made.descriptor.fill((font_file,)), "fontDescriptor:" + base)
            pdf_font = made.font.fill((pdfdoc.PDFName(internal), descriptor, to_unicode))
            doc.Reference(pdf_font, internal)
            font_dict[internal] = pdf_font
        del self.state[doc]
        return None

    def _subset_objects(self, doc, n: int, subset: list[int]) -> _SubsetObjects:  # type: ignore[no-untyped-def]
        key = (n, tuple(subset), doc.compression)
        made = self._made.get(key)
        if made is None:
            if len(self._made) >= SUBSET_CACHE:
                self._made.clear()
            made = self._made[key] = _SubsetObjects.make(self, doc, n, subset)
        return made

    def _reportlab_objects(self, doc):  # type: ignore[no-untyped-def]
        """reportlab's own addObjects, with this font's subset tags."""
        original = ttfonts.SUBSETN
        offset = self._tag_offset
        ttfonts.SUBSETN = lambda n, *a: original(n + offset, *a)
        try:
            super().addObjects(doc)
        finally:
            ttfonts.SUBSETN = original

    @property
    def _tag_offset(self) -> int:
        return zlib.crc32(self.fontName.encode("utf-8")) % 999 * 1000  # six digits with n < 1000


class _SubsetObjects:
    """One subset's objects as reportlab formats them (``ttfonts.TTFont.addObjects`` and
    ``TTFontFace.addSubsetObjects``): two streams without references, and templates of
    the descriptor (slot 0: the font program) and of the font dictionary (slots: its
    resource name, descriptor and ToUnicode map)."""

    def __init__(self, base_name: str, to_unicode: bytes, font_file: bytes,
                 descriptor: Template, font: Template) -> None:
        self.base_name = base_name
        self.to_unicode = to_unicode
        self.font_file = font_file
        self.descriptor = descriptor
        self.font = font

    @classmethod
    def make(cls, font: _TaggedTTFont, doc, n: int, subset: list[int]) -> _SubsetObjects:  # type: ignore[no-untyped-def]
        face = font.face
        tag = ttfonts.SUBSETN(n + font._tag_offset)
        base = b"".join((tag, b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        filters = [pdfdoc.PDFZCompress] if doc.compression else None
        cmap = pdfdoc.PDFStream(content=ttfonts.makeToUnicodeCMap(base, subset), filters=filters)
        program = make_subset(face, subset)
        font_file = pdfdoc.PDFStream(content=program, filters=filters)
        font_file.dictionary["Length1"] = len(program)
        descriptor = font._descriptors.get(n)
        if descriptor is None:
            descriptor = font._descriptors[n] = Template.of(_descriptor(face, base), doc)
        widths = font._widths
        for code in subset:
            if code not in widths:
                widths[code] = number(face.getCharWidth(code))
        # pdfdoc.PDFTrueTypeFont's dictionary (its keys are sorted when formatted).
        dictionary = pdfdoc.PDFDictionary({
            "Type": pdfdoc.PDFName("Font"),
            "Subtype": pdfdoc.PDFName("TrueType"),
            "BaseFont": pdfdoc.PDFName(base),
            "Name": Slot(0),
            "FirstChar": 0,
            "LastChar": len(subset) - 1,
            "Widths": Raw(array([widths[code] for code in subset])),
            "ToUnicode": Slot(2),
            "FontDescriptor": Slot(1),
        })
        return cls(base, pdfdoc.format(cmap, doc, toplevel=1), pdfdoc.format(font_file, doc, toplevel=1),
                   descriptor, Template.of(dictionary, doc))


def _descriptor(face: ttfonts.TTFontFace, base: str) -> pdfdoc.PDFDictionary:
    """reportlab's FontDescriptor of a subset (``TTFontFace.addSubsetObjects``); slot 0:
    the font program."""
    return pdfdoc.PDFDictionary({
        "Type": "/FontDescriptor",
        "Ascent": face.ascent,
        "CapHeight": face.capHeight,
        "Descent": face.descent,
        "Flags": (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC,
        "FontBBox": pdfdoc.PDFArray(face.bbox),
        "FontName": pdfdoc.PDFName(base),
        "ItalicAngle": face.italicAngle,
        "StemV": face.stemV,
        "FontFile2": Slot(0),
        "MissingWidth": face.defaultWidth,
    })


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
