"""Layouts ("gabarits"): TOML files that describe a material as data.

Public API (callers import from here, not from the modules):
``load_layout``, ``check_file``, ``block_location``, ``find_layout``,
``available_layouts``, ``layout_catalog``, ``is_builtin``; the model ``Layout``,
``Box``, ``Block``, ``TextBlock``, ``QRBlock``, ``ShapeBlock``, ``ImageBlock``,
``Problem``; the variable catalogue ``CITY_VARIABLES``, ``TEMPLATE_VARIABLES``,
``template_fields``, ``template_literal``; ``design_problems``, ``DESIGN_CHECKS``;
``SCHEMA_FILE``, ``TOP_KEYS``, ``BLOCK_KEYS``, ``BLOCK_TYPES``; ``index_lines``.

The modules, in the order a file goes through them:
- ``variables``: the names templates may use (pure).
- ``discovery``: where layouts, fonts and images are found (search order).
- ``lines``: line numbers of TOML keys; ``Origins`` of merged keys.
- ``inherit``: reading TOML and merging ``herite`` parents.
- ``fields``: reading values with every problem collected at its key.
- ``parsers``: one parser per block type, in the ``BLOCK_TYPES`` table.
- ``loader``: ``load_layout`` and ``check_file``.
- ``checks``: design checks (overlap, contrast), in ``DESIGN_CHECKS``.
- ``model``: the immutable values the others produce and ``compose`` reads.

Adding a block type: a frozen dataclass in ``model`` deriving from ``Block``; a parser
registered in ``parsers.BLOCK_TYPES`` with its keys; a compose function registered
in ``affiches.compose.COMPOSERS``; its entry in ``layouts/gabarit.schema.json`` (a
test compares the schema with ``BLOCK_KEYS``) and in ``docs/gabarits.md``.
Adding a design check: a function in ``checks`` added to ``DESIGN_CHECKS``.

The format is documented for designers in ``docs/gabarits.md``; its JSON Schema is
``layouts/gabarit.schema.json``.
"""

from affiches.gabarits.checks import DESIGN_CHECKS, design_problems
from affiches.gabarits.discovery import (
    available_layouts,
    find_layout,
    is_builtin,
    layout_catalog,
)
from affiches.gabarits.lines import index_lines
from affiches.gabarits.loader import (
    SCHEMA_FILE,
    TOP_KEYS,
    block_location,
    check_file,
    load_layout,
)
from affiches.gabarits.model import (
    Block,
    Box,
    ImageBlock,
    Layout,
    LogoBlock,
    PhotoBlock,
    Problem,
    QRBlock,
    ShapeBlock,
    TextBlock,
)
from affiches.gabarits.parsers import BLOCK_KEYS, BLOCK_TYPES
from affiches.gabarits.variables import (
    CITY_VARIABLES,
    TEMPLATE_VARIABLES,
    template_fields,
    template_literal,
)

__all__ = [
    "BLOCK_KEYS",
    "BLOCK_TYPES",
    "CITY_VARIABLES",
    "DESIGN_CHECKS",
    "SCHEMA_FILE",
    "TEMPLATE_VARIABLES",
    "TOP_KEYS",
    "Block",
    "Box",
    "ImageBlock",
    "Layout",
    "LogoBlock",
    "PhotoBlock",
    "Problem",
    "QRBlock",
    "ShapeBlock",
    "TextBlock",
    "available_layouts",
    "block_location",
    "check_file",
    "design_problems",
    "find_layout",
    "index_lines",
    "is_builtin",
    "layout_catalog",
    "load_layout",
    "template_fields",
    "template_literal",
]
