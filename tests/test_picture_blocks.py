"""The ``logo`` and ``photo`` block types and the text keys ``couleur_photo`` and
``modifiable``: parsed, validated at their lines, checked for design."""

from __future__ import annotations

from pathlib import Path

from affiches.gabarits import LogoBlock, PhotoBlock, TextBlock, check_file, load_layout
from test_layout_validation import HEAD, line_of, text_block, write

PHOTO = """
[[blocs]]
nom = "fond"
type = "photo"
si = "photo"
boite = [0, 0, 100, 60]
{extra}"""

LOGO = """
[[blocs]]
nom = "logos"
type = "logo"
boite = [10, 70, 80, 20]
{extra}"""


def test_blocks_parsed_with_their_defaults_and_keys(tmp_path: Path) -> None:
    text = (HEAD + PHOTO.format(extra='teinte = "jaune"\nassombrir = 0.3\nassombrir_max = 0.9')
            + text_block("titre", "[10, 10, 80, 20]", 'couleur_photo = "noir"\nmodifiable = "accroche"')
            + LOGO.format(extra='alignement = "droite"\nespacement = 4'))
    path = write(tmp_path, "ok.toml", text)
    assert check_file(path) == []
    layout = load_layout(path)
    photo, title, logos = layout.blocks
    assert isinstance(photo, PhotoBlock) and not photo.is_content
    assert (photo.tint.hex, photo.minimum, photo.maximum) == ("#FFD400", 0.3, 0.9)
    assert isinstance(title, TextBlock) and title.replaceable == "accroche"
    assert title.photo_color is not None and title.photo_color.hex == "#000000"
    assert isinstance(logos, LogoBlock) and logos.is_content and (logos.align, logos.gap) == ("right", 4)
    plain = load_layout(write(tmp_path, "defaut.toml", HEAD + PHOTO.format(extra="") + LOGO.format(extra="")))
    assert (plain.blocks[0].tint.hex, plain.blocks[0].minimum, plain.blocks[0].maximum) == ("#000000", 0.2, 0.8)
    assert (plain.blocks[1].align, plain.blocks[1].gap) == ("center", None)


def test_bad_values_reported_at_their_lines(tmp_path: Path) -> None:
    text = (HEAD + PHOTO.format(extra="assombrir = 1.5\nassombrir_max = 0.5\nflou = 3")
            + text_block("titre", "[10, 10, 80, 20]", 'modifiable = "titre"')
            + LOGO.format(extra='alignement = "milieu"\nespacement = -2'))
    problems = check_file(write(tmp_path, "casse.toml", text))
    assert [(p.line, p.key, p.message) for p in problems] == [
        (line_of(text, "assombrir = 1.5"), "blocs.fond.assombrir",
         "1.5 : une opacité va de 0 (photo intacte) à 1 (teinte seule)"),
        (line_of(text, "assombrir = 1.5"), "blocs.fond.assombrir", "1.5 dépasse assombrir_max (0.5)"),
        (line_of(text, "flou = 3"), "blocs.fond.flou", "clé inconnue pour un bloc photo"),
        (line_of(text, 'modifiable = "titre"'), "blocs.titre.modifiable",
         "« titre » inconnu ; attendu accroche, message"),
        (line_of(text, 'alignement = "milieu"'), "blocs.logos.alignement",
         "« milieu » inconnu ; attendu gauche, centre, droite"),
        (line_of(text, "espacement = -2"), "blocs.logos.espacement", "-2 est trop petit (minimum 0)"),
    ]


def test_text_over_a_photo_that_no_darkening_can_save(tmp_path: Path) -> None:
    dark_on_dark = HEAD + PHOTO.format(extra="") + text_block("titre", "[10, 10, 80, 20]")
    problems = check_file(write(tmp_path, "sombre.toml", dark_on_dark))
    assert [(p.line, p.key) for p in problems] == [(line_of(dark_on_dark, 'couleur = "noir"'), "blocs.titre.couleur")]
    assert problems[0].message == (
        "texte #000000 sur la photo du bloc « fond » teintée de #000000 à 80 % au plus : contraste 1,0:1 "
        "sur une photo défavorable, il faut 4,5:1 ; changez la couleur_photo, la teinte ou assombrir_max")
    # white over the photo is fine; so is a text on an opaque band drawn over the photo
    fixed = dark_on_dark.replace('couleur = "noir"\nboite = [10, 10',
                                 'couleur = "noir"\ncouleur_photo = "#FFFFFF"\nboite = [10, 10')
    assert check_file(write(tmp_path, "blanc.toml", fixed)) == []
    band = (HEAD + PHOTO.format(extra="") + '\n[[blocs]]\nnom = "bande"\ntype = "rect"\nboite = [0, 5, 100, 30]\n'
            'couleur = "#FFFFFF"\n' + text_block("titre", "[10, 10, 80, 20]"))
    assert check_file(write(tmp_path, "bande.toml", band)) == []
    # a text shown only without a photo is not concerned
    without = dark_on_dark.replace('couleur = "noir"\nboite = [10, 10',
                                   'si = "!photo"\ncouleur = "noir"\nboite = [10, 10')
    assert without != dark_on_dark
    assert check_file(write(tmp_path, "sans.toml", without)) == []


def test_a_tint_too_light_for_some_photo(tmp_path: Path) -> None:
    white_text = text_block("titre", "[10, 10, 80, 20]", 'couleur_photo = "#FFFFFF"')
    light = HEAD + PHOTO.format(extra="assombrir_max = 0.3") + white_text
    (problem,) = check_file(write(tmp_path, "clair.toml", light))
    assert "à 30 % au plus : contraste 2,1:1 sur une photo défavorable, il faut 4,5:1" in problem.message
    enough = HEAD + PHOTO.format(extra="assombrir_max = 0.6") + white_text
    assert check_file(write(tmp_path, "assez.toml", enough)) == []
