"""Properties of the pure line breaking and size fitting (affiches.text.textfit).

The fitted text must never leave its box, breaks may happen only at ordinary spaces,
after hyphens or at explicit newlines, and the size chosen is the largest on the
step grid that fits. Checked with Hypothesis on the real bundled fonts.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from affiches.text.breaks import GLUE_FULL, glue_pieces, split_pieces
from affiches.text.fonts import FontMetrics, find_font
from affiches.text.ink import MIN_INK_GAP
from affiches.text.textfit import SIZE_STEP, fit_text, greedy_lines, layout_at

FONTS = {
    name: FontMetrics.load(find_font(name))
    for name in ("Manrope-Regular", "Manrope-ExtraBold", "RobotoCondensed-Bold")
}
EPS = 1e-6
NBSP = "\u00a0"
NNBSP = "\u202f"
HYPHENS = "-\u2010"

word_chars = st.sampled_from(
    list("aeimnoprstuvzAVWTÉÈÀÇéèàçôœ’',.;:!?«»0123456789") + ["-", "\u2010", NBSP, NNBSP]
)
words = st.text(word_chars, min_size=1, max_size=12).filter(lambda w: w.strip(NBSP + NNBSP))
separators = st.sampled_from([" "] * 8 + ["\n"])


@st.composite
def texts(draw: st.DrawFn, newlines: bool = True) -> str:
    items = draw(st.lists(words, min_size=1, max_size=14))
    out = items[0]
    for word in items[1:]:
        out += (draw(separators) if newlines else " ") + word
    return out


@st.composite
def boxes(draw: st.DrawFn) -> dict:
    size_min = draw(st.integers(16, 160)) * SIZE_STEP  # 4 .. 40 pt
    steps = draw(st.integers(0, 60))
    return {
        "box_width": draw(st.floats(20, 600)),
        "box_height": draw(st.floats(8, 400)),
        "size_min": size_min,
        "size_max": size_min + steps * SIZE_STEP,
        "max_lines": draw(st.integers(1, 6)),
        "line_height": draw(st.sampled_from([0.9, 1.0, 1.2, 1.4])),
        "balance": draw(st.booleans()),
    }


fonts = st.sampled_from(sorted(FONTS))


def reconstruct(text: str, lines: tuple[str, ...]) -> None:
    """Assert ``lines`` is ``text`` cut only at allowed places (spaces dropped).

    Each break consumes an ordinary space or a newline, or follows a hyphen, so a
    no-break space (U+00A0, U+202F) is never a break point.
    """
    pos = 0
    for index, line in enumerate(lines):
        assert "\n" not in line
        assert not line.startswith(" ") and not line.endswith(" "), repr(line)
        assert text.startswith(line, pos), f"line {line!r} is not the text at {pos}: {text!r}"
        pos += len(line)
        if index == len(lines) - 1:
            break
        # The break just after ``line``: a space or newline (consumed) or after a hyphen.
        if text[pos] in " \n":
            pos += 1
        else:
            assert line and line[-1] in HYPHENS, f"break inside a word: {line!r} | {text[pos:]!r}"
    assert pos == len(text), f"text lost after {pos}: {text!r} -> {lines!r}"


# --------------------------------------------------------------------- properties


@given(text=texts(), box=boxes(), font=fonts)
def test_fitted_text_never_leaves_its_box(text: str, box: dict, font: str) -> None:
    metrics = FONTS[font]
    fitted = fit_text(text, metrics, **box)
    if fitted is None:
        return
    assert box["size_min"] - EPS <= fitted.size <= box["size_max"] + EPS
    # On the size grid.
    steps = (fitted.size - box["size_min"]) / SIZE_STEP
    assert abs(steps - round(steps)) < EPS
    assert 1 <= len(fitted.lines) <= box["max_lines"]
    assert len(fitted.widths) == len(fitted.lines) == len(fitted.baselines)
    for line, width in zip(fitted.lines, fitted.widths, strict=True):
        # Widths re-measured independently of what fit_text reports.
        assert width == pytest.approx(metrics.width(line, fitted.size))
        assert width <= box["box_width"] + EPS
    assert fitted.height <= box["box_height"] + EPS
    # Ink really is within the reported height: first line's top, last line's bottom.
    scale = fitted.size / metrics.units_per_em
    top, _ = metrics.ink_extent(fitted.lines[0])
    _, bottom = metrics.ink_extent(fitted.lines[-1])
    assert top * scale <= fitted.top + EPS
    assert -bottom * scale <= fitted.bottom + EPS
    # Baselines go down, lines of ink do not overlap.
    assert all(b2 > b1 for b1, b2 in zip(fitted.baselines, fitted.baselines[1:], strict=False))


@given(text=texts(), box=boxes(), font=fonts)
def test_breaks_only_at_spaces_hyphens_and_newlines(text: str, box: dict, font: str) -> None:
    fitted = fit_text(text, FONTS[font], **box)
    if fitted is None:
        return
    reconstruct(text, fitted.lines)


@given(text=texts(newlines=False), box=boxes(), font=fonts, data=st.data())
def test_largest_size_that_fits_is_chosen(
    text: str, box: dict, font: str, data: st.DataObject
) -> None:
    metrics = FONTS[font]
    steps = round((box["size_max"] - box["size_min"]) / SIZE_STEP)
    probe = box["size_min"] + data.draw(st.integers(0, steps)) * SIZE_STEP
    fits = layout_at(
        text, metrics, probe, box["box_width"], box["box_height"], box["max_lines"],
        box["line_height"], box["balance"],
    )
    fitted = fit_text(text, metrics, **box)
    if fits is not None:
        assert fitted is not None
        assert fitted.size >= probe - EPS


@given(text=texts(), box=boxes(), font=fonts)
def test_none_only_when_smallest_size_does_not_fit(text: str, box: dict, font: str) -> None:
    metrics = FONTS[font]
    fitted = fit_text(text, metrics, **box)
    at_min = layout_at(
        text, metrics, box["size_min"], box["box_width"], box["box_height"], box["max_lines"],
        box["line_height"], box["balance"],
    )
    if fitted is None:
        assert at_min is None
    if at_min is not None:
        assert fitted is not None


@given(text=texts())
def test_split_pieces_keeps_every_character(text: str) -> None:
    pieces = split_pieces(text)
    rebuilt = "".join(p.text + (p.after if p.after in " \n" else "") for p in pieces)
    assert rebuilt == text


# ------------------------------------------------------------------- examples


def test_city_breaks_after_its_hyphen() -> None:
    metrics = FONTS["RobotoCondensed-Bold"]
    text = "SAINT-ÉTIENNE"
    size = 100
    width = metrics.width("ÉTIENNE", size) + 1  # room for the longer half, not for both
    fitted = fit_text(text, metrics, width, 1000, size, size, max_lines=2)
    assert fitted is not None
    assert fitted.lines == ("SAINT-", "ÉTIENNE")


def test_no_break_space_glues_words() -> None:
    metrics = FONTS["Manrope-Regular"]
    text = f"habitants de{NBSP}Saint-Étienne public{NBSP}:"
    size = 20
    # Narrow enough that the greedy fill must break somewhere on every line.
    pieces = [p.text for p in split_pieces(text)]
    assert f"de{NBSP}Saint-" in pieces and f"public{NBSP}:" in pieces
    width = max(metrics.width(p, size) for p in pieces) + 1
    fitted = fit_text(text, metrics, width, 1000, size, size, max_lines=10, balance=False)
    assert fitted is not None
    for line in fitted.lines:
        assert not line.startswith(NBSP) and not line.endswith(NBSP)
    assert f"public{NBSP}:" in fitted.lines
    reconstruct(text, fitted.lines)


def test_word_wider_than_box_does_not_fit() -> None:
    metrics = FONTS["Manrope-Regular"]
    word = "Anticonstitutionnellement"
    width = metrics.width(word, 10) - 1
    assert fit_text(word, metrics, width, 1000, 10, 10, max_lines=5) is None
    # A smaller minimum size lets it fit, on one line.
    fitted = fit_text(word, metrics, width, 1000, 8, 10, max_lines=5)
    assert fitted is not None and fitted.lines == (word,)
    assert fitted.size < 10


def test_too_many_lines_does_not_fit() -> None:
    metrics = FONTS["Manrope-Regular"]
    text = "un deux trois"
    width = min(metrics.width(w, 10) for w in ("un deux", "deux trois")) - 1
    assert width > max(metrics.width(w, 10) for w in text.split())
    assert fit_text(text, metrics, width, 1000, 10, 10, max_lines=2) is None
    fitted = fit_text(text, metrics, width, 1000, 10, 10, max_lines=3)
    assert fitted is not None and fitted.lines == ("un", "deux", "trois")


def test_balance_evens_out_lines() -> None:
    metrics = FONTS["RobotoCondensed-Bold"]
    text = "PAS DE VSA DANS MA VILLE"
    size = 40
    width = metrics.width("PAS DE VSA DANS MA", size) + 1
    scale = size / metrics.units_per_em
    greedy = greedy_lines(split_pieces(text), metrics, width / scale)
    balanced = fit_text(text, metrics, width, 1000, size, size, max_lines=2, balance=True)
    assert balanced is not None
    assert greedy == ["PAS DE VSA DANS MA", "VILLE"]
    assert len(balanced.lines) == 2
    assert max(balanced.widths) < max(metrics.width(line, size) for line in greedy)
    reconstruct(text, balanced.lines)


def test_explicit_newline_forces_a_break() -> None:
    metrics = FONTS["Manrope-Regular"]
    fitted = fit_text("un\ndeux", metrics, 1000, 1000, 10, 10, max_lines=2)
    assert fitted is not None and fitted.lines == ("un", "deux")
    assert fit_text("un\ndeux", metrics, 1000, 1000, 10, 10, max_lines=1) is None


def test_height_limits_the_size() -> None:
    metrics = FONTS["RobotoCondensed-Bold"]
    fitted = fit_text("LYON", metrics, 10_000, 50, 10, 200, max_lines=1)
    assert fitted is not None
    assert fitted.height <= 50
    # One step bigger would overflow the height.
    bigger = layout_at("LYON", metrics, fitted.size + SIZE_STEP, 10_000, 50, 1, 1.2, False)
    assert bigger is None


def test_fit_is_deterministic() -> None:
    metrics = FONTS["Manrope-ExtraBold"]
    text = "Habitantes et habitants de Saint-Étienne, nous demandons au maire"
    a = fit_text(text, metrics, 300, 200, 8, 40, max_lines=4)
    b = fit_text(text, metrics, 300, 200, 8, 40, max_lines=4)
    assert a == b


@pytest.mark.parametrize("text", ["", " "])
def test_blank_texts_do_not_crash(text: str) -> None:
    fit_text(text, FONTS["Manrope-Regular"], 100, 100, 8, 12, max_lines=2)


# ------------------------------------------------------- French breaking rules (issue 10)

ROBOTO = FONTS["RobotoCondensed-Bold"]
MANROPE = FONTS["Manrope-ExtraBold"]


def lines_at(text: str, metrics: FontMetrics, width_of: str, size: float = 40,
             max_lines: int = 4, balance: bool = True, extra: float = 1) -> tuple[str, ...]:
    """Lines of ``text`` at ``size`` in a box as wide as ``width_of`` (+ ``extra`` pt)."""
    fitted = fit_text(text, metrics, metrics.width(width_of, size) + extra, 1000, size, size,
                      max_lines=max_lines, balance=balance)
    assert fitted is not None
    reconstruct(text, fitted.lines)
    return fitted.lines


@pytest.mark.parametrize(
    ("text", "width_of", "expected"),
    [
        # an article stays with its noun: never "LE / MANS"
        ("LE MANS", "MANS", ("LE MANS",)),
        # a hyphenated article goes down with the rest: never "ONET-LE- / CHÂTEAU"
        ("ONET-LE-CHÂTEAU", "ONET-LE-", ("ONET-", "LE-CHÂTEAU")),
        # no line of one or two letters: never "CHÂLONS- / EN- / CHAMPAGNE", "SAINT- / LÔ"
        ("CHÂLONS-EN-CHAMPAGNE", "EN-CHAMPAGNE", ("CHÂLONS-", "EN-CHAMPAGNE")),
        ("SAINT-LÔ", "SAINT-", ("SAINT-LÔ",)),
        ("JÛ-BELLOC", "BELLOC", ("JÛ-BELLOC",)),
    ],
)
def test_names_break_by_french_rules(text: str, width_of: str, expected: tuple[str, ...]) -> None:
    # When the strict rules cannot fit at this size, a smaller size is taken instead.
    metrics = ROBOTO
    fitted = fit_text(text, metrics, metrics.width(width_of, 40) + 1, 1000, 10, 40, max_lines=4,
                      balance=True)
    assert fitted is not None
    assert fitted.lines == expected


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("Habitantes et habitants du Mans, nous demandons au maire", ("du",)),
        ("jamais de vidéosurveillance algorithmique à Châlons-en-Champagne", ("à",)),
        ("Habitantes et habitants de La Neuville, nous demandons", ("de", "La")),
        ("Rassemblement samedi 12 décembre 2026, 14\u00a0h 30, place de la Mairie",
         ("samedi", "12", "décembre", "14\u00a0h")),
    ],
)
def test_running_text_never_ends_a_line_on_a_small_word(text: str, forbidden: tuple[str, ...]) -> None:
    checked = 0
    for width in range(60, 400, 7):
        fitted = fit_text(text, MANROPE, width, 1000, 12, 12, max_lines=12)
        if fitted is None:
            continue
        reconstruct(text, fitted.lines)
        if fitted.level != GLUE_FULL:
            # only when a unit ("de La Neuville,") is wider than the box itself
            assert any(MANROPE.width(p.text, 12) > width for p in glue_pieces(
                split_pieces(text), GLUE_FULL, True)), (width, fitted.lines)
            continue
        checked += len(fitted.lines) > 1
        for line in fitted.lines[:-1]:
            assert line.rsplit(" ", 1)[-1] not in forbidden, (width, fitted.lines)
    assert checked > 10


def test_headline_keeps_no_lone_last_word() -> None:
    text = "Pas de VSA au Mans\u00a0: ce que vous pouvez faire"
    for width in range(120, 400, 5):
        fitted = fit_text(text, ROBOTO, width, 1000, 20, 20, max_lines=3, line_height=1.0,
                          balance=True)
        if fitted is None or len(fitted.lines) < 2:
            continue
        assert " " in fitted.lines[-1], fitted.lines
        assert not fitted.lines[0].endswith(" ce")


def test_running_text_fills_its_measure_evenly() -> None:
    """Paragraphs (equilibrer = false) use the whole width on every line but the last,
    instead of the balanced (narrow) lines of a headline."""
    text = ("Des logiciels branchés sur les caméras de la ville analysent les images en continu "
            "et signalent d’eux-mêmes les comportements anormaux.")
    width = FONTS["Manrope-Regular"].width(text, 8.5) / 2.3  # three lines, the last short
    even = fit_text(text, FONTS["Manrope-Regular"], width, 1000, 8.5, 8.5, max_lines=5)
    headline = fit_text(text, FONTS["Manrope-Regular"], width, 1000, 8.5, 8.5, max_lines=5,
                        balance=True)
    assert even is not None and headline is not None
    assert len(even.lines) == len(headline.lines) == 3
    assert max(even.widths) > 0.95 * width and min(even.widths[:-1]) > 0.75 * width
    assert max(headline.widths) < 0.85 * width


@pytest.mark.parametrize("name", ["SAINT-ÉTIENNE", "ÉCRETTEVILLE-LÈS-BAONS", "L’ÉCHELLE-SAINT-AURIN"])
@pytest.mark.parametrize("line_height", [0.92, 1.12, 1.3])
def test_ink_of_adjacent_lines_keeps_the_minimum_gap(name: str, line_height: float) -> None:
    from affiches.text.linecheck import line_defects

    for metrics in (ROBOTO, MANROPE):
        text = f"Habitantes et habitants de la commune de {name} et de Gigny-sur-Saône, jusqu’ici"
        for width in range(150, 500, 23):
            fitted = fit_text(text, metrics, width, 1000, 20, 20, max_lines=12,
                              line_height=line_height, align="center")
            if fitted is None or len(fitted.lines) < 2:
                continue
            found = line_defects(fitted, metrics, width, "center")
            assert found.collisions == found.tight == 0, fitted.lines
            assert found.smallest_gap is not None and found.smallest_gap >= MIN_INK_GAP - 1e-9


def test_descender_over_capital_accent_opens_the_line() -> None:
    """« g » above « É » (Écretteville) sets the two lines further apart than the
    layout's leading; the same lines without the accent keep the leading."""
    size, width = 20.0, 200.0
    with_accent = layout_at("jamais g\nÉcretteville", MANROPE, size, width, 1000, 2, 1.0, True)
    without = layout_at("jamais g\nEcretteville", MANROPE, size, width, 1000, 2, 1.0, True)
    assert with_accent is not None and without is not None
    assert with_accent.baselines[1] > without.baselines[1] >= size * 1.0 - 1e-9


french_words = st.sampled_from(
    ["le", "la", "les", "du", "de", "à", "au", "aux", "des", "en", "sur", "Mans", "Lyon",
     "Saint-Étienne", "habitants", "demandons", "vidéosurveillance", "Onet-le-Château",
     "Châlons-en-Champagne", "Saint-Lô", "samedi", "12", "décembre", "2026,", "14\u00a0h", "30,",
     "public\u00a0:", "jamais", "engagement", "nous", "maire", "un", "et", "algorithmique"]
)


@given(
    items=st.lists(french_words, min_size=2, max_size=16),
    width=st.floats(40, 400),
    balance=st.booleans(),
)
def test_strict_rules_hold_whenever_they_are_used(items: list[str], width: float, balance: bool) -> None:
    """Whatever the text and box: when fit_text reports the strict level, no line ends
    on a small word, a date or time is never cut, no line is one or two letters long
    (unless the whole text is), and the ink of two lines never comes within 0.12 em."""
    from affiches.text.linecheck import bad_ending, line_defects

    assume(len(items[-1]) > 2)  # texts end on a word, not on « le » or « à »
    text = " ".join(items)
    fitted = fit_text(text, MANROPE, width, 1000, 9, 9, max_lines=12, balance=balance)
    if fitted is None:
        return
    reconstruct(text, fitted.lines)
    found = line_defects(fitted, MANROPE, width, "left")
    assert found.collisions == found.tight == 0
    if fitted.level == GLUE_FULL:
        assert not any(bad_ending(a, b) for a, b in zip(fitted.lines, fitted.lines[1:], strict=False))
        assert found.widows == 0 and found.short_lines == 0 or len(fitted.lines) == 1
