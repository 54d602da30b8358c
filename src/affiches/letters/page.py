"""A letter's content set on an A4 page for a window envelope. Pure: no file is written.

Contract: ``letter_scene(letter, layout)`` returns a one-page A4 ``Scene`` whose
``letter`` field is the content it was made from. Positions (millimetres from the
top-left corner):

- the sender block top left (``SENDER_X``, from ``SENDER_TOP``);
- the recipient block inside ``WINDOW`` (x 110–190, y 55–84): the area that stays
  visible once the sheet is folded in three and slid in a DL (110 × 220, window
  100 × 45 at 20 mm from the right and 15 mm from the bottom) or C5/6 envelope; its
  size is the largest (≤ the body size, ≥ ``ADDRESS_SIZE_MIN``) at which every line
  fits the window; an unknown address is drawn as a framed place to fill in;
- place and date right-aligned under the window, « Objet : » in bold, the body,
  room to sign (``SIGNATURE_ROOM``), the signature;
- fold marks for three panels at 99 and 198 mm, in the margins;
- the collective's logos (``--logo``), if any, side by side in ``LOGO_BOX``, top right,
  above the window (never seen through it), aligned right, not distorted.

The body is set at the layout's size, or smaller down to its minimum, so that the
letter holds on one page; otherwise ``FitError`` (nothing is ever cut). Missing glyphs
give ``GlyphError``. Same content, same scene.
"""

from __future__ import annotations

from collections.abc import Sequence

from affiches.color import Color
from affiches.errors import FitError
from affiches.images.artwork import Artwork, side_by_side
from affiches.letters.layout import LetterLayout
from affiches.scene import MM, TO_FILL_MARK, LetterText, Line, Page, Picture, Primitive, Rect, Scene, TextLine
from affiches.text.breaks import GLUE_FULL, GLUE_NONE, GLUE_WORDS_ONLY, Piece, glue_pieces, join_line, split_pieces
from affiches.text.fonts import FontMetrics, find_font

A4 = (210.0, 297.0)
MARGIN_LEFT = 22.0
MARGIN_RIGHT = 20.0
SENDER_X = MARGIN_LEFT
SENDER_TOP = 15.0
WINDOW = (110.0, 55.0, 190.0, 84.0)  # x0, y0, x1, y1
WINDOW_PAD = 2.0  # the text keeps this far from the window's edges
ADDRESS_SIZE_MIN = 7.5
PLACE_DATE_TOP = 102.0  # under the first fold: never seen through the window
SUBJECT_TOP = 113.0
BOTTOM = 282.0
SIGNATURE_ROOM = 22.0
SIGNATURE_X = 115.0
FOLDS = (99.0, 198.0)
LOGO_BOX = (125.0, 15.0, 65.0, 28.0)  # x, y, width, height: above the window (y 55)
LOGO_GAP = 4.0
FOLD_MARK = 6.0  # length of a fold mark, mm
PARAGRAPH_GAP = 0.55  # of a line
LIST_INDENT = 6.0
BLACK = Color((0.0, 0.0, 0.0))
GREY = Color((0.55, 0.55, 0.55))
RED = Color((0.78, 0.0, 0.0))


class _Setter:
    def __init__(self, layout: LetterLayout) -> None:
        dirs = layout.search_dirs
        self.regular = FontMetrics.load(find_font(layout.font, dirs))
        self.bold = FontMetrics.load(find_font(layout.bold_font, dirs))
        self.accent_top = self.regular.ink_extent("ÉÀÎ")[0]  # font units

    def line(self, metrics: FontMetrics, text: str, x: float, baseline: float, size: float,
             block: str, color: Color = BLACK, align_right: bool = False) -> TextLine:
        metrics.check_coverage(text, f"lettre, {block}")
        scale = size / metrics.units_per_em
        width = metrics.width_units(text) * scale
        if align_right:
            x -= width
        return TextLine(
            x=x * 1.0, baseline=baseline, font_path=metrics.path, font_name=metrics.name, size=size,
            color=color, text=text, width=width,
            chunks=tuple((u * scale, chunk) for u, chunk in metrics.chunks(text)),
            block=block, positions=tuple(u * scale for u in metrics.positions(text)),
        )

    def wrap(self, metrics: FontMetrics, text: str, width: float, size: float) -> list[str]:
        """Greedy lines broken by the French rules of ``text.breaks`` (never on an article
        or a preposition, never inside « Saint-Étienne »), relaxed level by level only
        when a word group is wider than the line."""
        metrics.check_coverage(text, "lettre")
        limit = width / (size / metrics.units_per_em)
        pieces = split_pieces(text)
        for level in (GLUE_FULL, GLUE_WORDS_ONLY, GLUE_NONE):
            units = glue_pieces(pieces, level, whole_words=True)
            if all(metrics.width_units(join_line([unit])) <= limit for unit in units):
                break
        else:
            widest = max(units, key=lambda unit: metrics.width_units(unit.text))
            raise FitError(f"lettre : « {widest.text[:60]} » est plus large que la page ; coupez-le")
        lines: list[list[Piece]] = []
        for unit in units:
            if lines and metrics.width_units(join_line([*lines[-1], unit])) <= limit:
                lines[-1].append(unit)
            else:
                lines.append([unit])
        return [join_line(line) for line in lines]

def _address_size(setter: _Setter, lines: Sequence[str], size_max: float, leading: float) -> float:
    width = (WINDOW[2] - WINDOW[0] - 2 * WINDOW_PAD) * MM
    height = (WINDOW[3] - WINDOW[1] - 2 * WINDOW_PAD) * MM
    metrics = setter.regular
    size = size_max
    while size >= ADDRESS_SIZE_MIN:
        widest = max(metrics.width(line, size) for line in lines)
        top = max(metrics.ink_extent(line)[0] for line in lines[:1])
        bottom = min(metrics.ink_extent(line)[1] for line in lines[-1:])
        tall = size * (top - bottom) / metrics.units_per_em + size * leading * (len(lines) - 1)
        if widest <= width and tall <= height:
            return size
        size -= 0.25
    raise FitError(
        f"lettre : l’adresse du destinataire ne tient pas dans la fenêtre de l’enveloppe même en "
        f"{ADDRESS_SIZE_MIN:g} pt ; raccourcissez « {max(lines, key=len)} »"
    )


def _page(letter: LetterText, layout: LetterLayout, setter: _Setter, size: float) -> list[Primitive] | None:
    reg, bold = setter.regular, setter.bold
    lead = size * layout.line_height
    items: list[Primitive] = []
    ascent = size * setter.accent_top / reg.units_per_em  # top of « É » above the baseline
    # Sender, top left.
    y = SENDER_TOP * MM + ascent
    for index, text in enumerate(letter.sender):
        items.append(setter.line(bold if index == 0 else reg, text, SENDER_X * MM, y, size, "expediteur"))
        y += size * 1.25
    # Recipient, in the window.
    address_leading = 1.2
    a_size = _address_size(setter, letter.recipient, min(size, 10.5), address_leading)
    x0 = (WINDOW[0] + WINDOW_PAD) * MM
    y = (WINDOW[1] + WINDOW_PAD) * MM + a_size * setter.accent_top / reg.units_per_em
    for text in letter.recipient:
        missing = text.startswith(f"[{TO_FILL_MARK}")
        items.append(setter.line(bold if missing else reg, text, x0, y, a_size, "destinataire",
                                 RED if missing else BLACK))
        y += a_size * address_leading
    if any(t.startswith(f"[{TO_FILL_MARK}") for t in letter.recipient):
        inset = 0.6  # the frame's stroke stays inside the window too
        x_0, y_0, x_1, y_1 = (WINDOW[0] + inset, WINDOW[1] + inset, WINDOW[2] - inset, WINDOW[3] - inset)
        items.append(Rect(x_0 * MM, y_0 * MM, (x_1 - x_0) * MM, (y_1 - y_0) * MM, stroke=RED, stroke_width=0.8))
    # Place and date, right-aligned under the window.
    right = (A4[0] - MARGIN_RIGHT) * MM
    items.append(setter.line(reg, letter.place_date, right, PLACE_DATE_TOP * MM + ascent, size, "date",
                             align_right=True))
    # Subject, then the body.
    width = (A4[0] - MARGIN_LEFT - MARGIN_RIGHT) * MM
    y = SUBJECT_TOP * MM + ascent
    label = "Objet\u00a0: "
    label_width = bold.width(label, size)
    for index, text in enumerate(setter.wrap(bold, letter.subject, width - label_width, size)):
        if index == 0:  # one line with its label, so that copied text reads « Objet : … »
            items.append(setter.line(bold, label + text, MARGIN_LEFT * MM, y, size, "objet"))
        else:
            items.append(setter.line(bold, text, MARGIN_LEFT * MM + label_width, y, size, "objet"))
        y += lead
    y += lead * 1.2
    for paragraph in letter.body():
        is_item = paragraph.startswith("– ")
        indent = LIST_INDENT * MM if is_item else 0.0
        text = paragraph[2:] if is_item else paragraph
        for index, line in enumerate(setter.wrap(reg, text, width - indent, size)):
            if is_item and index == 0:
                items.append(setter.line(reg, "–", MARGIN_LEFT * MM + indent * 0.35, y, size, "corps"))
            items.append(setter.line(reg, line, MARGIN_LEFT * MM + indent, y, size, "corps"))
            y += lead
        y += lead * PARAGRAPH_GAP
    y += SIGNATURE_ROOM * MM
    for text in letter.signature:
        items.append(setter.line(reg, text, SIGNATURE_X * MM, y, size, "signature"))
        y += lead
    if y - lead > BOTTOM * MM:
        return None
    # Fold marks in both margins.
    for fold in FOLDS:
        items.append(Line(0, fold * MM, FOLD_MARK * MM, fold * MM, GREY, 0.4))
        items.append(Line((A4[0] - FOLD_MARK) * MM, fold * MM, A4[0] * MM, fold * MM, GREY, 0.4))
    return items


def logo_items(logos: Sequence[Artwork]) -> list[Primitive]:
    box = tuple(v * MM for v in LOGO_BOX)
    boxes = side_by_side(box, [logo.aspect for logo in logos], LOGO_GAP * MM, "right")  # type: ignore[arg-type]
    return [Picture(x, y, w, h, logo.kind, logo.data, logo.name, logo.digest, logo.opaque, "logo", "logos")
            for logo, (x, y, w, h) in zip(logos, boxes, strict=True)]


def letter_scene(letter: LetterText, layout: LetterLayout, logos: Sequence[Artwork] = ()) -> Scene:
    setter = _Setter(layout)
    size = layout.size
    while size >= layout.size_min - 1e-9:
        items = _page(letter, layout, setter, size)
        if items is not None:
            items = logo_items(logos) + items
            return Scene(
                width=A4[0] * MM,
                height=A4[1] * MM,
                pages=(Page(tuple(items)),),
                background=Color((1.0, 1.0, 1.0)),
                title=letter.subject,
                subject=letter.subject,
                author=letter.sender[0] if letter.sender else "",
                layout_name=layout.name,
                letter=letter,
            )
        size -= 0.25
    raise FitError(
        f"gabarit de lettre {layout.name} : le texte ne tient pas sur une page A4 même en "
        f"{layout.size_min:g} pt ; raccourcissez les paragraphes ou baissez page.taille_min"
    )
