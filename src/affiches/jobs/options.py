"""The options of a production and the template variables, built in one place.

Contract:
- ``KitOptions`` holds what the commands pass down (output folder, layouts chosen,
  URL, signature, event and batch columns in ``extra``, print options, the user's
  checked pictures and own words).
- ``template_variables(city, options)`` is the ONE function that builds the variables
  a layout may use: the city's own (``City.variables()``) and those of the options,
  checked (``OptionError`` on a control character, a text over ``MAX_OPTION_LENGTH``,
  a URL that is not http(s)). Everybody (kit, batch, designer previews, fit report)
  gets its variables from here.
- ``parse_materials``, ``parse_layout_choices``, ``build_print_options`` and
  ``build_options`` turn the command line's values into ``KitOptions``;
  ``load_pictures`` reads and checks ``--logo``/``--photo`` (``affiches.images``),
  the only file reads here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from affiches.campaign import DEFAULT_URL, HASHTAG
from affiches.city.model import City
from affiches.errors import OptionError
from affiches.images.artwork import NO_PICTURES, UserPictures
from affiches.limits import MAX_LOGOS as MAX_LOGOS_COUNT
from affiches.limits import MAX_OPTION_CHARS, MAX_OWN_WORDS_CHARS
from affiches.printing.modes import PRINT_SHOP_BLEED_MM, PrintOptions

MATERIAL_LAYOUTS = {
    "affiche": "affiche-a3", "tract": "tract-a5", "visuel": "visuel-carre",
    # Social formats: the square's content in other shapes.
    "story": "visuel-story", "portrait": "visuel-portrait", "paysage": "visuel-paysage",
}
KIT = ("affiche", "tract", "visuel")
SOCIAL = ("visuel", "story", "portrait", "paysage")
GROUPS = {"kit": KIT, "reseaux": SOCIAL}  # names a -q list may use for several materials
LETTERS = ("lettre", "cada")  # letters to the town hall (affiches.jobs.letters), also for lot --quoi
MAX_OPTION_LENGTH = MAX_OPTION_CHARS  # affiches.limits: every limit in one place
MAX_OWN_WORDS = MAX_OWN_WORDS_CHARS  # --accroche, --message (affiches.limits)
MAX_LOGOS = MAX_LOGOS_COUNT
EVENT_VARIABLES = ("evenement", "date", "heure", "lieu")
PRINT_OPTION_NAMES = (
    "imprimeur", "fond_perdu", "traits_de_coupe", "cmjn", "tuiles", "feuille", "a4", "imposer",
    "recto_verso",
)


@dataclass(frozen=True)
class KitOptions:
    """Everything a kit, a material or a batch row is made with."""

    output_dir: Path = Path("output")
    layouts: Mapping[str, str] = field(default_factory=dict)  # material -> layout name or file
    layout_dirs: Sequence[Path] = ()
    url: str = DEFAULT_URL
    collectif: str = ""
    contact: str = ""
    force: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)  # event and batch columns
    printing: PrintOptions = field(default_factory=PrintOptions)  # print shop / office
    pictures: UserPictures = NO_PICTURES  # --logo, --photo, --cadrage (checked files)
    own_words: Mapping[str, str] = field(default_factory=dict)  # credit, accroche, message


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise OptionError(
            f"--url : « {url} » n’est pas une adresse web ; donnez une adresse complète, "
            f"par exemple {DEFAULT_URL}", key="url", value=url,
        )
    return url


def check_text(value: str, where: str, key: str, limit: int = MAX_OPTION_LENGTH) -> str:
    """A one-line text of at most ``limit`` characters, without control ones."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise OptionError(f"{where} : caractère de contrôle interdit ; retirez-le", key=key)
    if len(value) > limit:
        raise OptionError(
            f"{where} : texte trop long ({len(value)} caractères, {limit} au plus) ; "
            "raccourcissez-le", key=key,
        )
    return value


def check_text_option(name: str, value: str, limit: int = MAX_OPTION_LENGTH) -> str:
    return check_text(" ".join(value.split()), f"--{name}", name, limit)


def own_words_variables(options: KitOptions) -> dict[str, str]:
    """``credit``, ``accroche``, ``message`` (checked), ``logo`` and ``photo`` (for ``si``)."""
    words = options.own_words
    pictures = options.pictures
    return {
        "credit": check_text_option("credit", words.get("credit", "")),
        "accroche": check_text_option("accroche", words.get("accroche", ""), MAX_OWN_WORDS),
        "message": check_text_option("message", words.get("message", ""), MAX_OWN_WORDS),
        "logo": "oui" if pictures.logos else "",
        "photo": "oui" if pictures.photo is not None else "",
    }


def short_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def option_variables(options: KitOptions) -> dict[str, str]:
    """The variables that come from the options, not from the city."""
    collectif = check_text_option("collectif", options.collectif)
    contact = check_text_option("contact", options.contact)
    url = check_url(options.url)
    variables = {
        "collectif": collectif,
        "contact": contact,
        "signature": " — ".join(part for part in (collectif, contact) if part),
        "url": url,
        "url_courte": short_url(url),
        "hashtag": HASHTAG,
        **dict.fromkeys(EVENT_VARIABLES, ""),
        **own_words_variables(options),
    }
    variables.update(options.extra)
    return variables


def template_variables(city: City, options: KitOptions) -> dict[str, str]:
    """Every variable a layout may use, for this city with these options."""
    return {**city.variables(), **option_variables(options)}


def parse_materials(text: str, allowed: Sequence[str] = tuple(MATERIAL_LAYOUTS)) -> tuple[str, ...]:
    """``--quoi``: materials (affiche, story…) or groups (``kit``, ``reseaux``); ``lot``
    also allows ``LETTERS``."""
    parts = [part.strip().lower().replace("é", "e") for part in text.split(",") if part.strip()]
    items = tuple(dict.fromkeys(m for part in parts for m in GROUPS.get(part, (part,))))
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise OptionError(
            f"--quoi : « {', '.join(unknown) or text} » inconnu ; choisissez parmi "
            f"{', '.join(allowed)}, ou reseaux ({', '.join(SOCIAL)})",
            key="quoi", value=text,
        )
    return items


def load_pictures(logos: Sequence[Path] = (), photo: Path | None = None,
                  cadrage: str | None = None) -> UserPictures:
    """Check and load the user's logos and photo (``ImageError`` on a bad file)."""
    if len(logos) > MAX_LOGOS:
        raise OptionError(f"--logo : {len(logos)} logos, {MAX_LOGOS} au plus (un collectif et un partenaire)",
                          key="logo")
    if cadrage and photo is None:
        raise OptionError("--cadrage règle le recadrage de --photo ; ajoutez --photo ou retirez-le",
                          key="cadrage")
    if not logos and photo is None:
        return NO_PICTURES  # the image loaders (and their imports) only when there is a picture
    from affiches.images.load import load_artwork
    from affiches.images.photo import parse_focus

    focus = parse_focus(cadrage) if cadrage else (0.5, 0.5)
    return UserPictures(
        logos=tuple(load_artwork(path, "logo") for path in logos),
        photo=load_artwork(photo, "photo") if photo is not None else None,
        focus=focus,
    )


def parse_layout_choices(values: Sequence[str], materials: Sequence[str]) -> dict[str, str]:
    """``--gabarit NOM`` (one material) or ``--gabarit MATÉRIEL=NOM`` (kit)."""
    chosen: dict[str, str] = {}
    for value in values:
        if "=" in value:
            material, _, name = value.partition("=")
            material = material.strip()
            if material not in MATERIAL_LAYOUTS and material not in LETTERS:
                raise OptionError(
                    f"--gabarit : matériel « {material} » inconnu ; écrivez affiche=NOM, tract=NOM ou "
                    "visuel=NOM", key="gabarit", value=value,
                )
            chosen[material] = name.strip()
        elif len(materials) == 1:
            chosen[materials[0]] = value
        else:
            raise OptionError(
                f"--gabarit « {value} » : pour un kit, précisez le matériel, par exemple affiche={value}",
                key="gabarit", value=value,
            )
    return chosen


def build_print_options(*, imprimeur: bool = False, fond_perdu: float | None = None,
                        traits_de_coupe: bool = False, cmjn: bool = False, tuiles: bool = False,
                        feuille: str | None = None, a4: bool = False, imposer: bool = False,
                        recto_verso: str | None = None) -> PrintOptions:
    """The print options of the command line (``--imprimeur`` = 3 mm, marks, CMYK)."""
    if feuille is not None and not tuiles:
        raise OptionError(
            "--feuille choisit le papier des --tuiles ; ajoutez --tuiles ou retirez-la", key="feuille"
        )
    if recto_verso is not None and not imposer:
        raise OptionError(
            "--recto-verso règle l’ordre des pages de --imposer ; ajoutez --imposer ou retirez-la",
            key="recto-verso",
        )
    default_bleed = PRINT_SHOP_BLEED_MM if imprimeur else 0.0
    bleed = fond_perdu if fond_perdu is not None else default_bleed
    return PrintOptions(
        bleed_mm=bleed,
        crop_marks=traits_de_coupe or imprimeur,
        cmyk=cmjn or imprimeur,
        tiles=tuiles,
        tile_sheet=(feuille or "a4").lower(),
        fit_a4=a4,
        impose=imposer,
        duplex=recto_verso or "long",
    ).checked()


def build_options(materials: Sequence[str], *, sortie: Path, gabarits: Sequence[str] = (),
                  dossiers_gabarits: Sequence[Path] = (), url: str | None = None,
                  collectif: str = "", contact: str = "", date_: str = "", heure: str = "",
                  lieu: str = "", force: bool = False, logos: Sequence[Path] = (),
                  photo: Path | None = None, cadrage: str | None = None, credit: str = "",
                  accroche: str = "", message: str = "", **others: object) -> KitOptions:
    """``KitOptions`` from the command line's values (shared by the city commands and ``lot``)."""
    from affiches.city.events import event_variables

    if credit.strip() and photo is None:
        raise OptionError("--credit est le crédit de --photo ; ajoutez --photo ou retirez-le", key="credit")
    printing = build_print_options(**{  # type: ignore[arg-type]
        key: value for key, value in others.items() if key in PRINT_OPTION_NAMES
    })
    return KitOptions(
        output_dir=sortie,
        layouts=parse_layout_choices(gabarits, materials),
        layout_dirs=tuple(dossiers_gabarits),
        url=url if url is not None else DEFAULT_URL,
        collectif=collectif,
        contact=contact,
        force=force,
        extra=event_variables(date_, heure, lieu),
        printing=printing,
        pictures=load_pictures(logos, photo, cadrage),
        own_words={"credit": credit, "accroche": accroche, "message": message},
    )
