"""What every command module shares: Click context settings and the one place errors become output.

Contract: ``production_options(batch)`` adds the options the city commands and ``lot``
share (output folder, layouts, URL, signature, event, a collective's logos, photo and
own words, force), each defined once with
its help for one city or for a batch (where a row's column wins). ``AffichesGroup`` is
the class of the ``affiches`` group; a library
``AffichesError`` raised anywhere below it (any command, any sub-group, any option
callback) becomes ONE line ``Erreur : …`` on stderr and the error's ``exit_code``
(1; 2 for usage errors), control characters (terminal escape sequences a CSV cell may
hold) shown escaped, never raw. No other code turns errors into output. Imports nothing from
the other command modules (no circle).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from affiches.errors import AffichesError, printable
from affiches.limits import check_output_path

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

F = TypeVar("F", bound=Callable[..., Any])

# option -> (help for one city, help for a batch)
_HELP = {
    "sortie": ("Dossier où écrire les fichiers (un sous-dossier par ville).",
               "Dossier de sortie (un sous-dossier par ville, manifest.csv à la racine)."),
    "gabarit": ("Gabarit à utiliser (nom ou fichier .toml) ; pour « kit », "
                "MATÉRIEL=NOM, par exemple affiche=affiche-a3-sombre.",
                "Gabarit d’un matériel, par exemple affiche=affiche-a3-sombre."),
    "url": ("Adresse du code QR et du lien imprimé [défaut : https://laquadrature.net/pasdevsadansmaville].",
            "Adresse du code QR et du lien (colonne « url » prioritaire)."),
    "collectif": ("Signature, par exemple « Technopolice Grenoble ».",
                  "Signature par défaut (colonne « collectif » prioritaire)."),
    "contact": ("Contact imprimé avec la signature (courriel, site…).",
                "Contact par défaut (colonne « contact » prioritaire)."),
    "date": ("Date d’un rassemblement (2026-05-16, 16/05/2026 ou « 16 mai »).",
             "Date du rassemblement par défaut (colonne « date » prioritaire)."),
    "heure": ("Heure du rassemblement (13 h, 13:30…).", "Heure par défaut (colonne « heure »)."),
    "lieu": ("Lieu du rassemblement.", "Lieu par défaut (colonne « lieu »)."),
    "force": ("Réécrire les fichiers déjà présents.", "Tout refaire, même ce qui est à jour."),
    "logo": ("Logo du collectif (PNG, JPEG ou SVG), placé dans l’emplacement prévu par chaque "
             "gabarit ; deux fois pour deux logos côte à côte.",
             "Logo du collectif (PNG, JPEG ou SVG), pour toutes les villes ; deux fois pour deux logos."),
    "photo": ("Photo (JPEG, PNG) en fond des visuels, assombrie sous le texte.",
              "Photo en fond des visuels, pour toutes les villes."),
    "cadrage": ("Point de la photo gardé au recadrage : centre, haut, bas, gauche, droite, "
                "haut-gauche… ou X,Y en % (ex. 50,30) [défaut : centre].",
                "Point de la photo gardé au recadrage (centre, haut, 50,30…)."),
    "credit": ("Crédit de la photo, par exemple « Photo : Camille D. ».",
               "Crédit de la photo par défaut (colonne « credit » prioritaire)."),
    "accroche": ("Votre accroche, à la place du titre (là où le gabarit le permet).",
                 "Accroche par défaut (colonne « accroche » prioritaire)."),
    "message": ("Votre message, à la place de la phrase de demande ({ville}, {a_ville}… permis).",
                "Message par défaut (colonne « message » prioritaire)."),
}


def production_options(batch: bool = False) -> Callable[[F], F]:
    """The options the city commands and ``lot`` share (see the module contract)."""

    def text(name: str) -> str:
        return _HELP[name][1 if batch else 0]

    options = [
        click.option("-o", "--sortie", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("output"), show_default=True, help=text("sortie"),
                     callback=lambda _ctx, _param, value: check_output_path(value)),
        click.option("-g", "--gabarit", "gabarits", multiple=True,
                     metavar="MATÉRIEL=NOM" if batch else "NOM|FICHIER", help=text("gabarit")),
        click.option("--dossier-gabarits", "dossiers_gabarits", multiple=True,
                     type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="Dossier de gabarits supplémentaire, consulté avant ceux fournis."),
        *([] if batch else [click.option(
            "-d", "--departement", metavar="CODE",
            help="Département de la commune quand plusieurs portent ce nom (ex. 92).")]),
        click.option("--url", default=None, metavar="URL", help=text("url")),
        click.option("--collectif", default="", metavar="NOM", help=text("collectif")),
        click.option("--contact", default="", metavar="TEXTE", help=text("contact")),
        click.option("--date", "date_", default="", metavar="DATE", help=text("date")),
        click.option("--heure", default="", metavar="HEURE", help=text("heure")),
        click.option("--lieu", default="", metavar="LIEU", help=text("lieu")),
        click.option("--logo", "logos", multiple=True, metavar="FICHIER",
                     type=click.Path(dir_okay=False, path_type=Path), help=text("logo")),
        click.option("--photo", default=None, metavar="FICHIER",
                     type=click.Path(dir_okay=False, path_type=Path), help=text("photo")),
        click.option("--cadrage", default=None, metavar="POSITION", help=text("cadrage")),
        click.option("--credit", default="", metavar="TEXTE", help=text("credit")),
        click.option("--accroche", default="", metavar="TEXTE", help=text("accroche")),
        click.option("--message", default="", metavar="TEXTE", help=text("message")),
        click.option("-f", "--force", is_flag=True, help=text("force")),
    ]

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


class AffichesGroup(click.Group):
    """A Click group that shows library errors as one French line and an exit code.

    ``lazy_commands`` maps a command name to ``"module:attribute"``: the module is
    imported only when that command runs or when the commands are listed (``--help``),
    so ``affiches kit`` does not import the code of ``lot``, ``gabarits``, ``serveur``…
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            from importlib import import_module

            module, _, attribute = self.lazy_commands[cmd_name].partition(":")
            self.add_command(getattr(import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AffichesError as exc:
            click.echo(f"Erreur : {printable(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
