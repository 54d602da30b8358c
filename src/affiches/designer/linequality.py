"""Line quality over every commune: the counts the fit report adds to its fit answers.

Contract: ``QualityCount`` holds, for one (layout, block), how many of its distinct
texts show each kind of line defect (``DEFECT_KINDS``, measured by
``affiches.text.linecheck``), a few example texts per kind and the smallest ink gap;
``check_lines(geometry, text)`` sets one text as compose does and measures its
defects (memoised; a text on one line at ``taille_max`` has none and is not set);
``quality_counts(defects, users)`` builds the counts from the per-text answers of the fit
report's workers; ``describe_quality`` and ``describe_defects`` give the French lines
``gabarits verifier --communes`` prints. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from affiches.designer.fastfit import Geometry, fast_pieces, greedy_line_count
from affiches.gabarits import Layout, TextBlock
from affiches.text.fonts import FontMetrics
from affiches.text.ink import MIN_INK_GAP
from affiches.text.linecheck import LineDefects, line_defects
from affiches.text.textfit import fit_text

if TYPE_CHECKING:  # pragma: no cover
    from affiches.designer.fitreport import FitReport

DEFECT_KINDS = ("collisions", "tight", "bad_endings", "short_lines", "widows")


@dataclass
class QualityCount:
    """Line defects of the texts of one (layout, block) over every commune."""

    layout: str
    block: str
    texts: int = 0  # texts set (those that fit)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEFECT_KINDS, 0))
    examples: dict[str, list[str]] = field(default_factory=dict)  # kind -> a few texts
    smallest_gap: float | None = None  # em, over every text of the block


def quality_counts(
    defects: Mapping[tuple[int, str], LineDefects],
    users: Sequence[Sequence[tuple[Layout, TextBlock]]],
) -> list[QualityCount]:
    """Per (layout, block), the defect counts over its distinct texts."""
    per_spec: dict[int, QualityCount] = {}
    for (number, text), found in sorted(defects.items()):
        count = per_spec.setdefault(number, QualityCount("", ""))
        count.texts += 1
        if found.smallest_gap is not None and (
            count.smallest_gap is None or found.smallest_gap < count.smallest_gap
        ):
            count.smallest_gap = found.smallest_gap
        for kind in DEFECT_KINDS:
            if getattr(found, kind):
                count.counts[kind] += 1
                examples = count.examples.setdefault(kind, [])
                if len(examples) < 5:
                    examples.append(text)
    out = []
    for number, count in sorted(per_spec.items()):
        for layout, block in users[number]:
            out.append(replace(count, layout=layout.name, block=block.name))
    out.sort(key=lambda q: (q.layout, q.block))
    return out


DEFECT_LABELS = {
    "collisions": "lignes dont l’encre se touche",
    "tight": f"écarts d’encre sous {MIN_INK_GAP:g} em".replace(".", ","),
    "bad_endings": "lignes finissant sur un article, une préposition ou une date coupée",
    "short_lines": "lignes d’une ou deux lettres",
    "widows": "derniers mots seuls sur leur ligne",
}


def describe_quality(report: FitReport) -> str:
    """One French line with the defect counts over every text set."""
    totals = report.defect_totals()
    parts = [f"{totals[kind]} {DEFECT_LABELS[kind]}" for kind in DEFECT_KINDS]
    gap = report.smallest_gap
    smallest = "" if gap is None else f" ; plus petit écart d’encre : {gap:.3f} em".replace(".", ",")
    return "Qualité des lignes : " + ", ".join(parts) + smallest + "."


def describe_defects(report: FitReport, layout_name: str, examples: int) -> list[tuple[str, str]]:
    """(block, French message) for each kind of line defect found in a layout's blocks."""
    out = []
    for count in report.quality:
        if count.layout != layout_name:
            continue
        for kind, texts in count.examples.items():
            shown = " | ".join(t.replace("\n", " ")[:60] for t in texts[:examples])
            out.append((count.block, f"{count.counts[kind]} texte(s) avec {DEFECT_LABELS[kind]}, "
                                     f"par exemple : {shown}"))
    return out


_DEFECTS: dict[tuple[Geometry, str], LineDefects] = {}


def _one_line_at_max(text: str, metrics: FontMetrics, geometry: Geometry) -> bool:
    """True when compose sets ``text`` on one line at ``taille_max`` (so it has no line
    defect): one line by greedy filling, and that line's ink within the box height."""
    _path, width, height, _size_min, size_max, _max_lines, _lh, _balance, _align = geometry
    if "\n" in text:
        return False
    scale = size_max / metrics.units_per_em
    if greedy_line_count(fast_pieces(text), metrics, width / scale) != 1:
        return False
    top, bottom = metrics.ink_extent(text)
    return (top - bottom) * scale <= height + 1e-9


def check_lines(geometry: Geometry, text: str) -> LineDefects:
    """The line defects of ``text`` as compose sets it (the text must fit; memoised)."""
    key = (geometry, text)
    found = _DEFECTS.get(key)
    if found is None:
        path, width, height, size_min, size_max, max_lines, line_height, balance, align = geometry
        metrics = FontMetrics.load(path)
        if _one_line_at_max(text, metrics, geometry):
            return LineDefects()  # one line: nothing to break, no lines to meet
        fitted = fit_text(
            text, metrics, width, height, size_min, size_max, max_lines, line_height, balance, align
        )
        found = LineDefects() if fitted is None else line_defects(fitted, metrics, width, align)
        _DEFECTS[key] = found
    return found
