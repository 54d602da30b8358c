"""QR code matrices. Pure: data in, modules out; writers draw them.

Contract: ``qr_matrix(data)`` returns the modules of the smallest QR code (error
correction level M: survives a scuffed flyer) holding ``data``, as rows of booleans
(True = dark), quiet zone excluded. Results are cached per data string, so a batch
with one URL computes its code once per process; the campaign's address is
precomputed (``PRECOMPUTED``), so the default kit does not import qrcode.
"""

from __future__ import annotations

from functools import lru_cache

from affiches.errors import QRDataError

# The campaign's address (campaign.DEFAULT_URL), computed in advance: most kits use it,
# and a kit that does not need qrcode does not import it (cold start). One int per row,
# most significant bit = leftmost module; a test checks it against qrcode.
PRECOMPUTED: dict[str, tuple[int, tuple[int, ...]]] = {
    "https://laquadrature.net/pasdevsadansmaville": (33, (
        0x1fc59f27f, 0x104ee8441, 0x175dbf15d, 0x175f73d5d, 0x175c2c95d, 0x105579c41,
        0x1fd55557f, 0x001564800, 0x17c9e857c, 0x188d56e6d, 0x034835816, 0x0c2f41c9e,
        0x0573249b8, 0x1e9571ecf, 0x1c4ac21c6, 0x1493138dc, 0x15611a6b1, 0x12ae9b26d,
        0x0ef4384b6, 0x051e6e17f, 0x115db1db8, 0x1506e4a45, 0x10f4719de, 0x163424c2c,
        0x1779ed7f3, 0x001bd7f17, 0x1fc0e5b56, 0x1052e1f1d, 0x175e649fa, 0x1757b9f99,
        0x175b8ad60, 0x1041d385c, 0x1fdbdb7aa,
    )),
}


def _unpack(size: int, rows: tuple[int, ...]) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(bool(row >> (size - 1 - col) & 1) for col in range(size)) for row in rows)


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    if data in PRECOMPUTED:
        return _unpack(*PRECOMPUTED[data])
    return compute_matrix(data)


def compute_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The matrix computed by qrcode (what ``qr_matrix`` returns for any data)."""
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
