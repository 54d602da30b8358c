"""The ink of adjacent lines: how close they come, from the glyphs' outline profiles.

Contract: ``line_offset`` places a line in its box for an alignment;
``ink_distance(metrics, above, x, below, x, floor)`` is the smallest baseline-to-baseline
distance at which the ink of two set lines touches, from the glyphs' ink profiles
(``FontMetrics.ink_glyphs``: accents, descenders, their real horizontal extent);
``line_gaps`` measures the gap, in em, between each pair of adjacent lines as set.
``MIN_INK_GAP`` is the smallest gap the engine keeps in every block. Pure.
"""

from __future__ import annotations

import math
import operator

from affiches.text.fontfile import PROFILE_SLICE
from affiches.text.fonts import FontMetrics

MIN_INK_GAP = 0.12  # em between the ink of two adjacent lines, at least, in every block
REPORTED_GAP = 0.25  # em: wider gaps between lines are not measured exactly


def line_offset(width_units: float, max_units: float, align: str) -> float:
    """x of a line's origin in its box, in font units, for an alignment."""
    if align in ("center", "centre"):
        return (max_units - width_units) / 2
    if align in ("right", "droite"):
        return max_units - width_units
    return 0.0


def ink_distance(
    metrics: FontMetrics,
    above: str,
    above_x: float,
    below: str,
    below_x: float,
    floor: float = -(1 << 30),
) -> float:
    """Smallest baseline-to-baseline distance (font units) at which the ink of ``below``
    touches the ink of ``above`` (lines starting at the given x): the largest, over
    the glyph slices that face each other, of the top of ``below`` minus the bottom of
    ``above``. Values under ``floor`` are not searched: the answer is at least ``floor``.
    """
    glyphs_above = metrics.ink_glyphs(above)
    glyphs_below = metrics.ink_glyphs(below)
    if not glyphs_above or not glyphs_below:
        return floor
    top_below = max(g[1] for g in glyphs_below)
    bottom_above = min(g[2] for g in glyphs_above)
    # Only glyphs that can reach past ``floor`` with the deepest / highest of the other line.
    lows = [g for g in glyphs_above if top_below - g[2] > floor]
    highs = [g for g in glyphs_below if g[1] - bottom_above > floor]
    need = floor
    placed_b = [
        (top_b, math.floor((x_b + below_x) / PROFILE_SLICE) + first_b, tops_b)
        for x_b, top_b, _bottom_b, first_b, tops_b, _bottoms_b in highs
    ]
    for x_a, _top_a, bottom_a, first_a, _tops_a, bottoms_a in lows:
        start_a = math.floor((x_a + above_x) / PROFILE_SLICE) + first_a
        end_a = start_a + len(bottoms_a)
        for top_b, start_b, tops_b in placed_b:
            if top_b - bottom_a <= need or start_b > end_a or start_b + len(tops_b) < start_a:
                continue  # cannot beat ``need``, or not facing each other
            # Each glyph's origin sits anywhere inside its first slice: facing slices
            # are matched one slice either way.
            for shift in (start_b - start_a - 1, start_b - start_a, start_b - start_a + 1):
                k0 = max(0, -shift)
                k1 = min(len(tops_b), end_a - start_a - shift)
                if k1 > k0:
                    value = max(map(operator.sub, tops_b[k0:k1], bottoms_a[k0 + shift : k1 + shift]))
                    if value > need:
                        need = value
    return need


def line_gaps(
    lines: tuple[str, ...] | list[str],
    metrics: FontMetrics,
    size: float,
    box_width: float,
    align: str,
    baselines: tuple[float, ...] | list[float],
) -> list[float]:
    """The vertical gap, in em, between the ink of each pair of adjacent lines as set
    (``REPORTED_GAP`` when it is wider than that)."""
    scale = size / metrics.units_per_em
    max_units = box_width / scale
    xs = [line_offset(metrics.width_units(line), max_units, align) for line in lines]
    gaps = []
    for index in range(len(lines) - 1):
        distance = (baselines[index + 1] - baselines[index]) / scale
        # Gaps wider than REPORTED_GAP em are not measured exactly (nothing to report).
        floor = distance - REPORTED_GAP * metrics.units_per_em
        touch = ink_distance(
            metrics, lines[index], xs[index], lines[index + 1], xs[index + 1], floor
        )
        gaps.append((distance - touch) / metrics.units_per_em)
    return gaps
