"""``affiches gabarits verifier --communes``: the fit report shown in French.

Contract: ``fit_report_lines(paths, dirs, examples, workers)`` runs the fit report
(``designer.fitreport``) over every commune for the given layout files, prints each
text that does not fit and each line defect as ``fichier:ligne: clé: message`` on
stdout, the totals and timing on stderr, and returns the number of problems found.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click


def fit_report_lines(
    paths: Sequence[Path], dossiers: Sequence[Path], examples: int, workers: int | None
) -> int:
    from affiches.designer.fitreport import describe, fit_report, with_examples
    from affiches.designer.linequality import describe_defects, describe_quality
    from affiches.gabarits import Problem, block_location, load_layout

    layouts = [load_layout(p, dossiers) for p in paths]
    if not layouts:
        return 0
    click.echo(
        "Rapport d’ajustement : chaque nom de commune dans chaque bloc qui en dépend…", err=True
    )
    report = fit_report(layouts, workers=workers)
    shown = with_examples(report, examples)
    failures = 0
    for path, layout in zip(paths, layouts, strict=True):
        all_of = report.failures_of(layout.name)
        failures += len(all_of)
        blocks = [b for name, b in report.blocks if name == layout.name]
        if not all_of:
            click.echo(
                f"{layout.name} : {len(blocks)} bloc(s) dépendant de la ville, tout tient.",
                err=True,
            )
            continue
        for failure in shown.failures_of(layout.name):
            file, line, key = block_location(path, dossiers, failure.block, "texte")
            click.echo(str(Problem(file, line, key, describe(failure))))
        hidden = len(all_of) - len(shown.failures_of(layout.name))
        if hidden:
            click.echo(
                f"{layout.name} : et {hidden} autre(s) texte(s) (--exemples pour en voir plus).",
                err=True,
            )
    defects = sum(report.defect_totals().values())
    for path, layout in zip(paths, layouts, strict=True):
        for block, message in describe_defects(report, layout.name, examples):
            click.echo(str(Problem(*block_location(path, dossiers, block, "texte"), message)))
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    click.echo(
        f"{report.communes} communes × {len(layouts)} gabarit(s), {len(report.blocks)} bloc(s), "
        f"{report.texts} textes distincts composés en {seconds} s ({report.workers} processus) ; "
        f"{failures} texte(s) qui ne tiennent pas.",
        err=True,
    )
    click.echo(describe_quality(report), err=True)
    return failures + defects
