"""Issue 10: what a designer and a proofreader would reject, as tests.

Print safe area and minimum sizes (``verifier``), the event and signature rules of
every layout, the alternative text, the sticker's bleed, the A3's margin grid, the
town-hall address when the data has none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from affiches.city.communes import get_commune_by_code, resolve_city
from affiches.city.events import event_variables
from affiches.compose import compose
from affiches.gabarits import check_file, load_layout
from affiches.jobs.kit import KitOptions, template_variables
from affiches.scene import MM, QRCode, Rect, TextLine
from affiches.text.fonts import FontMetrics

BUILTIN = [
    "affiche-a3", "affiche-a3-sombre", "affiche-a2", "tract-a5", "tract-a6",
    "visuel-carre", "visuel-carre-clair", "banniere-reseaux", "autocollant-rond",
]
PRINT = ["affiche-a3", "affiche-a3-sombre", "affiche-a2", "tract-a5", "tract-a6"]
SIGNED = KitOptions(collectif="Technopolice Rouen", contact="rouen@exemple.org")


def scene_for(layout: str, city: str = "Saint-Étienne", event: bool = False,
              options: KitOptions = SIGNED):  # type: ignore[no-untyped-def]
    extra = event_variables("2026-12-12", "14h30", "place de la Mairie") if event else {}
    opts = KitOptions(collectif=options.collectif, contact=options.contact, extra=extra)
    return compose(load_layout(layout), template_variables(resolve_city(city), opts))


def texts(scene, page: int | None = None) -> list[TextLine]:  # type: ignore[no-untyped-def]
    pages = scene.pages if page is None else [scene.pages[page]]
    return [item for p in pages for item in p.items if isinstance(item, TextLine)]


# ------------------------------------------------------------------ verifier checks

HEAD = """\
nom = "essai"
materiel = "tract"
unite = "mm"
largeur = 100
hauteur = 100
fond = "#FFFFFF"

[couleurs]
noir = "#000000"

[[blocs]]
nom = "texte"
type = "texte"
texte = "Bonjour"
police = "Manrope-Bold"
couleur = "noir"
boite = {box}
taille_max = 12
taille_min = {size}
"""


def test_verifier_checks_the_safe_area_of_print_layouts(tmp_path: Path) -> None:
    path = tmp_path / "bord.toml"
    path.write_text(HEAD.format(box="[10, 10, 80, 87]", size=8), encoding="utf-8")
    (problem,) = check_file(path)
    assert problem.key == "blocs.texte.boite"
    assert problem.message.startswith("à 3 mm du bord de coupe : ")
    path.write_text(HEAD.format(box="[5, 5, 90, 90]", size=8), encoding="utf-8")
    assert check_file(path) == []


def test_verifier_checks_minimum_sizes_per_medium(tmp_path: Path) -> None:
    path = tmp_path / "petit.toml"
    path.write_text(HEAD.format(box="[10, 10, 80, 20]", size=7.5), encoding="utf-8")
    (problem,) = check_file(path)
    assert problem.key == "blocs.texte.taille_min"
    assert problem.message.startswith("7,5 pt : trop petit pour être lu sur ce support ; au moins 8 pt")
    screen = HEAD.format(box="[10, 10, 80, 20]", size=20).replace('unite = "mm"', 'unite = "px"')
    screen = screen.replace("taille_max = 12", "taille_max = 30")
    screen = screen.replace("largeur = 100\nhauteur = 100", "largeur = 1080\nhauteur = 1080")
    path.write_text(screen, encoding="utf-8")
    (problem,) = check_file(path)
    assert "au moins 24 px" in problem.message


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_layouts_keep_to_the_medium(name: str) -> None:
    """Measured on the composed scene, not on the layout's boxes: every text line at
    8 pt at least on paper (24 px on screen), and on paper every text line and QR code
    5 mm inside the trim (inside the disc on the sticker)."""
    layout = load_layout(name)
    for event in (False, True):
        scene = scene_for(name, "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson", event)
        minimum = 24 * 0.75 if layout.unit == "px" else 8.0
        for line in texts(scene):
            assert line.size >= minimum - 1e-9, (name, line.block, line.size)
        if layout.unit == "px":
            continue
        margin = 5 * MM - 1e-6
        for page in scene.pages:
            for item in page.items:
                if isinstance(item, TextLine):
                    metrics = FontMetrics.load(item.font_path)
                    top, bottom = metrics.ink_extent(item.text)
                    scale = item.size / metrics.units_per_em
                    box = (item.x, item.baseline - top * scale, item.x + item.width,
                           item.baseline - bottom * scale)
                elif isinstance(item, QRCode):
                    box = (item.x, item.y, item.x + item.size, item.y + item.size)
                else:
                    continue
                if name == "autocollant-rond":
                    cx, cy, r = scene.width / 2, scene.height / 2, scene.width / 2
                    corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
                    assert all(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 <= r - margin for x, y in corners)
                else:
                    assert box[0] >= margin and box[1] >= margin, (name, item)
                    assert scene.width - box[2] >= margin and scene.height - box[3] >= margin, (name, item)


# ------------------------------------------------------------ events and signatures


def test_demonstration_flyer_reads_the_event_right_after_the_city() -> None:
    for name in ("tract-a5", "tract-a6"):
        scene = scene_for(name, event=True)
        front = texts(scene, 0)
        order = [line.block for line in sorted(front, key=lambda t: t.baseline)]
        blocks = list(dict.fromkeys(order))
        assert blocks.index("evenement-titre") == blocks.index("ville") + 1, blocks
        event_size = max(t.size for t in front if t.block == "evenement-titre")
        body = [t.size for t in front if t.block not in ("ville", "campagne", "evenement-titre")]
        assert event_size > max(body)
        back = " ".join(t.text for t in texts(scene, 1)).replace("\u00a0", " ")
        assert "samedi 12 décembre 2026" in back


def test_event_is_larger_than_the_request_on_posters() -> None:
    for name in ("affiche-a3", "affiche-a2", "affiche-a3-sombre"):
        scene = scene_for(name, event=True)
        sizes = {t.block: t.size for t in texts(scene)}
        assert sizes["evenement"] > sizes["demande-evenement"], (name, sizes)
        assert "demande" not in sizes


def test_event_band_is_visible_on_the_light_visual() -> None:
    scene = scene_for("visuel-carre-clair", event=True)
    band = [i for i in scene.pages[0].items if isinstance(i, Rect) and i.height < scene.height / 2
            and i.width == scene.width and i.fill is not None and i.fill.rgb != scene.background.rgb]
    event_line = next(t for t in texts(scene) if t.block == "evenement")
    assert any(r.y <= event_line.baseline <= r.y + r.height for r in band)


@pytest.mark.parametrize("name", ["visuel-carre", "visuel-carre-clair", "banniere-reseaux",
                                  "autocollant-rond", "tract-a5", "tract-a6", "affiche-a3"])
def test_collective_signs_every_material(name: str) -> None:
    printed = " ".join(t.text for t in texts(scene_for(name)))
    assert "Technopolice Rouen" in printed
    unsigned = " ".join(t.text for t in texts(scene_for(name, options=KitOptions())))
    assert "Technopolice Rouen" not in unsigned


def test_alt_text_mentions_the_event_and_the_collective() -> None:
    alt = scene_for("visuel-carre", event=True).alt_text.replace("\u00a0", " ")
    assert "Rassemblement samedi 12 décembre 2026" in alt
    assert "Technopolice Rouen" in alt
    plain = scene_for("visuel-carre", options=KitOptions()).alt_text
    assert "Annonce" not in plain and "Signé" not in plain


def test_flyer_call_to_action_is_one_sentence_ending_with_the_address() -> None:
    for name in ("tract-a5", "tract-a6"):
        agir = " ".join(t.text for t in texts(scene_for(name), 0) if t.block == "agir")
        assert agir.endswith("au dos et sur laquadrature.net/pasdevsadansmaville."), agir


def test_wording() -> None:
    for name in ("tract-a5", "tract-a6"):
        printed = " ".join(t.text for t in texts(scene_for(name)))
        assert "Rendez-le visible" not in printed
        assert "les habitants" not in printed
        assert "habitantes et habitants" in printed


# ------------------------------------------------------------------- print details


def test_sticker_disc_bleeds_with_the_print_shop_option(tmp_path: Path) -> None:
    scene = scene_for("autocollant-rond")
    disc = next(i for i in scene.pages[0].items if isinstance(i, Rect) and i.ellipse)
    assert disc.bleeds == (True, True, True, True)
    other = [i for i in scene.pages[0].items if isinstance(i, Rect) and i.ellipse][1]
    assert other.bleeds == (False, False, False, False)  # the inner ring stays put


def test_a3_aligns_text_and_qr_code_on_one_margin() -> None:
    scene = scene_for("affiche-a3")
    qr = next(i for i in scene.pages[0].items if isinstance(i, QRCode))
    left = min(t.x for t in texts(scene))
    assert left == pytest.approx(18 * MM)
    assert scene.width - (qr.x + qr.size) == pytest.approx(18 * MM, abs=0.5 * MM)


def test_missing_town_hall_address_says_where_to_find_it() -> None:
    paris = get_commune_by_code("75056")
    assert paris is not None and not paris.mairie_adresse
    for name in ("tract-a5", "tract-a6"):
        back = " ".join(t.text for t in texts(scene_for(name, "Paris"), 1))
        assert "lannuaire.service-public.fr" in back
        assert "Mairie\u00a0: ," not in back


def test_pdf_text_layer_keeps_the_no_break_space_before_a_colon(
    saint_etienne_kit: dict[str, Path],
) -> None:
    from pypdf import PdfReader

    affiche = PdfReader(saint_etienne_kit["affiche"]).pages[0].extract_text()
    assert "public\u00a0:" in affiche and "public :" not in affiche
    tract = PdfReader(saint_etienne_kit["tract"]).pages[0].extract_text()
    assert "quoi\u202f?" in tract  # the narrow one survived already
    assert "\u00a0:" in tract
