"""Composing a QR code block. Pure.

Contract: ``compose_qr(block, layout, variables)`` fills the block's data template
(empty: nothing is drawn), encodes it (``affiches.text.qr``) and returns one square
``QRCode`` centred in the box, in points. On screen layouts each module is a whole
number of pixels (crisp edges); a code whose modules would be smaller than
``MIN_QR_MODULE_PRINT_PT`` on paper or ``MIN_QR_MODULE_SCREEN_PX`` on screen is a
``LayoutError`` giving the size needed.
"""

from __future__ import annotations

from collections.abc import Mapping

from affiches.compose.templates import fill_template, short, where
from affiches.errors import LayoutError
from affiches.gabarits import Layout, QRBlock
from affiches.scene import MM, Primitive, QRCode
from affiches.text.qr import qr_matrix

# Smallest printed QR module a phone reads reliably at arm's length.
MIN_QR_MODULE_PRINT_PT = 0.5 * MM
MIN_QR_MODULE_SCREEN_PX = 3


def _decimal(value: float, digits: int) -> str:
    """A number written the French way (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def compose_qr(block: QRBlock, layout: Layout, variables: Mapping[str, str],
               pictures: object = None) -> list[Primitive]:
    data = fill_template(block.data, variables, where(layout.name, block.name)).strip()
    if not data:
        return []
    matrix = qr_matrix(data)
    box = block.box.scaled(layout.to_pt)
    side = min(box.width, box.height)
    modules = len(matrix) + 2 * block.quiet_zone
    module = side / modules
    if layout.unit == "px":
        module_px = int(module / 0.75)
        if module_px < MIN_QR_MODULE_SCREEN_PX:
            raise LayoutError.in_block(
                layout.name, block.name, f"code QR trop petit pour « {short(data, 40)} » "
                f"({modules} modules) ; il faut au moins {modules * MIN_QR_MODULE_SCREEN_PX} px de côté",
                value=data,
            )
        side = module_px * modules * 0.75  # whole pixels per module: crisp edges
    elif module < MIN_QR_MODULE_PRINT_PT:
        minimum_mm = modules * MIN_QR_MODULE_PRINT_PT / MM
        raise LayoutError.in_block(
            layout.name, block.name, f"code QR trop petit pour « {short(data, 40)} » "
            f"({modules} modules de {_decimal(module / MM, 2)} mm) ; il faut au moins "
            f"{_decimal(minimum_mm, 1)} mm de côté", value=data,
        )
    x = box.x + (box.width - side) / 2
    y = box.y + (box.height - side) / 2
    return [
        QRCode(
            x=x,
            y=y,
            size=side,
            matrix=matrix,
            quiet_zone=block.quiet_zone,
            dark=block.dark,
            light=block.light,
            data=data,
            block=block.name,
        )
    ]
