"""Properties of the pure line breaking and size fitting (affiches.text.textfit).

The fitted text must never leave its box, breaks may happen only at ordinary spaces,
after hyphens or at explicit newlines, and the size chosen is the largest on the
step grid that fits. Checked with Hypothesis on the real bundled fonts.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affiches.text.fonts import FontMetrics, find_font
from affiches.text.textfit import SIZE_STEP, fit_text, layout_at, split_pieces

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
    greedy = fit_text(text, metrics, width, 1000, size, size, max_lines=2, balance=False)
    balanced = fit_text(text, metrics, width, 1000, size, size, max_lines=2, balance=True)
    assert greedy is not None and balanced is not None
    assert greedy.lines == ("PAS DE VSA DANS MA", "VILLE")
    assert len(balanced.lines) == 2
    assert max(balanced.widths) < max(greedy.widths)
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


@given(st.lists(st.sampled_from(["Saint-", "Étienne", "VAL", "d’Arles", "AV", "To", "", "Ÿ", "l’Haÿ-", "les", "Roses"]),
                min_size=1, max_size=9),
       st.lists(st.sampled_from([" ", ""]), min_size=9, max_size=9))
def test_line_widths_by_prefix_sums_equal_measuring_the_joined_line(words: list[str], seps: list[str]) -> None:
    """The balanced breaker's O(1) widths are exactly width_units of join_line (issue 14)."""
    from affiches.text.textfit import Piece, _line_widths, join_line

    for name, metrics in FONTS.items():
        items = [Piece(w, seps[k] if k < len(words) - 1 else "$") for k, w in enumerate(words)]
        width = _line_widths(tuple(items), metrics)
        for i in range(len(items)):
            for j in range(i + 1, len(items) + 1):
                assert width(i, j) == metrics.width_units(join_line(items[i:j])), (name, items[i:j])
