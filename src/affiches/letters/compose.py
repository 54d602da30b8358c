"""A letter layout and its inputs become the letter's logical content. Pure.

Contract:
- ``check_sender(...)`` validates what the sender typed (name, postal address, e-mail,
  mayor's name): control or invisible characters, ``MAX_FIELD_CHARS`` characters, an
  address of more than 6 lines, or an e-mail that is not one give ``LetterInputError``
  with a one-line French message naming the option and the fix.
- ``salutation(maire, recipient)`` gives the formula of address and the first lines of
  the recipient block: « Madame la Maire, Monsieur le Maire » by default (the data
  does not say who the mayor is), « Madame la Maire » for ``Mme …``/``Madame …``,
  « Monsieur le Maire » for ``M. …``/``Monsieur …``, « Madame, Monsieur » for the
  PRADA (person responsible for access to administrative documents).
- ``compose_letter(layout, inputs)`` returns ``LetterText``: texts filled and set in
  French typography. The town hall's address is the one given by the user, else the
  one of the data; when neither exists the recipient block holds a marked place to
  fill in (``[À COMPLÉTER : …]``) and ``to_fill`` says so; the same for the e-mail.
  The recipient is the PRADA when the layout asks for it and the commune has 10,000
  inhabitants or more (article R330-2 of the CRPA), the mayor otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from affiches.city.events import MONTHS
from affiches.city.postal import (
    PostalAddress,
    check_text,
    parse_address,
    postal_block,
    repair_cp1252,
    split_lines,
)
from affiches.errors import AddressError, LayoutError, LetterInputError, TemplateError
from affiches.letters.layout import LetterLayout
from affiches.limits import MAX_LETTER_FIELD_CHARS
from affiches.scene import TO_FILL_MARK, LetterText
from affiches.text.template import render
from affiches.text.typography import french_typography

MAX_FIELD_CHARS = MAX_LETTER_FIELD_CHARS  # every limit is defined in affiches.limits
PRADA_POPULATION = 10_000  # R330-2 CRPA: communes of 10,000 inhabitants or more
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class LetterInputs:
    """Everything a letter needs besides its layout (city variables come resolved)."""

    variables: Mapping[str, str]  # city and option variables (see jobs.letters.letter_variables)
    population: int = 0
    expediteur: str = ""  # the sender's name
    adresse: str = ""  # the sender's postal address (lines separated by "," "|" or new lines)
    courriel: str = ""  # the sender's e-mail (answer by e-mail)
    collectif: str = ""
    maire: str = ""  # « Mme Jeanne Dupont »
    mairie_adresse: str = ""  # the town hall's address: the user's, else the data's
    mairie_email: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    lieu: str = ""  # place written before the date; default: the sender's town, else the city


# ----------------------------------------------------------------------- inputs


def check_field(option: str, value: str, limit: int = MAX_FIELD_CHARS) -> str:
    if "\n" in value or "\r" in value:
        raise LetterInputError(f"--{option} : retour à la ligne interdit ; écrivez tout sur une ligne")
    try:
        text = check_text(value, f"--{option}", limit)
    except AddressError as exc:
        raise LetterInputError(str(exc)) from None
    return " ".join(text.split())


def check_email(option: str, value: str) -> str:
    value = check_field(option, value)
    if value and not EMAIL.match(value):
        raise LetterInputError(
            f"--{option} : « {value} » n’est pas une adresse électronique ; écrivez par exemple camille@exemple.org"
        )
    return value


def sender_address_lines(text: str) -> tuple[str, ...]:
    try:
        return tuple(split_lines(text, "--adresse"))
    except AddressError as exc:
        raise LetterInputError(str(exc)) from None


def letter_date(day: dt.date) -> str:
    """« 23 novembre 2026 », « 1er mai 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


# ----------------------------------------------------------------------- recipient


def salutation(maire: str, recipient: str, de_ville: str) -> tuple[str, list[str]]:
    """(formula of address without its comma, first lines of the recipient block)."""
    if recipient == "prada":
        return "Madame, Monsieur", ["Personne responsable de l’accès", "aux documents administratifs"]
    if not maire:
        return "Madame la Maire, Monsieur le Maire", ["Madame la Maire, Monsieur le Maire"]
    first = maire.split(" ", 1)[0].rstrip(".").casefold()
    title = f"Maire {de_ville}"
    if first in ("mme", "madame"):
        return "Madame la Maire", [maire, title]
    if first in ("m", "monsieur"):
        return "Monsieur le Maire", [maire, title]
    raise LetterInputError(
        f"--maire : « {maire} » : commencez par « Mme » ou « M. », par exemple « Mme Jeanne Dupont »"
    )


def recipient_block(first_lines: list[str], town_hall: str, address: PostalAddress | None) -> tuple[list[str], bool]:
    """The window-envelope block and whether its last line is longer than 38 characters."""
    if address is None:
        return [*first_lines, *([town_hall] if town_hall else []), f"[{TO_FILL_MARK} : adresse de la mairie]"], False
    attempts = [[*first_lines, town_hall], first_lines] if town_hall else [first_lines]
    problem: AddressError | None = None
    for lines in attempts:
        try:
            block = postal_block([line for line in lines if len(line) <= 38] or lines[:1], address)
        except AddressError as exc:
            problem = exc
            continue
        return list(block.lines), block.overlong
    assert problem is not None
    raise problem


def town_hall_address(inputs: LetterInputs) -> tuple[PostalAddress | None, bool]:
    """The town hall's address (the user's first) and whether it came from the user."""
    if inputs.mairie_adresse.strip():
        try:
            return parse_address(inputs.mairie_adresse, "--adresse-mairie"), True
        except AddressError as exc:
            raise LetterInputError(str(exc)) from None
    data = repair_cp1252(inputs.variables.get("lettre_mairie_lignes", ""))
    if not data:
        return None, False
    try:
        return parse_address(data, "adresse de la mairie (données)"), False
    except AddressError:
        return None, False  # unreadable in the data (one commune): left to fill in


# ----------------------------------------------------------------------- texts


def fill(template: str, variables: Mapping[str, str], where: str) -> str:
    """The template filled by the restricted formatter (``affiches.text.template``)."""
    try:
        text = render(template, variables)
    except KeyError as exc:
        raise LayoutError(f"{where} : variable inconnue {{{exc.args[0]}}}") from None
    except TemplateError as exc:
        raise LayoutError(f"{where} : {exc}") from None
    return french_typography(" ".join(text.split()))


def compose_letter(layout: LetterLayout, inputs: LetterInputs) -> LetterText:
    variables = dict(inputs.variables)
    expediteur = check_field("expediteur", inputs.expediteur)
    collectif = check_field("collectif", inputs.collectif)
    courriel = check_email("contact", inputs.courriel)
    maire = check_field("maire", inputs.maire, 80)
    mairie_email = check_email("courriel-mairie", inputs.mairie_email)
    address_lines = sender_address_lines(inputs.adresse) if inputs.adresse.strip() else ()
    if not expediteur and not collectif:
        raise LetterInputError("--expediteur : qui écrit ? donnez votre nom (ou --collectif)")
    if not courriel and any("{contact}" in template for _key, template in layout.templates()):
        # The text asks for an answer by e-mail (the CADA request): it needs the address.
        raise LetterInputError("--contact : donnez l’adresse électronique où recevoir les documents")
    recipient = "prada" if layout.recipient == "prada" and inputs.population >= PRADA_POPULATION else "maire"
    appel, first_lines = salutation(maire, recipient, variables.get("de_ville", ""))
    # « Maire de X » already names the town hall when the mayor is named.
    town_hall = "" if recipient == "maire" and maire else f"Mairie {variables.get('de_ville', '')}".strip()
    address, _from_user = town_hall_address(inputs)
    block, _overlong = recipient_block(first_lines, town_hall, address)
    place = check_field("lieu", inputs.lieu) or _sender_town(address_lines) or variables.get("ville", "")
    signataire = " — ".join(part for part in (expediteur, collectif) if part)
    email_to = mairie_email or variables.get("mairie_email", "")
    variables.update(
        expediteur=expediteur,
        collectif=collectif,
        contact=courriel or variables.get("contact", ""),
        signataire=signataire,
        appel=appel,
        destinataire="la personne responsable de l’accès aux documents administratifs" if recipient == "prada"
        else "le maire",
        date_lettre=letter_date(inputs.date),
        lieu_lettre=place,
        population=str(inputs.population),
        mairie_email=email_to,
    )
    where = f"gabarit de lettre {layout.name}"
    documents = [fill(t, variables, f"{where}, documents") for t in layout.documents]
    paragraphs: list[str] = []
    for index, template in enumerate(layout.paragraphs, 1):
        if template.strip() == "{documents}":
            paragraphs.extend(f"– {doc}" for doc in documents)
            continue
        text = fill(template, variables, f"{where}, paragraphes[{index}]")
        if text:
            paragraphs.append(text)
    to_fill: list[str] = []
    if address is None:
        to_fill.append("l’adresse postale de la mairie (option --adresse-mairie)")
    if not email_to:
        to_fill.append("l’adresse électronique de la mairie (option --courriel-mairie)")
    sender = [expediteur or collectif]
    if expediteur and collectif:
        sender.append(collectif)
    sender += list(address_lines)
    if courriel:
        sender.append(courriel)
    subject = fill(layout.subject, variables, f"{where}, objet")
    return LetterText(
        kind="lettre",
        sender=tuple(french_typography(line) for line in sender),
        recipient=tuple(block),
        place_date=french_typography(f"{place}, le {letter_date(inputs.date)}"),
        subject=subject,
        salutation=f"{appel},",
        paragraphs=tuple(paragraphs),
        closing=fill(layout.closing, variables, f"{where}, formule_finale"),
        signature=tuple(fill(t, variables, f"{where}, signature") for t in layout.signature if t),
        email_to=email_to,
        email_subject=fill(layout.email_subject, variables, f"{where}, courriel_objet"),
        email_from=courriel,
        to_fill=tuple(to_fill),
    )


def compose_campaign_mail(layout: LetterLayout, inputs: LetterInputs, letter: LetterText) -> LetterText | None:
    """The short e-mail to the campaign, or ``None`` when the layout has none."""
    mail = layout.campaign_mail
    if mail is None:
        return None
    variables = dict(inputs.variables)
    variables.update(
        expediteur=letter.sender[0] if letter.sender else "",
        collectif=inputs.collectif,
        contact=letter.email_from,
        signataire=" — ".join(letter.signature),
        appel="",
        destinataire="",
        date_lettre=letter_date(inputs.date),
        lieu_lettre="",
        population=str(inputs.population),
    )
    where = f"gabarit de lettre {layout.name}, courriel_campagne"
    return LetterText(
        kind="courriel",
        paragraphs=tuple(p for p in (fill(t, variables, where) for t in mail.paragraphs) if p),
        email_to=mail.to,
        email_subject=fill(mail.subject, variables, where),
        email_from=letter.email_from,
    )


def _sender_town(lines: tuple[str, ...]) -> str:
    if lines:
        match = re.match(r"^\d{5}\s+(.+?)(?:\s+cedex.*)?$", lines[-1], re.IGNORECASE)
        if match:
            return match.group(1)
    return ""
