"""The template variables a layout may use: names only, no values.

Contract: ``CITY_VARIABLES`` are the variables whose value depends on the commune (the
fit report tries every commune in the blocks that use one); ``TEMPLATE_VARIABLES`` is
every name a template (``texte``, ``donnees``, ``titre``, ``texte_alternatif``) or a
``si`` condition may use; names starting with ``x_`` (extra CSV columns of a batch)
are allowed too (``is_known_variable``). Values are built by ``affiches.jobs``.
``template_fields`` and ``template_literal`` read templates without filling them,
through the restricted formatter of ``affiches.text.template`` (plain ``{name}`` and
``{name:spec}`` only). Pure: imports nothing else from the package.
"""

from __future__ import annotations

from affiches.text.template import field_names, literal

# The variables whose value depends on the commune (the fit report tries them all).
CITY_VARIABLES = (
    "ville",
    "ville_maj",
    "a_ville",
    "a_ville_maj",
    "de_ville",
    "de_ville_maj",
    "ville_officiel",
    "departement",
    "mairie_adresse",
    "mairie_email",
)
# Variables every template may use; values come from the city and the options.
TEMPLATE_VARIABLES = (
    *CITY_VARIABLES,
    "collectif",
    "contact",
    "signature",
    "url",
    "url_courte",
    "hashtag",
    "evenement",
    "date",
    "heure",
    "lieu",
    # A collective's own material (--logo, --photo, --credit, --accroche, --message).
    "logo",
    "photo",
    "credit",
    "accroche",
    "message",
)
EXTRA_PREFIX = "x_"  # extra columns of a batch CSV: {x_colonne}


def is_known_variable(name: str) -> bool:
    return name in TEMPLATE_VARIABLES or name.startswith(EXTRA_PREFIX)


def template_fields(template: str) -> list[str]:
    """Variable names a template uses; raises ``TemplateError`` (French) on unbalanced
    braces or a field the restricted formatter refuses."""
    return field_names(template)


def template_literal(template: str) -> str:
    """The fixed text of a template (what does not come from variables)."""
    return literal(template)
