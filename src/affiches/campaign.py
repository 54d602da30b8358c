"""The campaign's own constants: its address, hashtag, keywords and house fonts.

Contract: plain data, no imports from the package. Wording printed on the materials
lives in the layouts (``layouts/*.toml``); what is here is what code needs to know
about the campaign itself (defaults of options, PDF metadata, labels of tool sheets).
"""

DEFAULT_URL = "https://laquadrature.net/pasdevsadansmaville"
HASHTAG = "#pasdeVSAdansmaville"
PDF_AUTHOR = "Technopolice"  # PDF author when no collective is given
PDF_KEYWORDS = "VSA, vidéosurveillance algorithmique, Technopolice, #pasdeVSAdansmaville"

# House fonts used outside layouts (contact sheets, tile labels, PDF initial font).
LABEL_FONT_BOLD = "Manrope-Bold"
LABEL_FONT_REGULAR = "Manrope-Regular"
