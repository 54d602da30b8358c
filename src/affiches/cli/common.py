"""What every command module shares: Click context settings and the one place errors become output.

Contract: ``AffichesGroup`` is the class of the ``affiches`` group; a library
``AffichesError`` raised anywhere below it (any command, any sub-group, any option
callback) becomes ONE line ``Erreur : …`` on stderr and the error's ``exit_code``
(1; 2 for usage errors). No other code turns errors into output. Imports nothing from
the other command modules (no circle).
"""

from __future__ import annotations

from typing import Any

import click

from affiches.errors import AffichesError

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class AffichesGroup(click.Group):
    """A Click group that shows library errors as one French line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AffichesError as exc:
            click.echo(f"Erreur : {exc}", err=True)
            ctx.exit(exc.exit_code)
