"""Paper sheets and duplex flips known to the print modes (plain constants).

Contract: ``SHEETS_MM`` maps a sheet name to its (width, height) in millimetres (the
sheets posters are tiled on and pages reduced to), ``DUPLEX_MODES`` lists the flips of
an imposed double-sided sheet. Shared by ``printing.modes`` (option checks) and
``printing.impose`` (page plans), so a page-only run never imports the imposition.
"""

from __future__ import annotations

SHEETS_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}
DUPLEX_MODES = ("long", "court")
