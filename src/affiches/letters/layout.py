"""Letter layouts: the wording of a letter, in data (``layouts/lettres/*.toml``).

Contract: ``load_letter_layout(name_or_path, extra_dirs)`` finds a letter layout (a
``.toml`` path, or ``NAME.toml`` in ``lettres/`` of the user's folders, then of
``./layouts``, then among the bundled ones: first match wins) and returns a checked
``LetterLayout``, or raises ``LayoutError`` naming the file, the line when it is known,
the key and the fix. ``check_letter_layout(path)`` returns every problem of one file
(for ``gabarits verifier``). A file is read as a regular file of at most
``limits.MAX_LAYOUT_BYTES``, nested at most ``limits.MAX_TOML_DEPTH`` deep. Texts are
templates filled by the restricted formatter of ``affiches.text.template`` (``{nom}``,
``{nom:format}``: no attribute or index access) with the variables of
``affiches.letters.compose``; an unknown variable or a refused field is reported at
check time. Nothing here composes or writes.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from affiches.errors import LayoutError, LimitError, TemplateError
from affiches.limits import MAX_LAYOUT_BYTES, parse_toml, read_regular_file
from affiches.resources import builtin_layouts_dir
from affiches.text.template import field_names

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LETTERS_FOLDER = "lettres"
RECIPIENTS = ("maire", "prada")  # prada: the PRADA in communes of 10,000 inhabitants or more

# Every variable a letter text may use (see affiches.letters.compose.letter_variables).
LETTER_VARIABLES = frozenset({
    "ville", "ville_officiel", "a_ville", "de_ville", "ville_maj", "a_ville_maj", "de_ville_maj",
    "departement", "collectif", "contact", "expediteur", "signataire", "appel", "destinataire",
    "date_lettre", "lieu_lettre", "mairie_email", "mairie_adresse", "url", "url_courte", "hashtag",
    "documents", "population",
})


@dataclass(frozen=True)
class CampaignMail:
    """The short e-mail telling the campaign that a request was sent."""

    to: str
    subject: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class LetterLayout:
    name: str
    path: Path
    description: str
    recipient: str  # one of RECIPIENTS
    subject: str
    email_subject: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]
    documents: tuple[str, ...] = ()
    campaign_mail: CampaignMail | None = None
    font: str = "Manrope-Regular"
    bold_font: str = "Manrope-Bold"
    size: float = 10.5
    size_min: float = 9.0
    line_height: float = 1.35
    search_dirs: tuple[Path, ...] = field(default=(), compare=False)

    def templates(self) -> list[tuple[str, str]]:
        """(key, template) of every text, for checks."""
        items = [("objet", self.subject), ("courriel_objet", self.email_subject),
                 ("formule_finale", self.closing)]
        items += [(f"paragraphes[{i}]", text) for i, text in enumerate(self.paragraphs, 1)]
        items += [(f"signature[{i}]", text) for i, text in enumerate(self.signature, 1)]
        items += [(f"documents[{i}]", text) for i, text in enumerate(self.documents, 1)]
        if self.campaign_mail:
            mail = self.campaign_mail
            items += [("courriel_campagne.objet", mail.subject)]
            items += [(f"courriel_campagne.paragraphes[{i}]", t) for i, t in enumerate(mail.paragraphs, 1)]
        return items


# ------------------------------------------------------------------------- finding


def letter_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    folders = [Path(d) / LETTERS_FOLDER for d in extra]
    folders += [Path("layouts") / LETTERS_FOLDER, builtin_layouts_dir() / LETTERS_FOLDER]
    return [folder for folder in folders if folder.is_dir()]


def available_letter_layouts(extra: Sequence[Path | str] = ()) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in letter_dirs(extra):
        for path in sorted(folder.glob("*.toml")):
            found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def find_letter_layout(name_or_path: str, extra: Sequence[Path | str] = ()) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        if candidate.is_file():
            return candidate
        raise LayoutError(f"gabarit de lettre introuvable : fichier « {name_or_path} » inexistant")
    layouts = available_letter_layouts(extra)
    if name_or_path in layouts:
        return layouts[name_or_path]
    close = difflib.get_close_matches(name_or_path, list(layouts), n=1)
    hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    raise LayoutError(
        f"gabarit de lettre inconnu : « {name_or_path} »{hint} (disponibles : {', '.join(layouts)})"
    )


# ------------------------------------------------------------------------- checking

_FIELD = re.compile(r"\{([^{}!:]*)")
_KEYS = {
    "$schema", "nom", "type", "description", "destinataire", "objet", "courriel_objet", "paragraphes",
    "formule_finale", "signature", "documents", "courriel_campagne", "page",
}
_PAGE_KEYS = {"police", "police_grasse", "taille", "taille_min", "interligne"}
_MAIL_KEYS = {"a", "objet", "paragraphes"}


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        line = _line_of(self.text, key.split(".")[-1].split("[")[0])
        where = f"{self.path}:{line}" if line else str(self.path)
        self.problems.append(f"{where} : {key} : {message}")

    def string(self, data: dict[str, Any], key: str, required: bool = True, prefix: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(prefix + key, "clé obligatoire absente ; ajoutez-la")
            return ""
        if not isinstance(value, str):
            self.problem(prefix + key, "doit être un texte entre guillemets")
            return ""
        return value

    def strings(self, data: dict[str, Any], key: str, required: bool = True, prefix: str = "") -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(prefix + key, "clé obligatoire absente ; ajoutez une liste de textes")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(prefix + key, "doit être une liste de textes : [\"…\", \"…\"]")
            return ()
        return tuple(value)

    def number(self, data: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.problem(f"page.{key}", f"doit être un nombre entre {low:g} et {high:g}")
            return default
        return float(value)

    def unknown(self, data: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
                self.problem(prefix + key, f"clé inconnue{hint}")


def _parse(path: Path) -> tuple[LetterLayout | None, list[str]]:
    try:
        text = read_regular_file(path, MAX_LAYOUT_BYTES, LayoutError, "gabarit de lettre (.toml)").decode("utf-8")
        data = parse_toml(text)
    except (LayoutError, LimitError) as exc:  # not a regular file, too big, nested too deep
        return None, [f"{path} : {str(exc).removeprefix(f'{path} : ')}"]
    except UnicodeDecodeError:
        return None, [f"{path} : le fichier n’est pas en UTF-8 ; enregistrez-le en UTF-8"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{path} : TOML invalide : {exc}"]
    check = _Checker(path, text)
    check.unknown(data, _KEYS)
    if data.get("type") != "lettre":
        check.problem("type", "doit valoir \"lettre\" pour un gabarit de lettre")
    name = check.string(data, "nom") or path.stem
    recipient = check.string(data, "destinataire")
    if recipient and recipient not in RECIPIENTS:
        check.problem("destinataire", f"« {recipient} » inconnu ; choisissez parmi {', '.join(RECIPIENTS)}")
    subject = check.string(data, "objet")
    page = data.get("page", {})
    if not isinstance(page, dict):
        check.problem("page", "doit être une table [page]")
        page = {}
    check.unknown(page, _PAGE_KEYS, "page.")
    mail_data = data.get("courriel_campagne")
    mail = None
    if mail_data is not None:
        if not isinstance(mail_data, dict):
            check.problem("courriel_campagne", "doit être une table [courriel_campagne]")
        else:
            check.unknown(mail_data, _MAIL_KEYS, "courriel_campagne.")
            mail = CampaignMail(
                check.string(mail_data, "a", prefix="courriel_campagne."),
                check.string(mail_data, "objet", prefix="courriel_campagne."),
                check.strings(mail_data, "paragraphes", prefix="courriel_campagne."),
            )
    layout = LetterLayout(
        name=name,
        path=path,
        description=check.string(data, "description", required=False),
        recipient=recipient or "maire",
        subject=subject,
        email_subject=check.string(data, "courriel_objet", required=False) or subject,
        paragraphs=check.strings(data, "paragraphes"),
        closing=check.string(data, "formule_finale"),
        signature=check.strings(data, "signature", required=False) or ("{signataire}",),
        documents=check.strings(data, "documents", required=False),
        campaign_mail=mail,
        font=check.string(page, "police", required=False) or "Manrope-Regular",
        bold_font=check.string(page, "police_grasse", required=False) or "Manrope-Bold",
        size=check.number(page, "taille", 10.5, 8, 14),
        size_min=check.number(page, "taille_min", 9, 7, 14),
        line_height=check.number(page, "interligne", 1.35, 1.0, 2.0),
    )
    if "{appel}" not in layout.closing.replace(" ", ""):
        check.problem("formule_finale", "doit reprendre la formule d’appel : écrivez {appel} dedans")
    for key, template in layout.templates():
        for variable in _FIELD.findall(template):
            if variable not in LETTER_VARIABLES and not variable.startswith("x_"):
                check.problem(key, f"variable inconnue {{{variable}}} ; variables possibles : "
                                   f"{', '.join(sorted(LETTER_VARIABLES))}")
        try:
            field_names(template)  # the restricted formatter: {nom} or {nom:format} only
        except TemplateError as exc:
            check.problem(key, str(exc))
    return layout, check.problems


def check_letter_layout(path: Path) -> list[str]:
    return _parse(path)[1]


def is_letter_layout(path: Path) -> bool:
    """True when the file declares ``type = "lettre"`` (read without failing)."""
    try:
        data = read_regular_file(path, MAX_LAYOUT_BYTES, LayoutError).decode("utf-8")
        return parse_toml(data).get("type") == "lettre"
    except (LayoutError, LimitError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load_letter_layout(name_or_path: str, extra_dirs: Sequence[Path | str] = ()) -> LetterLayout:
    path = find_letter_layout(name_or_path, extra_dirs)
    layout, problems = _parse(path)
    if problems or layout is None:
        more = ""
        if len(problems) > 1:
            more = f" (et {len(problems) - 1} autre(s) ; « affiches gabarits verifier {path} »)"
        raise LayoutError(problems[0] + more)
    return layout
