"""QR code matrices. Pure: data in, modules out; writers draw them.

Contract: ``qr_matrix(data)`` returns the modules of the smallest QR code (error
correction level M: survives a scuffed flyer) holding ``data``, as rows of booleans
(True = dark), quiet zone excluded. Results are cached per data string, so a batch
with one URL computes its code once per process.
"""

from __future__ import annotations

from functools import lru_cache

from affiches.errors import QRDataError


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    import qrcode
    from qrcode.exceptions import DataOverflowError

    if not data:
        raise QRDataError("code QR : aucune donnée à encoder (l’adresse --url est vide)")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    try:
        code.add_data(data.encode("utf-8"))
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        raise QRDataError(
            f"code QR : « {data[:60]}… » est trop long pour un code QR lisible ; raccourcissez l’adresse"
        ) from None
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())
