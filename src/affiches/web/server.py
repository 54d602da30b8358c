"""Run the web page with waitress (pure Python: Linux, Windows, macOS alike).

Contract: ``serve(host, port, open_browser, announce)`` builds the application and its
render pool, calls ``announce`` with the page's address once the socket listens,
opens the browser if asked, and serves until interrupted (Ctrl-C or SIGTERM: the
render processes are stopped too). Waitress gets more threads
than the pool has slots, so the health route and the 503 answers never wait for a
render; it keeps no access log (no IP address in the logs).
"""

from __future__ import annotations

import signal
import threading
import webbrowser
from collections.abc import Callable

from affiches.web.app import MAX_BODY, create_app
from affiches.web.pool import RenderPool, default_workers

QUEUE_PER_WORKER = 4  # a page asks for 5 renders at once (check + 4 previews)


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM (systemd, a container, a test) stops the server like Ctrl-C: cleanly."""
    raise SystemExit(0)


def serve(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          announce: Callable[[str], None] = print, workers: int | None = None) -> None:
    from waitress.server import create_server

    count = default_workers() if workers is None else workers
    pool = RenderPool(count, queue=QUEUE_PER_WORKER * count, time_limit=10.0)
    app = create_app(pool)
    try:
        server = create_server(
            app, host=host, port=port, threads=pool.capacity + 4, ident="affiches",
            max_request_body_size=MAX_BODY, max_request_header_size=16 * 1024,
            channel_timeout=30, connection_limit=200, clear_untrusted_proxy_headers=True,
        )
    except BaseException:
        pool.close()
        raise
    url = address(host, server.effective_port)  # type: ignore[union-attr]
    announce(url)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        pool.close()
