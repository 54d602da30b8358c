"""Writers of a letter's text forms: OpenDocument (.odt), e-mail (.eml), plain text.

Contract: three registered writers (``render.painter.Writer``); each ``write(scene,
target)`` reads ``scene.letter`` (the logical content recorded once by the letter
composer; ``AffichesError`` when the scene is not a letter) and writes bytes to
``target`` (a path or a binary stream). Print options do not apply.

- ``OdtWriter`` (``"odt"``): an OpenDocument text made with odfpy (styles for the sender,
  recipient, subject, body, list items and signature; A4 page), holding the same
  words as the PDF;
- ``EmlWriter`` (``"eml"``): an RFC 5322 message (standard library ``email``, UTF-8 body, no
  Date nor Message-ID so that the same inputs give the same bytes, ``X-Unsent: 1``
  so mail clients open it as a draft to send). To is the town hall's address when
  known; the body is the letter from the salutation to the signature;
- ``TxtWriter`` (``"txt"``): the whole letter as UTF-8 plain text.
"""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from affiches.errors import AffichesError
from affiches.render.painter import Target, Writer
from affiches.scene import LetterText, Picture, Scene, plain_text


def _letter(scene: Scene) -> LetterText:
    if scene.letter is None:
        raise AffichesError(f"« {scene.layout_name} » n’est pas une lettre : pas de fichier .odt, .eml ou .txt")
    return scene.letter


def _emit(data: bytes, target: Target) -> None:
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)


def eml_bytes(letter: LetterText) -> bytes:
    message = EmailMessage(policy=SMTP)
    if letter.email_from:
        message["From"] = letter.email_from
    if letter.email_to:
        message["To"] = letter.email_to
    message["Subject"] = letter.email_subject or letter.subject
    message["X-Unsent"] = "1"
    body = plain_text(letter, with_header=False)
    details = [line for line in letter.sender if line not in letter.signature]
    if letter.kind == "lettre" and details:  # the sender's address and e-mail under the signature
        body += "\n" + "\n".join(details) + "\n"
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


class EmlWriter(Writer):
    def write(self, scene: Scene, target: Target) -> None:
        _emit(eml_bytes(_letter(scene)), target)


class TxtWriter(Writer):
    def write(self, scene: Scene, target: Target) -> None:
        _emit(plain_text(_letter(scene)).encode("utf-8"), target)


def odt_bytes(letter: LetterText, logos: tuple[Picture, ...] = ()) -> bytes:
    from odf.draw import Frame
    from odf.draw import Image as DrawImage
    from odf.element import Element
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        FontFace,
        GraphicProperties,
        PageLayout,
        PageLayoutProperties,
        ParagraphProperties,
        Style,
        TextProperties,
    )
    from odf.style import MasterPage as StyleMasterPage
    from odf.text import LineBreak, P, Span

    # odfpy gathers the XML namespaces of every element it ever made in one class-level
    # dict, written into each file: start from empty so that a document's bytes do not
    # depend on the documents made before it in the same process.
    Element.namespaces.clear()
    doc = OpenDocumentText()
    doc.fontfacedecls.addElement(FontFace(name="Manrope", fontfamily="Manrope", fontfamilygeneric="swiss"))
    page = PageLayout(name="A4")
    page.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm", margintop="1.5cm",
                                         marginbottom="1.5cm", marginleft="2.2cm", marginright="2cm",
                                         printorientation="portrait"))
    doc.automaticstyles.addElement(page)
    doc.masterstyles.addElement(StyleMasterPage(name="Standard", pagelayoutname=page))

    def style(name: str, *, bold: bool = False, margin_left: str = "0cm", top: str = "0cm",
              bottom: str = "0.25cm", align: str = "start") -> Style:
        item = Style(name=name, family="paragraph")
        item.addElement(ParagraphProperties(marginleft=margin_left, margintop=top, marginbottom=bottom,
                                            textalign=align))
        item.addElement(TextProperties(fontname="Manrope", fontsize="10.5pt",
                                       fontweight="bold" if bold else "normal"))
        doc.styles.addElement(item)
        return item

    sender = style("Expediteur", bottom="0.6cm")
    recipient = style("Destinataire", margin_left="8.8cm", bottom="0.8cm")
    date = style("Lieu et date", align="end", bottom="0.6cm")
    subject = style("Objet", bold=True, bottom="0.6cm")
    body = style("Corps", bottom="0.3cm")
    item = style("Liste", margin_left="0.6cm", bottom="0.15cm")
    signature = style("Signature", margin_left="9.3cm", top="2cm")
    strong = Style(name="Nom", family="text")
    strong.addElement(TextProperties(fontweight="bold"))
    doc.styles.addElement(strong)

    def lines(paragraph_style: Style, texts: tuple[str, ...], bold_first: bool = False) -> None:
        if not texts:
            return
        paragraph = P(stylename=paragraph_style)
        for index, text in enumerate(texts):
            if index:
                paragraph.addElement(LineBreak())
            if bold_first and index == 0:  # the sender's name, in bold as on the PDF
                paragraph.addElement(Span(stylename=strong, text=text))
            else:
                paragraph.addText(text)
        doc.text.addElement(paragraph)

    lines(sender, letter.sender, bold_first=True)
    if logos:  # at the PDF's place on the page; the text flows on its left or below, never under it
        frame_style = Style(name="Logo", family="graphic")
        frame_style.addElement(GraphicProperties(wrap="left",
                                                 horizontalpos="from-left", horizontalrel="page",
                                                 verticalpos="from-top", verticalrel="page"))
        doc.automaticstyles.addElement(frame_style)
        anchor = doc.text.childNodes[-1]
        for number, logo in enumerate(logos, start=1):
            href = doc.addPicture(f"Pictures/logo{number}.png", "image/png", _logo_png(logo))
            frame = Frame(stylename=frame_style, anchortype="page", anchorpagenumber=1, zindex=number,
                          x=_cm(logo.x), y=_cm(logo.y), width=_cm(logo.width), height=_cm(logo.height),
                          name=f"Logo {number}")
            frame.addElement(DrawImage(href=href))
            anchor.addElement(frame)
    lines(recipient, letter.recipient)
    lines(date, (letter.place_date,))
    lines(subject, (f"Objet\u00a0: {letter.subject}",))
    for text in letter.body():
        lines(item if text.startswith("– ") else body, (text,))
    lines(signature, letter.signature)
    buffer = io.BytesIO()
    doc.write(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry dates (odfpy stamps the time of writing), the
    ``mimetype`` entry first and stored, as OpenDocument requires: same letter, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _cm(points: float) -> str:
    return f"{points / 72 * 2.54:.3f}cm"


def _logo_png(logo: Picture) -> bytes:
    """The logo at 300 dpi, PNG with its transparency (an editable letter takes no SVG)."""
    from affiches.render.pictures import raster_picture

    image = raster_picture(logo, round(logo.width / 72 * 300), round(logo.height / 72 * 300))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class OdtWriter(Writer):
    def write(self, scene: Scene, target: Target) -> None:
        logos = tuple(item for page in scene.pages for item in page.items
                      if isinstance(item, Picture) and item.role == "logo")
        _emit(odt_bytes(_letter(scene), logos), target)
