"""``affiches serveur``: the web page on this machine (thin: options in, address out).

Contract: starts the waitress server of ``affiches.web.server`` on 127.0.0.1:8000 by
default, prints the page's address on stdout, and stops on Ctrl-C or SIGTERM. A port
already in use or a host that cannot be listened on is an ``OptionError`` (shown by
the group as one French line, exit status 1).
"""

from __future__ import annotations

import click

from affiches.cli.common import CONTEXT


@click.command(context_settings=CONTEXT)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port d’écoute.")
@click.option("--hote", default="127.0.0.1", show_default=True, metavar="ADRESSE",
              help="Adresse d’écoute ; 0.0.0.0 pour être joignable depuis d’autres machines.")
@click.option("--ouvrir", is_flag=True, help="Ouvrir la page dans le navigateur.")
@click.option("--processus", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Processus de calcul [défaut : un par cœur].")
def serveur(port: int, hote: str, ouvrir: bool, processus: int | None) -> None:
    """La page web : choisir sa ville, voir les aperçus, tout télécharger.

    \b
    Exemple :
      affiches serveur --ouvrir
    """
    from affiches.web.server import serve

    def announce(url: str) -> None:
        click.echo(f"Page ouverte sur {url} (Ctrl-C pour arrêter)")

    try:
        serve(hote, port, ouvrir, announce, processus)
    except OSError as exc:
        from affiches.errors import OptionError, os_reason

        raise OptionError(f"impossible d’écouter sur {hote}:{port} : {os_reason(exc)} ; "
                          "choisissez un autre --port ou --hote", key="port", value=str(port)) from None
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("Serveur arrêté.", err=True)
