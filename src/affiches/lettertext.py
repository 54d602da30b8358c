"""The logical content of a letter or an e-mail, recorded once for every writer.

Contract: ``LetterText`` is immutable, backend-neutral data (it imports nothing from
the package). A composed letter carries it in ``Scene.letter``; the PDF writer draws
the scene's positioned primitives, while the ODT, e-mail and plain-text writers read
this record, so all four files hold the same words. ``to_fill`` lists the places left
for the user to complete (an unknown town-hall address or e-mail), each also written
in the text itself between ``[`` and ``]``. ``plain_text(letter)`` is the text form
(the ``.txt`` file and the e-mail body): paragraphs separated by a blank line.
"""

from __future__ import annotations

from dataclasses import dataclass

TO_FILL_MARK = "À COMPLÉTER"


@dataclass(frozen=True)
class LetterText:
    kind: str  # "lettre" (printed and sent) or "courriel" (an e-mail only)
    sender: tuple[str, ...] = ()  # sender block, top left
    recipient: tuple[str, ...] = ()  # address block (window envelope), postal form
    place_date: str = ""  # « Saint-Étienne, le 23 novembre 2026 »
    subject: str = ""  # without « Objet : »
    salutation: str = ""  # « Madame la Maire, Monsieur le Maire, »
    paragraphs: tuple[str, ...] = ()  # a paragraph starting with « – » is a list item
    closing: str = ""  # the closing formula, which repeats the salutation
    signature: tuple[str, ...] = ()  # name(s) under the room left to sign
    email_to: str = ""  # "" when unknown (the user fills it in)
    email_subject: str = ""
    email_from: str = ""
    to_fill: tuple[str, ...] = ()  # what the user must complete, in French

    def body(self) -> tuple[str, ...]:
        """The letter's paragraphs from the salutation to the signature."""
        parts = [self.salutation, *self.paragraphs, self.closing]
        return tuple(part for part in parts if part)


def plain_text(letter: LetterText, *, with_header: bool = True) -> str:
    """The letter as plain text: sender, recipient, place and date, subject, body, signature."""
    blocks: list[str] = []
    if with_header:
        if letter.sender:
            blocks.append("\n".join(letter.sender))
        if letter.recipient:
            blocks.append("\n".join(letter.recipient))
        if letter.place_date:
            blocks.append(letter.place_date)
        if letter.subject:
            blocks.append(f"Objet\u00a0: {letter.subject}")
    blocks.extend(letter.body())
    if letter.signature:
        blocks.append("\n".join(letter.signature))
    return "\n\n".join(blocks) + "\n"
