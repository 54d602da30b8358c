"""Fit report: does every commune name of France fit every layout?

Contract:
- ``fit_report(layouts, communes=None, workers=None)`` takes the text blocks whose
  template (or ``si`` condition) uses a city variable (``layout.CITY_VARIABLES``), fills
  them for every commune (``communes.iter_communes``, arrondissements included; the other
  variables get the sample values of ``SAMPLE_EXTRA``), and checks each *distinct* text
  once per distinct block geometry (font, box, sizes, lines): same answer as
  ``compose``, without rendering. It returns a ``FitReport`` listing, per layout and
  block, the texts that do not fit at ``taille_min`` with the size they would need (or
  ``None`` when no size fits, e.g. too many lines), and characters missing from the font.
- The decision for a text is exactly ``textfit``'s: a text passes when the greedy line
  breaking at ``taille_min`` fits in ``lignes_max`` lines and the worst case height of
  those lines (tallest glyph on the first line, deepest on the last, widest accent
  gap between lines) fits the box — balanced breaking keeps the same number of lines,
  so such a text fits whatever breaks are chosen. Every other text is decided by
  ``textfit.fit_text`` itself.
- Pure: reads the communes database and fonts, writes nothing. Work is spread over
  ``workers`` processes (default: the machine's CPUs, at most 4).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from affiches.city.communes import Commune, iter_communes
from affiches.city.model import City
from affiches.compose import block_text, condition_met
from affiches.compose.text import fit_geometry
from affiches.designer.fastfit import Geometry, surely_fits
from affiches.designer.linequality import DEFECT_KINDS, QualityCount, check_lines, quality_counts
from affiches.gabarits import CITY_VARIABLES, Layout, TextBlock, template_fields
from affiches.text.fonts import FontMetrics
from affiches.text.linecheck import LineDefects
from affiches.text.textfit import fit_text

# Values of the variables that do not depend on the commune, so that blocks shown only
# with a signature or an event are checked too.
SAMPLE_EXTRA = {
    "collectif": "Technopolice",
    "contact": "contact@exemple.org",
    "signature": "Technopolice — contact@exemple.org",
    "url": "https://laquadrature.net/pasdevsadansmaville",
    "url_courte": "laquadrature.net/pasdevsadansmaville",
    "hashtag": "#pasdeVSAdansmaville",
    "evenement": "Rassemblement samedi 16 mai 2026, 13 h, place de la Mairie",
    "date": "samedi 16 mai 2026",
    "heure": "13 h",
    "lieu": "place de la Mairie",
}
SMALLEST_SIZE_PT = 1.0  # how far down the "size it would need" search goes
CHUNKS_PER_WORKER = 4  # communes are split in this many parts per worker process


@dataclass(frozen=True)
class FitFailure:
    layout: str
    block: str
    text: str
    communes: tuple[str, ...]  # a few commune names giving this text
    count: int  # how many communes give it
    needed: float | None  # largest size that fits, in the layout's font unit; None: none
    size_min: float
    font_unit: str  # "pt" or "px"
    missing: str = ""  # characters the font lacks (then ``needed`` is irrelevant)


@dataclass
class FitReport:
    layouts: list[Layout]
    communes: int = 0
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (layout, block) checked
    texts: int = 0  # distinct (geometry, text) pairs checked
    failures: list[FitFailure] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1
    quality: list[QualityCount] = field(default_factory=list)

    def defect_totals(self) -> dict[str, int]:
        """Per kind of line defect, how many set texts show it (every block)."""
        totals = dict.fromkeys(DEFECT_KINDS, 0)
        for count in self.quality:
            for kind, value in count.counts.items():
                totals[kind] += value
        return totals

    @property
    def smallest_gap(self) -> float | None:
        gaps = [q.smallest_gap for q in self.quality if q.smallest_gap is not None]
        return min(gaps) if gaps else None

    def failures_of(self, layout_name: str) -> list[FitFailure]:
        return [f for f in self.failures if f.layout == layout_name]


def depends_on_city(block: TextBlock) -> bool:
    try:
        names = set(template_fields(block.template))
    except ValueError:
        return False
    return bool(names & set(CITY_VARIABLES)) or block.condition.lstrip("!") in CITY_VARIABLES


def commune_variables(commune: Commune) -> dict[str, str]:
    """The city-dependent variables of a commune: ``City.variables()``, as for a kit."""
    return City(commune.nom, commune).variables()


def _geometry(block: TextBlock, layout: Layout, metrics: FontMetrics) -> Geometry:
    width, height, *rest = fit_geometry(block, layout)
    return (str(metrics.path), round(width, 6), round(height, 6), *rest)  # type: ignore[return-value]


Outcome = tuple[float | None, str]  # (largest size that fits in pt or None, missing chars)
_RESULTS: dict[tuple[Geometry, str], Outcome | None] = {}


def check_text(geometry: Geometry, text: str) -> Outcome | None:
    """``None`` when ``text`` fits at ``taille_min``; else why not (memoised per process)."""
    key = (geometry, text)
    if key in _RESULTS:
        return _RESULTS[key]
    path, width, height, size_min, _size_max, max_lines, line_height, balance, align = geometry
    metrics, covered = _font(path)
    outcome: Outcome | None = None
    missing = "" if covered.issuperset(text) else "".join(metrics.missing_chars(text))
    if missing:
        outcome = (None, missing)
    elif not surely_fits(text, metrics, geometry) and (
        fit_text(
            text, metrics, width, height, size_min, size_min, max_lines, line_height, balance, align
        )
        is None
    ):
        smaller = fit_text(
            text,
            metrics,
            width,
            height,
            SMALLEST_SIZE_PT,
            size_min,
            max_lines,
            line_height,
            balance,
            align,
        )
        outcome = (smaller.size if smaller else None, "")
    _RESULTS[key] = outcome
    return outcome


_FONTS: dict[str, tuple[FontMetrics, frozenset[str]]] = {}


def _font(path: str) -> tuple[FontMetrics, frozenset[str]]:
    """The font's metrics and the characters it has (memoised per process)."""
    found = _FONTS.get(path)
    if found is None:
        metrics = FontMetrics.load(path)
        found = _FONTS[path] = (metrics, frozenset(map(chr, metrics.cmap)) | {"\n"})
    return found


Spec = tuple[Layout, TextBlock, Geometry]
_SPECS: list[Spec] = []
_BASE: dict[str, str] = {}


def _init(specs: list[Spec], base: dict[str, str]) -> None:
    _SPECS[:] = specs
    _BASE.clear()
    _BASE.update(base)


Checked = tuple[
    int, list[tuple[int, str, str, Outcome]], dict[tuple[int, str], LineDefects]
]


def _check_communes(communes: list[Commune]) -> Checked:
    """Fill and check every spec for these communes: (texts checked, failures, defects)."""
    seen: set[tuple[int, str]] = set()
    defects: dict[tuple[int, str], LineDefects] = {}
    failures: list[tuple[int, str, str, Outcome]] = []
    fields = [tuple(template_fields(block.template)) for _layout, block, _geometry in _SPECS]
    texts: dict[tuple[str, bool, tuple[str, ...]], str] = {}
    for commune in communes:
        variables = {**_BASE, **commune_variables(commune)}
        for number, (layout, block, geometry) in enumerate(_SPECS):
            if not condition_met(block.condition, variables):
                continue
            key = (
                block.template,
                block.uppercase,
                tuple(variables.get(f, "") for f in fields[number]),
            )
            text = texts.get(key)
            if text is None:
                text = texts[key] = block_text(block, variables, layout.name)
            if not text:
                continue
            seen.add((number, text))
            outcome = check_text(geometry, text)
            if outcome is not None:
                failures.append((number, text, commune.nom, outcome))
            elif (number, text) not in defects:
                defects[(number, text)] = check_lines(geometry, text)
    return len(seen), failures, defects


def _default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, min(4, len(os.sched_getaffinity(0))))
    return max(1, min(4, os.cpu_count() or 1))  # pragma: no cover


def fit_report(
    layouts: Sequence[Layout],
    communes: Iterable[Commune] | None = None,
    workers: int | None = None,
    extra: Mapping[str, str] | None = None,
) -> FitReport:
    start = time.perf_counter()
    if communes is None:
        communes = iter_communes(include_arrondissements=True)
    commune_list = sorted(communes, key=lambda c: (c.nom, c.code_insee))
    base = {**SAMPLE_EXTRA, **(extra or {})}
    report = FitReport(layouts=list(layouts), communes=len(commune_list))
    # Blocks that differ only by colour (variants) give the same texts and answers:
    # each distinct (template, case, condition, geometry) is checked once.
    specs: list[Spec] = []
    users: list[list[tuple[Layout, TextBlock]]] = []
    seen_specs: dict[tuple[str, bool, str, Geometry], int] = {}
    for layout in layouts:
        for block in layout.blocks:
            if isinstance(block, TextBlock) and depends_on_city(block):
                metrics = block.metrics
                geometry = _geometry(block, layout, metrics)
                key = (block.template, block.uppercase, block.condition, geometry)
                if key not in seen_specs:
                    seen_specs[key] = len(specs)
                    specs.append((layout, block, geometry))
                    users.append([])
                users[seen_specs[key]].append((layout, block))
                report.blocks.append((layout.name, block.name))
    workers = workers or _default_workers()
    report.workers = workers
    if not specs or not commune_list:
        report.seconds = time.perf_counter() - start
        return report
    parts = max(1, workers * CHUNKS_PER_WORKER) if workers > 1 else 1
    size = -(-len(commune_list) // parts)
    chunks = [commune_list[i : i + size] for i in range(0, len(commune_list), size)]
    if workers > 1 and len(chunks) > 1:
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        context = multiprocessing.get_context(method)
        with context.Pool(workers, initializer=_init, initargs=(specs, base)) as pool:
            outcomes = pool.map(_check_communes, chunks, chunksize=1)
    else:
        _init(specs, base)
        outcomes = [_check_communes(chunk) for chunk in chunks]
    grouped: dict[tuple[int, str], tuple[Outcome, list[str]]] = {}
    merged: dict[tuple[int, str], LineDefects] = {}
    for checked, failures, defects in outcomes:
        merged.update(defects)
        report.texts += checked
        for number, text, name, outcome in failures:
            grouped.setdefault((number, text), (outcome, []))[1].append(name)
    for (number, text), ((needed, missing), names) in sorted(grouped.items()):
        for layout, block in users[number]:
            report.failures.append(
                FitFailure(
                    layout=layout.name,
                    block=block.name,
                    text=text,
                    communes=tuple(dict.fromkeys(names))[:3],
                    count=len(names),
                    needed=None if needed is None else needed / layout.font_to_pt,
                    size_min=block.size_min,
                    font_unit="px" if layout.unit == "px" else "pt",
                    missing=missing,
                )
            )
    report.failures.sort(key=lambda f: (f.layout, f.block, f.text))
    report.quality = quality_counts(merged, users)
    report.seconds = time.perf_counter() - start
    return report


def describe(failure: FitFailure) -> str:
    """One French line about a failure (without the file and key prefix)."""
    names = ", ".join(failure.communes)
    more = (
        f" et {failure.count - len(failure.communes)} autres"
        if failure.count > len(failure.communes)
        else ""
    )
    if failure.missing:
        chars = " ".join(f"« {c} » (U+{ord(c):04X})" for c in failure.missing)
        return f"{names}{more} : caractère absent de la police : {chars}"
    short = failure.text if len(failure.text) <= 70 else failure.text[:69] + "…"
    if failure.needed is None:
        need = "ne tient à aucune taille (trop de lignes ?)"
    else:
        need = f"il faudrait {failure.needed:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        need += f" {failure.font_unit} (taille_min = {failure.size_min:g})"
    return f"{names}{more} : « {short} » ne tient pas ; {need}"


def with_examples(report: FitReport, limit: int) -> FitReport:
    """The same report with at most ``limit`` failures per (layout, block)."""
    kept: list[FitFailure] = []
    counts: dict[tuple[str, str], int] = {}
    for failure in report.failures:
        key = (failure.layout, failure.block)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit:
            kept.append(failure)
    return replace(report, failures=kept)
