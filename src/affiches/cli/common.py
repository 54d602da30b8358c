"""What every command module shares: Click context settings and error display.

Contract: ``handle_errors`` turns a library ``AffichesError`` into one line
``Erreur : …`` on stderr and exit status 1, control characters (terminal escape
sequences a CSV cell may hold) shown escaped, never raw. Imports nothing from the other command
modules (no circle).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from affiches.errors import AffichesError, printable

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AffichesError as exc:
            click.echo(f"Erreur : {printable(str(exc))}", err=True)
            sys.exit(1)

    return wrapper
