"""PDF objects formatted once: reportlab's bytes, reused across documents.

Contract: ``Template.of(obj, document)`` formats a reportlab object whose only
document-dependent values are ``Slot(i)`` placeholders (object references, resource
names) and keeps the bytes around them; ``template.fill(values)`` is an indirect object
writing those bytes with each slot replaced by ``values[i]`` formatted in the document
being written (a reference gives ``n 0 R``). ``Preformatted(data)`` is an indirect
object written as ``data`` unchanged (a stream formatted once, no reference inside),
``Raw(data)`` the same for a direct value; ``number`` and ``array`` format numbers and
arrays as reportlab does.
The bytes are exactly what reportlab writes for the same objects: only the work is
shared, so a document's bytes never depend on what was formatted before.

Only for documents without encryption and without reportlab's debugging comments
(``usable(document)`` says so); reportlab's own objects are used otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import NoEncryption, PDFObject

_SLOT = re.compile(rb"\x00slot(\d+)\x00")


def usable(document: Any) -> bool:
    """Whether formatted bytes can be reused in ``document`` (plain, unencrypted PDF)."""
    plain = (rl_config.invariant or not rl_config.pdfComments) and not rl_config.pdfMultiLine
    return plain and type(document.encrypt) is NoEncryption


def number(value: float) -> bytes:
    """A number as reportlab writes it (``pdfdoc.format`` of an int or float)."""
    return pdfdoc.pdfdocEnc(fp_str(value))


def array(elements: list[bytes]) -> bytes:
    """A direct array of formatted elements, as ``pdfdoc.PDFArray`` writes it (a line
    break every ten elements)."""
    if len(elements) > 10:
        elements = list(elements)
        for i in reversed(range(10, len(elements), 10)):
            elements.insert(i, b"\n ")
    return b"[ " + b" ".join(elements) + b" ]"


class Raw(PDFObject):
    """A direct value already formatted (an array of numbers, say)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class Slot(PDFObject):
    """A placeholder for a document-dependent value while a template is formatted."""

    def __init__(self, index: int) -> None:
        self.index = index

    def format(self, document: Any) -> bytes:
        return b"\x00slot%d\x00" % self.index


class Preformatted(PDFObject):
    """An indirect object whose bytes were formatted once (no reference inside)."""

    __RefOnly__ = 1

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class Template:
    """The bytes of a formatted object around its slots (see module docstring)."""

    def __init__(self, parts: tuple[bytes, ...], order: tuple[int, ...]) -> None:
        self.parts = parts  # len(order) + 1 pieces of bytes
        self.order = order  # which slot comes between parts[i] and parts[i + 1]

    @classmethod
    def of(cls, obj: Any, document: Any) -> Template:
        pieces = _SLOT.split(pdfdoc.format(obj, document, toplevel=1))
        return cls(tuple(pieces[0::2]), tuple(int(i) for i in pieces[1::2]))

    def fill(self, values: tuple[Any, ...]) -> Filled:
        return Filled(self, values)


class Filled(PDFObject):
    """An indirect object: a template with this document's values in its slots."""

    __RefOnly__ = 1

    def __init__(self, template: Template, values: tuple[Any, ...]) -> None:
        self.template = template
        self.values = values

    def format(self, document: Any) -> bytes:
        parts = self.template.parts
        values = self.values
        out = [parts[0]]
        for index, part in zip(self.template.order, parts[1:], strict=True):
            out.append(pdfdoc.format(values[index], document))
            out.append(part)
        return b"".join(out)
