"""Printing plans: pure decisions about paper, no drawing.

Contract: ``modes`` holds the user's print options, their checks, what each material
becomes (``mode_for``) and the variant's file suffix; ``impose`` plans tiles, A4 fit
and imposition geometrically. Nothing here imports reportlab or Pillow: the writers
of each mode live in ``affiches.render`` (``writer_for("pdf", mode, options)``).
"""
