"""``affiches gabarits …``: the designers' commands (Click), in French.

Contract: thin layer over ``layout``, ``designer`` and ``fitreport``.
- ``liste``: every usable layout (name, material, size, origin, description), the user
  layouts that hide a built-in one said so.
- ``verifier [FICHIER…]``: every problem of each file (all available layouts when none
  is given), one per line as ``fichier:ligne: clé: message`` on stdout; exit status 1
  when there is any. ``--communes``: the fit report over every commune of France.
- ``apercu FICHIER --ville X``: a PNG preview at screen size; ``--surveiller``
  re-renders it on every change until Ctrl-C, whatever the errors.
- ``nouveau NOM --depuis PARENT``: a commented starting file in ``./layouts/``.
- ``planche --ville X``: every layout rendered for a city on one PNG or PDF page.
Output files land in the output folder (``-o``, default ``output/``) unless a file is
named with ``--fichier``; they are written atomically. Library errors become one
``Erreur : …`` line and exit status 1. Pillow is imported only by commands that draw.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from affiches.cli.common import CONTEXT
from affiches.cli.fitreport import fit_report_lines
from affiches.cli.lettres import check_any_layout, find_any_layout, is_letter_layout, letter_paths
from affiches.errors import AffichesError, LayoutError

F = TypeVar("F", bound=Callable[..., Any])

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


def dirs_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--dossier-gabarits",
        "--gabarits",
        "dossiers",
        multiple=True,
        metavar="DOSSIER",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="Dossier de gabarits supplémentaire, consulté avant ./layouts/ et ceux fournis "
        "(aussi : variable d’environnement AFFICHES_GABARITS).",
    )(func)


def city_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "-d",
        "--departement",
        metavar="CODE",
        help="Département de la commune quand plusieurs portent ce nom.",
    )(func)
    return click.option(
        "--ville",
        metavar="VILLE",
        default="Saint-Étienne",
        show_default=True,
        help="Ville à mettre dans les gabarits.",
    )(func)


@click.group(context_settings=CONTEXT, subcommand_metavar="COMMANDE [ARGUMENTS]...")
def gabarits() -> None:
    """Outils pour les graphistes : lister, vérifier, prévisualiser, créer des gabarits.

    \b
    Exemples :
      affiches gabarits liste
      affiches gabarits verifier layouts/mon-affiche.toml
      affiches gabarits verifier --communes
      affiches gabarits apercu layouts/mon-affiche.toml --ville Lyon --surveiller
      affiches gabarits nouveau mon-affiche --depuis affiche-a3
      affiches gabarits planche --ville "Saint-Étienne"
    """


def _origin(path: Path) -> str:
    from affiches.gabarits import is_builtin

    return "intégré" if is_builtin(path) else f"utilisateur ({path})"


@gabarits.command(context_settings=CONTEXT)
@dirs_option
def liste(dossiers: tuple[Path, ...]) -> None:
    """Les gabarits disponibles : nom, matériel, format, origine, description."""
    from affiches.gabarits import layout_catalog, load_layout

    for name, files in layout_catalog(dossiers).items():
        path = files[0]
        try:
            layout = load_layout(path, dossiers)
            size = f"{layout.width:g} × {layout.height:g} {layout.unit}"
            pages = f", {layout.pages} pages" if layout.pages > 1 else ""
            summary = f"{layout.material}, {size}{pages}, {layout.output_format.upper()}"
            description = layout.description
        except AffichesError as exc:
            summary = "invalide"
            description = f"{exc} (affiches gabarits verifier {path})"
        click.echo(f"{name}\t{summary}\t{_origin(path)}\t{description}")
        for hidden in files[1:]:
            click.echo(f"  (masque {_origin(hidden)})")


@gabarits.command(context_settings=CONTEXT)
@click.argument("fichiers", nargs=-1, metavar="[FICHIER|NOM]…")
@click.option(
    "--communes",
    is_flag=True,
    help="Rapport d’ajustement : essayer chaque nom de commune de France dans chaque bloc.",
)
@click.option(
    "--exemples",
    default=10,
    show_default=True,
    metavar="N",
    type=click.IntRange(1),
    help="Avec --communes : nombre de textes trop longs montrés par bloc.",
)
@click.option(
    "--processus",
    metavar="N",
    type=click.IntRange(1, 16),
    default=None,
    help="Avec --communes : nombre de processus (défaut : un par cœur, 4 au plus).",
)
@dirs_option
def verifier(
    fichiers: tuple[str, ...],
    communes: bool,
    exemples: int,
    processus: int | None,
    dossiers: tuple[Path, ...],
) -> None:
    """Vérifier des gabarits et afficher chaque problème (fichier:ligne: clé: message).

    Sans FICHIER, vérifie tous les gabarits disponibles. Code de sortie 1 s’il y a un
    problème, 0 sinon.
    """
    from affiches.designer.previews import sample_variables
    from affiches.gabarits import available_layouts

    paths: list[Path] = []
    if fichiers:
        for item in fichiers:
            candidate = Path(item)
            if candidate.suffix == ".toml" or "/" in item:
                paths.append(candidate)
            else:
                paths.append(find_any_layout(item, dossiers))
    else:
        paths = list(available_layouts(dossiers).values()) + letter_paths(dossiers)
    variables = sample_variables()
    total = 0
    valid: list[Path] = []
    for path in paths:
        problems = check_any_layout(path, dossiers, variables)
        for problem in problems:
            click.echo(str(problem))
        total += len(problems)
        if not problems and not is_letter_layout(path):  # no fit report for letters
            valid.append(path)
    plural = "s" if len(paths) > 1 else ""
    if total:
        click.echo(
            f"{total} problème{'s' if total > 1 else ''} dans {len(paths) - len(valid)} "
            f"gabarit{'s' if len(paths) - len(valid) > 1 else ''} sur {len(paths)}.",
            err=True,
        )
    else:
        click.echo(f"{len(paths)} gabarit{plural} vérifié{plural} : aucun problème.", err=True)
    if communes:
        total += fit_report_lines(valid, dossiers, exemples, processus)
    sys.exit(1 if total else 0)


def preview_target_options(where: str, file_help: str) -> Callable[[F], F]:
    """``-o/--sortie`` and ``--fichier``, shared by ``apercu`` and ``planche``."""

    def decorate(func: F) -> F:
        func = click.option(
            "--fichier", "cible", type=click.Path(dir_okay=False, path_type=Path), help=file_help
        )(func)
        return click.option(
            "-o",
            "--sortie",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("output"),
            show_default=True,
            help=f"Dossier de sortie ; {where}",
        )(func)

    return decorate


@gabarits.command(context_settings=CONTEXT)
@click.argument("fichier", metavar="FICHIER|NOM")
@city_options
@preview_target_options(
    "l’aperçu va dans SORTIE/apercus/.",
    "Chemin exact du PNG à écrire (au lieu de SORTIE/apercus/NOM-ville.png).",
)
@click.option(
    "--taille",
    default=1200,
    show_default=True,
    metavar="PIXELS",
    type=click.IntRange(200, 4000),
    help="Plus grand côté de l’aperçu, en pixels.",
)
@click.option(
    "-s",
    "--surveiller",
    is_flag=True,
    help="Refaire l’aperçu à chaque enregistrement du gabarit, de ses polices et images "
    "(Ctrl-C pour arrêter).",
)
@dirs_option
def apercu(
    fichier: str,
    ville: str,
    departement: str | None,
    sortie: Path,
    cible: Path | None,
    taille: int,
    surveiller: bool,
    dossiers: tuple[Path, ...],
) -> None:
    """Aperçu PNG d’un gabarit pour une ville, à taille d’écran."""
    from affiches.designer.previews import render_once, sample_variables, watch
    from affiches.gabarits import find_layout
    from affiches.jobs.pipeline import preview_name, resolve

    path = find_layout(fichier, dossiers)
    city = resolve(ville, departement)
    variables = sample_variables(city, with_extras=False)
    target = cible or sortie / preview_name(path.stem, city)
    if surveiller:
        try:
            watch(
                path,
                target,
                variables,
                lambda line: click.echo(line, err=True),
                dossiers,
                max_side=taille, root=sortie,
            )
        except KeyboardInterrupt:
            click.echo("Surveillance arrêtée.", err=True)
        return
    outcome = render_once(path, target, variables, dossiers, taille, root=sortie)
    for line in outcome.lines:
        click.echo(line, err=True)
    if any("aperçu impossible" in line or "écriture impossible" in line for line in outcome.lines):
        sys.exit(1)
    click.echo(str(target))


@gabarits.command(context_settings=CONTEXT)
@click.argument("nom")
@click.option(
    "--depuis",
    "parent",
    default="affiche-a3",
    show_default=True,
    metavar="GABARIT",
    help="Gabarit dont le nouveau hérite.",
)
@click.option(
    "--dossier",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("layouts"),
    show_default=True,
    help="Dossier où écrire NOM.toml.",
)
@click.option("-f", "--force", is_flag=True, help="Remplacer un fichier existant.")
@dirs_option
def nouveau(nom: str, parent: str, dossier: Path, force: bool, dossiers: tuple[Path, ...]) -> None:
    """Créer layouts/NOM.toml, une variante commentée d’un gabarit existant."""
    from affiches.designer.newlayout import new_layout_text
    from affiches.gabarits import SCHEMA_FILE, load_layout
    from affiches.jobs.files import write_path
    from affiches.resources import builtin_layouts_dir

    if not NAME_RE.match(nom):
        raise LayoutError(
            f"nom de gabarit « {nom} » invalide : minuscules sans accents, chiffres et tirets "
            "(par exemple affiche-a3-verte)"
        )
    base = load_layout(parent, [*dossiers, dossier] if dossier.is_dir() else dossiers)
    target = dossier / f"{nom}.toml"
    if target.exists() and not force:
        raise LayoutError(f"{target} existe déjà ; choisissez un autre nom ou ajoutez --force")
    schema = (builtin_layouts_dir() / SCHEMA_FILE).resolve().as_uri()
    text = new_layout_text(nom, base, schema)
    write_path(target, text.encode("utf-8"), hint="vérifiez le dossier --dossier")
    click.echo(str(target))
    click.echo(f"Vérifiez-le avec : affiches gabarits verifier {target}", err=True)


@gabarits.command(context_settings=CONTEXT)
@click.argument("noms", nargs=-1, metavar="[NOM|FICHIER]…")
@city_options
@preview_target_options(
    "la planche va dans SORTIE/apercus/.",
    "Fichier à écrire, .png ou .pdf (défaut : SORTIE/apercus/planche-ville.png).",
)
@dirs_option
def planche(
    noms: tuple[str, ...],
    ville: str,
    departement: str | None,
    sortie: Path,
    cible: Path | None,
    dossiers: tuple[Path, ...],
) -> None:
    """Une page avec tous les gabarits rendus pour une ville, pour relire un ensemble."""
    from affiches.designer.previews import contact_sheet, sample_variables
    from affiches.gabarits import available_layouts, find_layout, load_layout
    from affiches.jobs.files import write_under
    from affiches.jobs.pipeline import resolve, sheet_name

    city = resolve(ville, departement)
    variables = sample_variables(city, with_extras=False)
    paths = (
        [find_layout(n, dossiers) for n in noms]
        if noms
        else list(available_layouts(dossiers).values())
    )
    layouts = []
    for path in paths:
        try:
            layouts.append((load_layout(path, dossiers), _origin(path)))
        except AffichesError as exc:
            click.echo(f"{path} : ignoré ({exc})", err=True)
    if not layouts:
        raise LayoutError("aucun gabarit valide à montrer")
    target = cible or sortie / sheet_name(city)
    fmt = {".png": "PNG", ".pdf": "PDF"}.get(target.suffix.lower())
    if fmt is None:
        raise LayoutError(f"--fichier {target} : extension .png ou .pdf attendue")
    image = contact_sheet(layouts, variables)
    options: dict[str, Any] = {}
    if fmt == "PDF":  # fixed dates: the same inputs give the same bytes
        import time

        fixed = time.strptime("2026-01-01", "%Y-%m-%d")
        options = {
            "resolution": 100.0,
            "title": f"Planche des gabarits — {variables['ville']}",
            "creationDate": fixed,
            "modDate": fixed,
        }
    write_under(sortie, target, lambda stream: image.save(stream, format=fmt, **options),
                hint="vérifiez --sortie ou --fichier")
    click.echo(str(target))
