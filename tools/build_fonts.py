"""Build the bundled fonts in ``assets/fonts/`` from the Debian font packages.

Contract: reads the TrueType files of fonts-roboto-unhinted (Apache-2.0) and
fonts-manrope (SIL OFL 1.1, no Reserved Font Name), subsets them to the repertoire of
French and the other Latin-script languages written in France (Latin-1, Latin
Extended-A, typographic punctuation), keeps kerning and ligatures, drops hinting
(useless at print sizes),
and writes deterministic files (same input, same bytes). Beside each font it writes
``NAME.metrics`` (format 4 of ``affiches.text.metricscache``: packed integer tables),
the precomputed metrics ``affiches.text.fonts`` loads instead of parsing the font with
fontTools (keyed by the font's SHA-256, so a stale file is ignored).
Run once by a maintainer: ``python tools/build_fonts.py``; the outputs are committed.
``python tools/build_fonts.py --metrics`` only rewrites the metrics files.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "fonts"

ROBOTO = "/usr/share/fonts/truetype/roboto/unhinted/"
MANROPE = "/usr/share/fonts/truetype/manrope/"
SOURCES = {
    "RobotoCondensed-Bold.ttf": ROBOTO + "RobotoCondensed-Bold.ttf",
    "RobotoCondensed-Regular.ttf": ROBOTO + "RobotoCondensed-Regular.ttf",
    "Manrope-Regular.ttf": MANROPE + "Manrope-Regular.ttf",
    "Manrope-Bold.ttf": MANROPE + "Manrope-Bold.ttf",
    "Manrope-ExtraBold.ttf": MANROPE + "Manrope-ExtraBold.ttf",
}
# Narrow spaces French typography needs; added as empty glyphs where a font lacks them.
NARROW_SPACES = {0x202F: "uni202F", 0x2009: "uni2009"}
NARROW_SPACE_EM = 0.15

# Printable ASCII, Latin-1 Supplement, Latin Extended-A, and the punctuation French uses.
UNICODES = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x100))
    + list(range(0x100, 0x180))
    + [0x0178, 0x0152, 0x0153, 0x02BC, 0x02C6, 0x02DC]
    + list(range(0x2010, 0x2027))  # dashes, quotes, bullet, ellipsis
    + [0x2009, 0x202F, 0x2030, 0x2039, 0x203A, 0x2044, 0x20AC, 0x2116, 0x2122, 0x2192, 0x2212]
)


def build_one(name: str, source: str) -> None:
    options = subset.Options()
    options.layout_features = ["kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(source, recalcTimestamp=False)
    add_narrow_spaces(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    font.save(OUT / name)


def add_narrow_spaces(font: TTFont) -> None:
    """Give the font the narrow (no-break) spaces of French typography if it lacks them."""
    cmap = font.getBestCmap()
    missing = {u: n for u, n in NARROW_SPACES.items() if u not in cmap}
    if not missing:
        return
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    advance = round(font["head"].unitsPerEm * NARROW_SPACE_EM)
    order = font.getGlyphOrder()
    for codepoint, glyph_name in missing.items():
        order.append(glyph_name)
        font["glyf"][glyph_name] = TTGlyphPen(None).glyph()
        font["hmtx"][glyph_name] = (advance, 0)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[codepoint] = glyph_name
    font.setGlyphOrder(order)
    font["maxp"].numGlyphs = len(order)


def ofl_text() -> str:
    """The SIL OFL 1.1 text, as Debian's fonts-manrope copyright file carries it."""
    lines = Path("/usr/share/doc/fonts-manrope/copyright").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("License: OFL-1.1"))
    body = []
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    header = "Copyright 2019 The Manrope Project Authors (https://github.com/sharanda/manrope)\n\n"
    return header + "\n".join(body) + "\n"


def write_metrics() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from affiches.text.fontfile import write_metrics_cache

    for name in SOURCES:
        print(write_metrics_cache(OUT / name))


def main() -> None:
    if "--metrics" not in sys.argv[1:]:
        OUT.mkdir(parents=True, exist_ok=True)
        for name, source in SOURCES.items():
            build_one(name, source)
        apache = OUT / "RobotoCondensed-LICENSE-Apache-2.0.txt"
        shutil.copyfile("/usr/share/common-licenses/Apache-2.0", apache)
        (OUT / "Manrope-OFL.txt").write_text(ofl_text())
    write_metrics()


if __name__ == "__main__":
    main()
