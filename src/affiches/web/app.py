"""The web page ``affiches serveur``: a Flask WSGI application (factory ``create_app``).

Contract:
- Routes (all French-facing): ``GET /`` the page; ``POST /kit.zip`` the whole kit as
  one ZIP (works without JavaScript; a problem re-renders the page with each message
  next to its field, status 422); ``GET /api/communes?q=`` suggestions (JSON);
  ``POST /api/verifier`` (or GET) the form checked (JSON: city, notes, alt text, files,
  letters' notes and ``mailto:`` links, or the field errors, 422);
  ``POST /apercu/<clé>.png`` (or GET, ``largeur=N``) a preview PNG;
  ``POST /telecharger/<fichier>`` (or GET) one file. The page posts the form to all of
  them: nothing typed ends up in a URL (nor in a proxy's access log). ``GET /sante`` health (JSON,
  never waits for the render pool); ``GET /polices/<fichier>`` the page's fonts.
- The work is done by ``affiches.jobs.web`` in a ``RenderPool``: when it is full the
  answer is 503 at once with ``Retry-After`` and "trop de demandes, réessayez dans
  quelques secondes"; a render over the time limit is a 503 too.
- Nothing is written to disk (uploaded images stay in memory: ``MemoryRequest``);
  text fields, images and query strings are bounded; no
  cookie, no session; the logs hold no IP address and no form value.
- Every response carries security headers: a strict Content-Security-Policy (no
  inline script or style, nothing from another site), ``X-Content-Type-Options:
  nosniff``, ``frame-ancestors 'none'``, ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Mapping
from typing import IO, Any

from flask import Flask, Request, Response, jsonify, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException

from affiches.errors import FormError
from affiches.jobs import web as job
from affiches.limits import (
    MAX_WEB_BODY_BYTES,
    MAX_WEB_FIELDS,
    MAX_WEB_FIELDS_BYTES,
    MAX_WEB_QUERY_BYTES,
    MAX_WEB_UPLOAD_BYTES,
)
from affiches.web.pool import Busy, PoolFailure, RenderPool, RenderTimeout, default_workers

log = logging.getLogger("affiches.web")

MAX_FIELDS_BODY = MAX_WEB_FIELDS_BYTES  # every limit is defined in affiches.limits
MAX_UPLOAD = MAX_WEB_UPLOAD_BYTES
MAX_BODY = MAX_WEB_BODY_BYTES
MAX_QUERY = MAX_WEB_QUERY_BYTES
MAX_FIELDS = MAX_WEB_FIELDS
RETRY_AFTER = "5"
BUSY = "Trop de demandes, réessayez dans quelques secondes."
TOO_LONG = "Le calcul a pris trop de temps ; réessayez dans quelques secondes ou raccourcissez les textes."
FONT_FILES = ("Manrope-Regular.ttf", "Manrope-Bold.ttf", "RobotoCondensed-Bold.ttf")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HTTP_MESSAGES = {
    400: "Requête illisible ; rechargez la page.",
    404: "Cette page n’existe pas ; revenez à l’accueil.",
    405: "Méthode non permise pour cette adresse ; revenez à l’accueil.",
    413: f"Requête trop grosse ({MAX_BODY // 1024} Ko au plus) ; raccourcissez les textes.",
    414: f"Adresse trop longue ({MAX_QUERY} caractères au plus) ; raccourcissez les textes.",
}


def _form() -> dict[str, str]:
    """The request's fields (query string and form body), first value of each."""
    return {key: request.values.get(key, "") for key in list(request.values.keys())[:MAX_FIELDS]}


class MemoryRequest(Request):
    """Uploaded files stay in memory (Werkzeug would spool a large one to a temporary file)."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def _uploads() -> tuple[tuple[str, str, bytes], ...]:
    """The logo and photo sent with the form, as (role, file name, bytes)."""
    found = []
    for role in ("logo", "photo"):
        upload = request.files.get(role)
        if upload is not None and upload.filename:
            data = upload.stream.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise FormError({role: f"fichier trop gros ({MAX_UPLOAD // 1_000_000} Mo au plus) ; "
                                       "réduisez l’image"})
            found.append((role, upload.filename[-100:], data))
    return tuple(found)


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/apercu/", "/telecharger/", "/sante"))


def create_app(pool: RenderPool | None = None, *, workers: int | None = None,
               queue: int | None = None, time_limit: float = 10.0) -> Flask:
    """The application; ``pool`` (or ``workers``/``queue``) sets the render pool."""
    app = Flask(__name__)
    app.request_class = MemoryRequest
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_FIELDS_BODY, MAX_FORM_PARTS=MAX_FIELDS,
                      SESSION_COOKIE_NAME=None,
                      JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if pool is None:
        count = default_workers() if workers is None else workers
        pool = RenderPool(count, queue if queue is not None else 4 * max(1, count), time_limit)
    app.extensions["affiches_pool"] = pool
    if pool.workers > 0:  # a real server: build the suggestions index now, not on the first visitor
        threading.Thread(target=_warm_suggestions, daemon=True).start()

    def run(func: Callable[..., Any], *args: Any) -> Any:
        return pool.run(func, *args)

    @app.before_request
    def bounded_query() -> Response | None:
        if len(request.query_string) > MAX_QUERY:
            return _error(414)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.pop("Set-Cookie", None)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(exc.code or 500)

    @app.errorhandler(Busy)
    def busy(_exc: Busy) -> Response:
        if request.path == "/kit.zip":  # no JavaScript: the form again, the message at its button
            response = _page(_form(), {"formulaire": BUSY}, 503)
            response.headers["Retry-After"] = RETRY_AFTER
            return response
        return _error(503, BUSY)

    @app.errorhandler(RenderTimeout)
    @app.errorhandler(PoolFailure)
    def too_long(_exc: Exception) -> Response:
        log.warning("calcul interrompu (délai dépassé ou processus perdu)")
        return _error(503, TOO_LONG)

    @app.errorhandler(FormError)
    def form_error(exc: FormError) -> Response:
        if _wants_json():
            return _json({"ok": False, "erreurs": exc.errors}, 422)
        return _page(_form(), exc.errors, 422)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:  # pragma: no cover - a bug: no traceback to the user
        log.error("erreur interne : %s", type(exc).__name__)
        return _error(500, "Erreur interne du serveur ; réessayez, et signalez-la si elle revient.")

    @app.get("/")
    def index() -> Response:
        return _page(_form(), {}, 200)

    @app.post("/kit.zip")
    def kit_zip() -> Response:
        result = run(job.kit_zip, _form(), _uploads())
        return _attachment(result)

    @app.get("/api/communes")
    def communes() -> Response:
        from affiches.city.suggest import suggest

        found = suggest(request.args.get("q", "")[:200])
        return _json({"suggestions": [
            {"nom": s.name, "departement": s.departement, "population": s.population,
             "valeur": s.value} for s in found]}, 200)

    @app.route("/api/verifier", methods=["GET", "POST"])
    def verifier() -> Response:
        form = _form()
        result: job.CheckResult = run(job.check, form, _uploads())
        return _json({
            "ok": True,
            "ville": {"nom": result.city.name, "departement": result.city.departement,
                      "commune": result.city.known, "notes": list(result.city.notes)},
            "texte_alternatif": result.alt_text,
            "apercus": {key: f"/apercu/{key}.png" for key in job.PREVIEWS},  # posted to: nothing typed in a URL
            "fichiers": [{"nom": name, "libelle": label, "url": f"/telecharger/{name}"}
                         for name, label in result.files],
            "zip": result.zip_name,
            "lettres": {"notes": list(result.letter_notes),
                        "courriels": [{"libelle": what, "mailto": address} for what, address in result.mailto]},
        }, 200)

    @app.route("/apercu/<key>.png", methods=["GET", "POST"])
    def apercu(key: str) -> Response:
        try:
            width = int(request.args.get("largeur", "600"))
        except ValueError:
            width = 600
        data = run(job.preview, _form(), key, width, _uploads())
        response = Response(data, mimetype="image/png")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.route("/telecharger/<filename>", methods=["GET", "POST"])
    def telecharger(filename: str) -> Response:
        return _attachment(run(job.download, _form(), filename, _uploads()))

    @app.get("/sante")
    def sante() -> Response:
        admitted, capacity = pool.load()
        response = _json({"etat": "ok", "calculs_en_cours": admitted, "capacite": capacity}, 200)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/polices/<name>")
    def police(name: str) -> Response:
        from affiches.resources import assets_dir

        if name not in FONT_FILES:
            return _error(404)
        response = send_from_directory(assets_dir() / "fonts", name, mimetype="font/ttf", max_age=86400)
        return response

    return app


def _warm_suggestions() -> None:
    from affiches.city.suggest import suggest

    suggest("paris")


def _json(data: object, status: int) -> Response:
    response = jsonify(data)
    response.status_code = status
    return response


def _error(status: int, message: str | None = None) -> Response:
    text = message or HTTP_MESSAGES.get(status, "Erreur du serveur ; réessayez plus tard.")
    if _wants_json():
        response = _json({"ok": False, "erreur": text}, status)
    else:
        response = Response(render_template("erreur.html", message=text, status=status), status,
                            mimetype="text/html")
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


def _page(form: Mapping[str, str], errors: Mapping[str, str], status: int) -> Response:
    html = render_template(
        "index.html", form=form, errors=errors, choices=job.layout_choices(),
        print_variants=PRINT_LABELS,
    )
    return Response(html, status, mimetype="text/html")


def _attachment(result: job.FileResult) -> Response:
    response = Response(result.data, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


PRINT_LABELS = (
    ("imprimeur", "Pour une imprimerie", "fond perdu de 3 mm, traits de coupe, couleurs CMJN"),
    ("tuiles", "Affiche en tuiles A4", "l’affiche à 100 %, sur des feuilles A4 à assembler"),
    ("imposer", "Tracts imposés", "deux tracts A5 par feuille A4, recto verso"),
    ("a4", "Réduit sur une A4", "l’affiche et le tract réduits pour une imprimante de bureau"),
)
