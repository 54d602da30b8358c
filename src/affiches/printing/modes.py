"""Print profiles: which PDF a material becomes for a print shop or an office printer.

Contract:
- ``PrintOptions`` holds the user's print choices (bleed in mm, crop marks, CMYK,
  tiling, reduce to A4, imposition, duplex flip). ``PrintOptions.checked()`` validates
  them (``PrintError``, a one-line French message naming the option and the fix).
- ``mode_for(material, fmt, options)`` says what a material becomes: ``"page"`` (the
  page itself, possibly with bleed/marks/CMYK), ``"tuiles"`` (posters only),
  ``"imposer"`` (flyers only) or ``"a4"``. PNG materials are always ``"page"``:
  print options do not apply to screen images.
- ``file_suffix(...)`` names the variant (``-imprimeur``, ``-cmjn``, ``-a4-tuiles``,
  ``-a3-tuiles``, ``-a4``, ``-a4-imposition``), so a variant never overwrites the
  plain file.
- ``check_printable(scene, layout_name, mode, options)`` runs before anything is
  written: every QR code must keep modules of at least ``MIN_QR_MODULE_MM`` once
  printed at the mode's scale, or it is an error naming the block and the minimum.
- Nothing here draws: ``affiches.render.writer_for("pdf", mode, options)`` is the
  writer of each mode. Light to import (no reportlab, no Pillow).
"""

from __future__ import annotations

from dataclasses import dataclass

from affiches.errors import PrintError
from affiches.printing.sheets import DUPLEX_MODES, SHEETS_MM
from affiches.scene import MM, QRCode, Scene

MIN_QR_MODULE_MM = 0.5
MIN_QUIET_ZONE = 4
MAX_BLEED_MM = 10.0
PRINT_SHOP_BLEED_MM = 3.0
TILE_SHEETS = tuple(SHEETS_MM)




@dataclass(frozen=True)
class PrintOptions:
    """The user's print choices (see module doc); ``checked()`` validates them."""

    bleed_mm: float = 0.0
    crop_marks: bool = False
    cmyk: bool = False
    tiles: bool = False
    tile_sheet: str = "a4"
    fit_a4: bool = False
    impose: bool = False
    duplex: str = "long"

    @classmethod
    def print_shop(cls) -> PrintOptions:
        """The print-shop profile: 3 mm bleed, crop marks, CMYK."""
        return cls(bleed_mm=PRINT_SHOP_BLEED_MM, crop_marks=True, cmyk=True)

    @property
    def for_print_shop(self) -> bool:
        return self.bleed_mm > 0 or self.crop_marks

    @property
    def for_office(self) -> bool:
        return self.tiles or self.fit_a4 or self.impose

    @property
    def any(self) -> bool:
        return self.for_print_shop or self.for_office or self.cmyk

    def checked(self) -> PrintOptions:
        if not 0 <= self.bleed_mm <= MAX_BLEED_MM:
            raise PrintError(
                f"--fond-perdu : {_fr(self.bleed_mm)} mm n’est pas possible ; donnez entre 0 et "
                f"{_fr(MAX_BLEED_MM)} mm (3 mm est l’usage des imprimeurs)"
            )
        if self.tile_sheet not in TILE_SHEETS:
            raise PrintError(
                f"--feuille : « {self.tile_sheet} » inconnu ; choisissez {' ou '.join(TILE_SHEETS)}"
            )
        if self.duplex not in DUPLEX_MODES:
            raise PrintError(
                f"--recto-verso : « {self.duplex} » inconnu ; choisissez long ou court"
            )
        if self.for_print_shop and self.for_office:
            raise PrintError(
                "--fond-perdu et --traits-de-coupe préparent un fichier pour l’imprimerie, "
                "--tuiles, --a4 et --imposer pour une imprimante de bureau ; choisissez l’un "
                "ou l’autre"
            )
        return self


def _fr(value: float, digits: int = 1) -> str:
    """A number the French way: decimal comma, no useless zeros."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def mode_for(material: str, fmt: str, options: PrintOptions) -> str:
    if fmt != "pdf":
        return "page"
    if options.tiles and material == "affiche":
        return "tuiles"
    if options.impose and material == "tract":
        return "imposer"
    if options.fit_a4:
        return "a4"
    return "page"


def check_materials(materials: tuple[str, ...] | list[str], formats: dict[str, str],
                    options: PrintOptions) -> None:
    """Options that cannot apply to any requested material are an error, as are two
    office modes for the same material."""
    options.checked()
    pdf = [m for m in materials if formats.get(m) == "pdf"]
    if options.any and not pdf:
        raise PrintError(
            "les options d’impression s’appliquent aux PDF (affiche, tract) ; le visuel est "
            "une image pour l’écran : retirez-les"
        )
    if options.tiles and "affiche" not in pdf:
        raise PrintError("--tuiles découpe une affiche ; pour un tract, utilisez --imposer ou --a4")
    if options.impose and "tract" not in pdf:
        raise PrintError("--imposer place plusieurs tracts par feuille ; pour une affiche, "
                         "utilisez --tuiles ou --a4")
    if options.fit_a4 and (
        (options.tiles and "affiche" in pdf) or (options.impose and "tract" in pdf)
    ):
        raise PrintError(
            "--a4 réduit la page sur une feuille, --tuiles et --imposer la gardent à sa taille ; "
            "choisissez l’un ou l’autre"
        )


def file_suffix(mode: str, options: PrintOptions) -> str:
    if mode == "tuiles":
        return f"-{options.tile_sheet}-tuiles"
    if mode == "imposer":
        return "-a4-imposition"
    if mode == "a4":
        return "-a4"
    if options.for_print_shop:
        return "-imprimeur"
    if options.cmyk:
        return "-cmjn"
    return ""


def check_printable(scene: Scene, layout_name: str, mode: str, options: PrintOptions) -> None:
    """QR codes must scan once printed at this mode's scale (see module docstring)."""
    if scene.pixel_size is not None:
        return
    scale = printed_scale(mode, scene)
    for page in scene.pages:
        for item in page.items:
            if isinstance(item, QRCode):
                _check_qr(item, scale, layout_name, mode)


def printed_scale(mode: str, scene: Scene) -> float:
    """How much the page is scaled on paper for a print mode."""
    if mode in ("a4", "imposer"):
        from affiches.printing import impose  # imported only when a page is placed on sheets

        return impose.printed_scale(mode, scene)
    return 1.0


def _check_qr(item: QRCode, scale: float, layout_name: str, mode: str) -> None:
    block = getattr(item, "block", "") or "qr"
    where = f"gabarit {layout_name}, bloc « {block} »"
    if item.quiet_zone < MIN_QUIET_ZONE:
        raise PrintError(
            f"{where} : marge du code QR de {item.quiet_zone} module(s) ; un code imprimé en "
            f"demande au moins {MIN_QUIET_ZONE} (marge_modules = {MIN_QUIET_ZONE})"
        )
    module_mm = item.module * scale / MM
    if module_mm + 1e-9 < MIN_QR_MODULE_MM:
        modules = len(item.matrix) + 2 * item.quiet_zone
        minimum_mm = modules * MIN_QR_MODULE_MM
        why = {"a4": " pour tenir sur une A4", "imposer": " pour l’imposition"}.get(mode, "")
        at = "" if scale == 1 else f" une fois réduit à {round(scale * 100)} %{why}"
        data = item.data if len(item.data) <= 60 else item.data[:59] + "…"
        raise PrintError(
            f"{where} : code QR de {_fr(item.size * scale / MM)} mm{at}, modules de "
            f"{_fr(module_mm, 2)} mm ; pour « {data} » ({modules} modules), il faut "
            f"au moins {_fr(minimum_mm)} mm de côté une fois imprimé, soit "
            f"{_fr(minimum_mm / scale)} mm dans le gabarit : agrandissez sa boîte"
        )
