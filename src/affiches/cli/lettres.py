"""Commands ``lettre`` and ``cada``: write to the town hall. Thin: options in, paths out.

Contract: each command resolves the city, composes the letter (nothing written on a
problem: one line ``Erreur : …``, exit status 1), writes ``.pdf``, ``.odt``, ``.eml``
and ``.txt`` (``cada`` also the e-mail to the campaign) into the city's folder, prints
each path on stdout, and on stderr which commune was understood and what is left to
complete by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from affiches.cli.common import CONTEXT


def letter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("-o", "--sortie", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("output"), show_default=True,
                     help="Dossier où écrire les fichiers (un sous-dossier par ville)."),
        click.option("-d", "--departement", metavar="CODE",
                     help="Département de la commune quand plusieurs portent ce nom (ex. 92)."),
        click.option("-g", "--gabarit", default="", metavar="NOM|FICHIER",
                     help="Gabarit de lettre (layouts/lettres/NOM.toml) pour changer la formulation."),
        click.option("--dossier-gabarits", "dossiers_gabarits", multiple=True,
                     type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="Dossier de gabarits personnels (ses lettres sont dans lettres/)."),
        click.option("--expediteur", default="", metavar="NOM", help="Votre nom, tel qu’il sera signé."),
        click.option("--adresse", default="", metavar="ADRESSE",
                     help="Votre adresse postale, par exemple « 12 rue Neuve, 42000 Saint-Étienne »."),
        click.option("--contact", default="", metavar="COURRIEL",
                     help="Votre adresse électronique (pour recevoir la réponse)."),
        click.option("--collectif", default="", metavar="NOM",
                     help="Collectif au nom duquel vous écrivez, par exemple « Technopolice Grenoble »."),
        click.option("--maire", default="", metavar="NOM",
                     help="Le nom du maire, par exemple « Mme Jeanne Dupont » (formule : « Madame la Maire »)."),
        click.option("--adresse-mairie", default="", metavar="ADRESSE",
                     help="Adresse postale de la mairie, si elle manque ou a changé."),
        click.option("--courriel-mairie", default="", metavar="COURRIEL",
                     help="Adresse électronique de la mairie, si elle manque ou a changé."),
        click.option("--date-lettre", default="", metavar="DATE",
                     help="Date de la lettre (2026-05-16, 16/05/2026…) [défaut : aujourd’hui]."),
        click.option("--fait-a", default="", metavar="LIEU",
                     help="Lieu écrit avant la date [défaut : la ville de votre adresse]."),
        click.option("--logo", "logos", multiple=True, metavar="FICHIER",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="Logo du collectif (PNG, JPEG ou SVG), en haut à droite de la lettre ; "
                          "deux fois pour deux logos."),
        click.option("-f", "--force", is_flag=True, help="Réécrire les fichiers déjà présents."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_letter(kind: str, ville: str, *, sortie: Path, departement: str | None, gabarit: str,
               dossiers_gabarits: tuple[Path, ...], expediteur: str, adresse: str, contact: str,
               collectif: str, maire: str, adresse_mairie: str, courriel_mairie: str,
               date_lettre: str, fait_a: str, force: bool, logos: tuple[Path, ...] = ()) -> None:
    from affiches.city.events import parse_date
    from affiches.jobs.letters import LetterOptions, make_letter
    from affiches.jobs.options import load_pictures
    from affiches.jobs.pipeline import resolve

    today = dt.date.today()
    options = LetterOptions(
        output_dir=sortie, layout=gabarit, layout_dirs=dossiers_gabarits, expediteur=expediteur,
        adresse=adresse, courriel=contact, collectif=collectif, maire=maire,
        adresse_mairie=adresse_mairie, courriel_mairie=courriel_mairie,
        date=parse_date(date_lettre, today) if date_lettre.strip() else today, lieu=fait_a, force=force,
        logos=load_pictures(logos).logos,
    )
    city = resolve(ville, departement)
    written, notes = make_letter(city, kind, options)
    for note in (*city.notes, *notes):
        click.echo(note, err=True)
    for item in written:
        if item.status == "existant":
            click.echo(f"{item.path} existe déjà : laissé tel quel (--force pour le refaire)", err=True)
        else:
            click.echo(str(item.path))


@click.command(context_settings=CONTEXT)
@click.argument("ville")
@letter_options
def lettre(ville: str, **options: Any) -> None:
    """La lettre au maire, prête à signer : PDF pour enveloppe à fenêtre, .odt, courriel (.eml), texte.

    \b
    Exemple :
      affiches lettre "Saint-Étienne" --expediteur "Camille Martin" \\
        --adresse "12 rue Neuve, 42000 Saint-Étienne"
    """
    run_letter("lettre", ville, **options)


@click.command(context_settings=CONTEXT)
@click.argument("ville")
@letter_options
def cada(ville: str, **options: Any) -> None:
    """La demande des documents sur la vidéosurveillance (droit d’accès, CRPA), et le courriel à la campagne.

    \b
    Exemple :
      affiches cada "Saint-Étienne" --collectif "Technopolice Saint-Étienne" \\
        --contact camille@exemple.org
    """
    run_letter("cada", ville, **options)


# Hooks of ``gabarits verifier``: letter layouts are found and checked beside the others.


def letter_paths(dossiers: Sequence[Path]) -> list[Path]:
    from affiches.letters.layout import available_letter_layouts

    return list(available_letter_layouts(dossiers).values())


def find_any_layout(name: str, dossiers: Sequence[Path]) -> Path:
    """A letter layout of that name, else a layout (``gabarits.find_layout``)."""
    from affiches.gabarits import find_layout
    from affiches.letters.layout import available_letter_layouts

    letters = available_letter_layouts(dossiers)
    return letters[name] if name in letters else find_layout(name, dossiers)


def is_letter_layout(path: Path) -> bool:
    from affiches.letters.layout import is_letter_layout as is_letter

    return is_letter(path)


def check_any_layout(path: Path, dossiers: Sequence[Path], variables: Mapping[str, str]) -> list[Any]:
    """A letter layout's problems (keys, templates, a trial letter on one page), else a
    layout's (``designer.previews.check_layout_file``)."""
    from affiches.designer.previews import check_layout_file
    from affiches.jobs.letters import check_letter_file

    if is_letter_layout(path):
        return list(check_letter_file(path, dossiers))
    return list(check_layout_file(path, dossiers, variables))
