"""The starting file ``affiches gabarits nouveau`` writes.

Contract: ``new_layout_text(name, parent, schema)`` is a commented TOML file that
inherits from ``parent`` (``herite``), lists the parent's colours as commented lines
and shows how to change a block. Pure: returns text, writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from affiches.gabarits import Layout, TextBlock


def new_layout_text(name: str, parent: Layout, schema: str) -> str:
    """A commented starting file inheriting from ``parent``."""
    colours = parent.raw.get("couleurs", {})
    colour_lines = []
    for key, value in colours.items() if isinstance(colours, Mapping) else []:
        colour_lines.append(f"# {key} = {_toml_value(value)}")
    texts = [b for b in parent.blocks if isinstance(b, TextBlock)]
    example = texts[0] if texts else None
    lines = [
        f"# Gabarit « {name} », variante de « {parent.name} ».",
        "# Seules les clés écrites ici changent ; tout le reste vient du gabarit parent.",
        "# Documentation complète : docs/gabarits.md. Vérifier : affiches gabarits verifier "
        f"layouts/{name}.toml",
        f'# Aperçu en direct : affiches gabarits apercu layouts/{name}.toml --ville "Saint-Étienne" '
        "--surveiller",
        f'"$schema" = "{schema}"',
        f'herite = "{parent.name}"',
        f'nom = "{name}"',
        f'description = "{parent.description} (variante {name})"',
        "",
        "# Couleurs : redéfinissez une couleur nommée pour la changer partout.",
        '# Formes acceptées : "#RRVVBB", "cmjn(C, M, J, N)" ou { rvb = "#RRVVBB", cmjn = [C, M, J, N] }.',
        "[couleurs]",
        *colour_lines,
        "",
        "# Un bloc portant le nom d’un bloc du parent le modifie ; supprimer = true le retire ;",
        "# un bloc d’un nouveau nom s’ajoute par-dessus les autres.",
    ]
    if example is not None:
        lines += [
            "# [[blocs]]",
            f'# nom = "{example.name}"',
            f"# taille_max = {example.size_max:g}",
            '# couleur = "noir"',
        ]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)  # pragma: no cover
