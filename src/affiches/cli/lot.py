"""``affiches lot``: the batch command (Click), in French. Thin layer over ``affiches.jobs.batch``.

Contract: reads the cities from a CSV file or from ``--departement`` (every commune
of it, bundled data, ``--population-min``), applies the single-city options to every
row (a row's own column wins), runs ``run_batch`` with ``--jobs`` workers, shows a
progress bar with counts and time left on a terminal, plain progress lines otherwise
(none with ``--silencieux``/``--quiet``), one line per failed row (line number, value,
reason), and a final summary; on stdout, the paths of the manifest and of the
archives and contact sheets made. Exit status 1 when any row failed, 130 when
interrupted (everything finished so far is kept and recorded). Nothing heavy is
imported before the command runs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from affiches.cli.common import CONTEXT, production_options
from affiches.limits import MAX_POPULATION


class Progress:
    """Progress on stderr: a redrawn bar on a terminal, a line every few seconds otherwise."""

    def __init__(self, total: int, quiet: bool, tty: bool | None = None):
        self.total = total
        self.quiet = quiet
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.start = time.monotonic()
        self.last = self.start
        self.drawn = False

    def __call__(self, summary: Any, line: int | None, failure: Any) -> None:
        if failure is not None:
            self.clear()
            click.echo(failure.message(), err=True)
        if self.quiet:
            return
        now = time.monotonic()
        count = summary.done + summary.skipped + summary.failed
        final = count >= self.total
        if not final and now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        self.draw(summary, count, now)

    def eta(self, summary: Any, count: int, now: float) -> str:
        from affiches.jobs.batch import format_duration

        worked = summary.done + summary.failed  # rows already up to date cost nothing: not a rate
        if not worked or count >= self.total:
            return ""
        elapsed = now - self.start
        return f" · reste ≈ {format_duration(elapsed / worked * (self.total - count))}"

    def draw(self, summary: Any, count: int, now: float) -> None:
        total = max(self.total, 1)
        percent = 100 * count // total
        def n(value: int, word: str) -> str:
            return f"{value} {word}{'s' if value > 1 else ''}"

        counts = (f"{count}/{self.total} ({percent} %) · {n(summary.done, 'fait')} · "
                  f"{summary.skipped} à jour · {n(summary.failed, 'échec')}{self.eta(summary, count, now)}")
        if self.tty:
            width = 24
            filled = width * count // total
            bar = "█" * filled + "░" * (width - filled)
            click.echo(f"\r\033[K{bar} {counts}", err=True, nl=False)
            self.drawn = True
        else:
            click.echo(counts, err=True)

    def clear(self) -> None:
        if self.drawn:
            click.echo("\r\033[K", err=True, nl=False)
            self.drawn = False


@click.command(name="lot", context_settings=CONTEXT)
@click.argument("fichier", required=False,
                type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-d", "--departement", metavar="CODE",
              help="Sans FICHIER : toutes les communes de ce département (ex. 42). Avec FICHIER : "
                   "département des lignes qui n’en donnent pas.")
@click.option("--population-min", type=click.IntRange(min=0, max=MAX_POPULATION), default=0, metavar="N",
              help="Avec --departement seul : communes d’au moins N habitants.")
@click.option("-q", "--quoi", default="affiche,tract,visuel", show_default=True, metavar="LISTE",
              help="Matériels à produire, séparés par des virgules : affiche, tract, visuel, "
                   "story, portrait, paysage (« reseaux » : les quatre visuels) ; lettre au maire, "
                   "cada pour la demande de documents.")
@click.option("--date-lettre", default="", metavar="DATE",
              help="Date des lettres (lettre, cada) [défaut : aujourd’hui].")
@production_options(batch=True)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processus en parallèle [défaut : processeurs disponibles].")
@click.option("--encodage", default=None, metavar="NOM",
              help="Encodage du fichier (détecté sinon : UTF-8, UTF-16 ou Windows-1252).")
@click.option("--garder-inconnues", is_flag=True,
              help="Produire aussi les villes absentes de la base, écrites telles quelles.")
@click.option("--zip", "zip_mode", type=click.Choice(["ville", "lot"]), default=None,
              help="Archives ZIP : une par ville (archives/VILLE.zip) "
                   "ou une pour le lot (lot.zip).")
@click.option("--planche", is_flag=True,
              help="Planche contact des visuels (planche/planche-001.png…), "
                   "pour tout vérifier d’un coup d’œil.")
@click.option("-s", "--silencieux", "--quiet", "quiet", is_flag=True,
              help="Pas de barre de progression (les erreurs et le bilan restent affichés).")
def lot(fichier: Path | None, departement: str | None, population_min: int, quoi: str,
        jobs: int | None, encodage: str | None, garder_inconnues: bool, zip_mode: str | None,
        planche: bool, quiet: bool, date_lettre: str, **options: Any) -> None:
    """Les kits de toute une liste de villes (fichier CSV) ou d’un département.

    \b
    Exemples :
      affiches lot villes.csv
      affiches lot --departement 42
      affiches lot --departement 93 --population-min 20000 --quoi visuel

    Le fichier CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252) a une colonne
    Ville et, au choix : departement, collectif, contact, url, date, heure, lieu,
    accroche, message, credit ;
    toute autre colonne est disponible dans les gabarits sous le nom {x_colonne}.
    Pour les lettres (--quoi lettre,cada) : expediteur, adresse, maire,
    adresse mairie, courriel mairie. Une seconde exécution ne refait que ce qui a changé (voir manifest.csv).
    """
    from affiches.city.events import parse_date
    from affiches.errors import AffichesError
    from affiches.jobs.batch import BatchSettings, available_cpus, rows_from_departement, run_batch
    from affiches.jobs.options import LETTERS, MATERIAL_LAYOUTS, build_options, parse_materials
    from affiches.limits import check_jobs

    materials = parse_materials(quoi, (*MATERIAL_LAYOUTS, *LETTERS))
    if fichier is None and not departement:
        raise click.UsageError("donnez un FICHIER CSV ou --departement CODE",
                               click.get_current_context())
    kit = build_options(materials, **options)
    settings = BatchSettings(
        materials=materials, kit=kit, date=options["date_"], heure=options["heure"],
        lieu=options["lieu"], departement=departement if fichier else None,
        keep_unknown=garder_inconnues, jobs=check_jobs(jobs) if jobs else available_cpus(),
        letter_date=parse_date(date_lettre) if date_lettre.strip() else None,
    )
    if fichier is not None:
        from affiches.jobs.batch import InputRow
        from affiches.jobs.csvinput import read_city_table

        table = read_city_table(fichier, encodage)
        rows: Iterable[Any] = (InputRow(r.line, r.city, r.values, r.extra, r.unreadable)
                               for r in table.rows)
        count = len(table.rows)
        source = f"{fichier} ({table.encoding}, séparateur « {table.delimiter} »)"
    else:
        assert departement is not None
        rows = list(rows_from_departement(departement, population_min))
        count = len(rows)
        if not rows:
            raise AffichesError(
                f"--departement {departement} : aucune commune"
                + (f" d’au moins {population_min} habitants" if population_min else "")
                + " ; vérifiez le code (ex. 42, 2A, 974)")
        source = f"département {departement}"
    if not quiet:
        click.echo(f"{count} lignes lues de {source} ; {settings.jobs} processus.", err=True)
    progress = Progress(count, quiet)
    try:
        summary = run_batch(rows, settings, progress, total=count)
    except KeyboardInterrupt:
        progress.clear()
        click.echo("Interrompu : ce qui est terminé est gardé ; relancez pour continuer.", err=True)
        sys.exit(130)
    progress.clear()
    root = kit.output_dir
    if zip_mode or planche:
        from affiches.jobs import archives

        if zip_mode == "ville":
            summary.paths.extend(archives.zip_folder(root, f) for f in summary.folders)
        elif zip_mode == "lot":
            summary.paths.append(archives.zip_batch(root, summary.folders))
        if planche:
            ordered, names = summary.ordered_folders()
            summary.paths.extend(archives.contact_sheets(root, ordered, names))
    for path in summary.paths:
        click.echo(str(path))
    click.echo(summary.text(), err=True)
    if summary.failed:
        sys.exit(1)
