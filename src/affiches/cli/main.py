"""Command line (Click), in French. Thin: parse options, call the library, print paths.

Contract: every command prints the paths it wrote (one per line, on stdout) and its
notes (which spelling was used, skipped files) on stderr. A library ``AffichesError``
becomes a one-line ``Erreur : …`` on stderr and its exit status (1) in ONE place, the
group's class ``AffichesGroup`` (``cli.common``); a usage error exits 2.
No traceback reaches the user for an expected problem. Heavy libraries (reportlab,
Pillow) are imported only by the commands that render, so ``--help`` stays quick.
Logging is configured here and nowhere else.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import Any

import click

from affiches import __version__
from affiches.cli.common import CONTEXT, AffichesGroup, production_options
from affiches.cli.fr import install_french_messages

install_french_messages()

shared_options = production_options()


def print_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print shop and office printer options (PDF materials: affiche, tract, kit)."""
    options = [
        click.option("--imprimeur", is_flag=True,
                     help="Fichier pour l’imprimerie : fond perdu de 3 mm, traits de coupe "
                          "et couleurs CMJN."),
        click.option("--fond-perdu", type=float, default=None, metavar="MM",
                     help="Fond perdu autour du format fini, en millimètres (l’usage : 3)."),
        click.option("--traits-de-coupe", is_flag=True,
                     help="Traits de coupe aux quatre coins, hors du fond perdu."),
        click.option("--cmjn", is_flag=True,
                     help="Couleurs en CMJN ; le noir (textes, code QR) s’imprime en noir seul."),
        click.option("--tuiles", is_flag=True,
                     help="Affiche à 100 % découpée en feuilles à assembler (marges de "
                          "collage, repères, numéros)."),
        click.option("--feuille", type=click.Choice(["a4", "a3"], case_sensitive=False),
                     default=None, help="Papier des --tuiles [défaut : a4]."),
        click.option("--a4", is_flag=True,
                     help="Chaque page réduite pour tenir sur une feuille A4."),
        click.option("--imposer", is_flag=True,
                     help="Plusieurs tracts par feuille A4 (2 A5 ou 4 A6), avec traits "
                          "de coupe."),
        click.option("--recto-verso", type=click.Choice(["long", "court"]), default=None,
                     help="Pour --imposer : l’imprimante retourne la feuille sur le bord long "
                          "(réglage habituel) ou court [défaut : long]."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


# Imported when used or listed (see AffichesGroup): a city command loads none of them.
LAZY_COMMANDS = {
    "lot": "affiches.cli.lot:lot",
    "gabarits": "affiches.cli.gabarits:gabarits",
    "lettre": "affiches.cli.lettres:lettre",
    "cada": "affiches.cli.lettres:cada",
    "serveur": "affiches.cli.serveur:serveur",
}


@click.group(cls=AffichesGroup, context_settings=CONTEXT, subcommand_metavar="COMMANDE [ARGUMENTS]...",
             lazy_commands=LAZY_COMMANDS)
@click.version_option(__version__, "-V", "--version", prog_name="affiches",
                      message="%(prog)s %(version)s")
@click.option("-v", "--verbeux", is_flag=True, help="Afficher le détail du travail.")
@click.pass_context
def cli(ctx: click.Context, verbeux: bool) -> None:
    """Affiches, tracts et visuels de la campagne « Pas de VSA dans ma ville ».

    \b
    Exemples :
      affiches kit "Saint-Étienne"
      affiches affiche Chateauroux --collectif "Technopolice Indre"
      affiches tract "Châtillon" --departement 92
    """
    if ctx.invoked_subcommand not in ONE_CITY_COMMANDS:
        gc.enable()  # long or open-ended work (lot, serveur, gabarits…): the collector as usual
    if verbeux:  # nothing logs below INFO otherwise: logging is imported only when asked
        import logging

        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)


def _run(city: str, materials: tuple[str, ...], **options: Any) -> None:
    from affiches.jobs.kit import make_city_materials

    for line in make_city_materials(city, materials, **options):
        click.echo(line.text, err=line.to_stderr)


@cli.command(context_settings=CONTEXT)
@click.argument("ville")
@click.option("-q", "--quoi", default="affiche,tract,visuel", show_default=True,
              metavar="LISTE", help="Matériels à produire, séparés par des virgules : affiche, "
                                    "tract, visuel, story, portrait, paysage ; « reseaux » pour "
                                    "les quatre visuels.")
@shared_options
@print_options
def kit(ville: str, quoi: str, **options: Any) -> None:
    """Le kit complet d’une ville : affiche A3, tract A5 et visuel carré.

    VILLE est le nom de la commune, par exemple "Saint-Étienne" ou "Châtillon (92)".
    """
    from affiches.jobs.options import parse_materials

    _run(ville, parse_materials(quoi), **options)


def _single(material: str, summary: str, printable: bool = True) -> None:
    def command(ville: str, **options: Any) -> None:
        _run(ville, (material,), **options)

    if printable:
        command = print_options(command)
    command = click.argument("ville")(shared_options(command))
    cli.command(name=material, context_settings=CONTEXT, help=summary)(command)


_single("affiche", "L’affiche A3 (PDF) d’une ville.")
_single("tract", "Le tract A5 recto verso avec code QR (PDF) d’une ville.")
_single("visuel", "Le visuel carré 1080 × 1080 (PNG) et son texte alternatif.", printable=False)


# Commands that make one city's files and exit: ``main`` runs them without the cyclic
# garbage collector (see there).
ONE_CITY_COMMANDS = ("kit", "affiche", "tract", "visuel")


def main() -> None:
    # A one-city command is a short process that imports most of its code on the way: the
    # cyclic collector would walk those new objects again and again to free almost nothing.
    # Reference counting still frees the rest. The group re-enables it for any other command.
    gc.disable()
    try:
        cli.main(prog_name="affiches", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("Interrompu.", err=True)
        sys.exit(130)
    finally:
        if not gc.isenabled():  # a one-city command, its files written: the collection Python
            gc.freeze()  # runs at exit would walk every object for nothing; frozen, it skips them

