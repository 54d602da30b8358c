"""French messages for Click's own texts (usage, errors, help headings).

Contract: ``install_french_messages()`` makes Click's gettext calls answer in French
for the messages a user of ``affiches`` can meet; any other message stays as Click
wrote it. It touches only Click's modules, once, and nothing else in the process.
"""

from __future__ import annotations

import gettext as gettext_module

FRENCH = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l’aide.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing command.": "Commande manquante.",
    "Missing {param_type}": "{param_type} manquant",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "No such option: {name}": "Option inconnue : {name}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Option {name!r} does not take a value.": "L’option {name!r} ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "L’option {name!r} demande une valeur.",
    "Aborted!": "Abandon.",
    "default: {default}": "défaut : {default}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n’existe pas.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{value!r} is not a valid {number_type}.": "{value!r} n’est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n’est pas dans l’intervalle {range}.",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "{value!r} is not one of {choices}.": "{value!r} n’est pas parmi {choices}.",
    "{value!r} is not {choice}.": "{value!r} n’est pas {choice}.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "directory": "dossier",
    "file": "fichier",
    "path": "chemin",
    "integer": "entier",
    "float": "nombre",
}

PLURALS = {
    "Got unexpected extra argument ({args})": "Argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "Arguments en trop : {args}",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
}


def _french_gettext(message: str) -> str:
    return FRENCH.get(message, gettext_module.gettext(message))


def _ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return PLURALS.get(chosen, FRENCH.get(chosen, gettext_module.ngettext(singular, plural, n)))


def _write_heading_fr(self, heading: str) -> None:  # type: ignore[no-untyped-def]
    """Help headings the French way: a (no-break) space before the colon."""
    self.write(f"{'':>{self.current_indent}}{heading}\u00a0:\n")


def install_french_messages() -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    click.formatting.HelpFormatter.write_heading = _write_heading_fr  # type: ignore[method-assign]
    # Type names are translated when click.types is imported, before this hook: set them here.
    click.types.IntRange.name = "entier"
    click.types.FloatRange.name = "nombre"
    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _french_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
