"""The letters of the web page: the letter to the mayor and the CADA request, in memory.

Contract:
- ``LETTER_BOXES`` are the page's check boxes (``lettre``, ``cada``: the kinds of
  ``affiches.jobs.letters``), ``SENDER_FIELDS`` its sender fields (``expediteur``,
  ``adresse``, ``maire``, ``courriel_mairie``); the signature (``collectif``) and the
  answer address (``contact``) are the kit's fields.
- ``validate(form, kinds, errors)`` checks every sender field with the letters' own
  checks (the command line's messages) and adds a message per field to ``errors``;
  the contact must be an e-mail address when a letter is asked for.
- ``letters(city, values, kinds)`` composes each letter through
  ``affiches.jobs.letters.letter_outputs`` (the files ``lettre`` and ``cada`` write:
  PDF, ODT, EML, TXT, and the e-mail to the campaign) and returns them with the notes
  (what to complete by hand) and, when the town hall's e-mail is known, a ``mailto:``
  address with the letter's subject and text. Nothing written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from affiches.city.model import City
from affiches.errors import AffichesError
from affiches.jobs import pipeline

LETTER_BOXES = ("lettre", "cada")
SENDER_FIELDS = ("expediteur", "adresse", "maire", "courriel_mairie")
LABELS = {"pdf": "PDF à imprimer", "odt": "à modifier, ODT", "eml": "courriel, EML", "txt": "texte, TXT"}


@dataclass(frozen=True)
class LetterResult:
    files: tuple[pipeline.OutputFile, ...]
    labels: tuple[str, ...]  # one per file
    notes: tuple[str, ...]
    mailto: tuple[tuple[str, str], ...]  # (kind's French name, mailto: address)


def _strip(message: str, option: str) -> str:
    """The command line's message without its ``--option :``, in French typography."""
    from affiches.text.typography import french_typography

    prefix = f"--{option} : "
    return french_typography(message[len(prefix):] if message.startswith(prefix) else message)


def validate(form: Mapping[str, str], kinds: Sequence[str], errors: dict[str, str]) -> dict[str, str]:
    """The sender fields, checked; a message per bad field added to ``errors``."""
    from affiches.letters.compose import check_email, check_field, sender_address_lines

    values: dict[str, str] = {}
    checks = {"expediteur": check_field, "adresse": check_field, "maire": check_field,
              "courriel_mairie": check_email}
    for name in SENDER_FIELDS:
        option = name.replace("_", "-")
        try:
            values[name] = checks[name](option, form.get(name, ""))
            if name == "adresse" and values[name]:
                sender_address_lines(values[name])
        except AffichesError as exc:
            errors[name] = _strip(str(exc), option)
    if kinds and "contact" not in errors:
        try:
            check_email("contact", form.get("contact", ""))
        except AffichesError as exc:
            errors["contact"] = _strip(str(exc), "contact")
    return values


def _mailto(to: str, subject: str, body: str) -> str:
    return f"mailto:{quote(to, safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def letters(city: City, values: Mapping[str, str], kinds: Sequence[str], collectif: str,
            contact: str) -> LetterResult:
    from affiches.jobs.letters import (
        LetterOptions,
        letter_inputs,
        letter_outputs,
        letter_variables,
        load_letter_layouts,
    )
    from affiches.letters.compose import compose_letter
    from affiches.scene import plain_text

    options = LetterOptions(collectif=collectif, courriel=contact, expediteur=values.get("expediteur", ""),
                            adresse=values.get("adresse", ""), maire=values.get("maire", ""),
                            courriel_mairie=values.get("courriel_mairie", ""))
    files: list[pipeline.OutputFile] = []
    labels: list[str] = []
    notes: list[str] = []
    mailto: list[tuple[str, str]] = []
    for kind, layout in load_letter_layouts(kinds).items():
        variables = letter_variables(city, options)
        outputs, kind_notes = letter_outputs(city.folder, kind, layout, variables)
        what = "Lettre au maire" if kind == "lettre" else "Demande de documents (CADA)"
        for output in outputs:
            suffix = output.name.rsplit(".", 1)[-1]
            campaign = "courriel-technopolice" in output.name
            labels.append("Courriel à la campagne (EML)" if campaign else f"{what} ({LABELS[suffix]})")
            files.append(output)
        notes.extend(kind_notes)
        letter = compose_letter(layout, letter_inputs(variables))
        if letter.email_to:
            body = plain_text(letter, with_header=False)
            mailto.append((what, _mailto(letter.email_to, letter.email_subject or letter.subject, body)))
    return LetterResult(tuple(files), tuple(labels), tuple(notes), tuple(mailto))
