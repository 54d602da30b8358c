"""Demonstration details: dates, times and the printed event line. Pure.

Contract: ``parse_date(text, today)`` accepts ``2026-05-16``, ``16/05/2026``,
``16/05`` and ``16 mai [2026]`` (weekday words allowed, ``1er`` too) and returns a
``datetime.date``; a date that does not exist, or an unreadable one, raises
``EventError`` naming the value. A date without a year is the next such day on or
after ``today``. ``french_date`` writes it in French with its weekday ("samedi
16 mai 2026"); ``format_time`` normalises ``13h``, ``13:30``, ``13 h 30`` to
"13 h" / "13 h 30"; ``event_variables`` builds the ``date``, ``heure``, ``lieu`` and
``evenement`` template variables ("Rassemblement samedi 16 mai 2026, 13 h, place X").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from affiches.errors import EventError

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_MONTH_KEYS = {
    unicodedata.normalize("NFKD", m).encode("ascii", "ignore").decode(): i
    for i, m in enumerate(MONTHS, start=1)
}
_MONTH_KEYS.update({"fev": 2, "janv": 1, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12})




def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _make(year: int, month: int, day: int, original: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise EventError(
            f"date « {original} » inexistante ; vérifiez le jour et le mois (exemple : 2026-05-16)"
        ) from None


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    original = text.strip()
    today = today or dt.date.today()
    value = _ascii(original).replace(",", " ")
    for weekday in WEEKDAYS:
        value = re.sub(rf"\b{weekday}\b", " ", value)
    value = " ".join(value.split())
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
        return _make(int(m[1]), int(m[2]), int(m[3]), original)
    if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?", value):
        year = m[3]
        if year is None:
            return _next(int(m[2]), int(m[1]), today, original)
        y = int(year) + (2000 if len(year) == 2 else 0)
        return _make(y, int(m[2]), int(m[1]), original)
    if m := re.fullmatch(r"(\d{1,2})(?:er)? ([a-z]+)\.?(?: (\d{4}))?", value):
        month = _MONTH_KEYS.get(m[2])
        if month is None:
            raise EventError(f"date « {original} » : mois « {m[2]} » inconnu ; écrivez par exemple « 16 mai 2026 »")
        if m[3] is None:
            return _next(month, int(m[1]), today, original)
        return _make(int(m[3]), month, int(m[1]), original)
    raise EventError(
        f"date « {original} » illisible ; écrivez 2026-05-16, 16/05/2026 ou « 16 mai 2026 »"
    )


def _next(month: int, day: int, today: dt.date, original: str) -> dt.date:
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # 29 February: try the next leap year
        if candidate >= today:
            return candidate
    return _make(today.year, month, day, original)


def french_date(date: dt.date) -> str:
    day = "1er" if date.day == 1 else str(date.day)
    return f"{WEEKDAYS[date.weekday()]} {day} {MONTHS[date.month - 1]} {date.year}"


def format_time(text: str) -> str:
    original = text.strip()
    value = original.lower().replace(" ", "")
    m = re.fullmatch(r"(\d{1,2})(?:h|:|\.)(\d{2})?(?:min)?", value) or re.fullmatch(r"(\d{1,2})", value)
    if not m:
        raise EventError(f"heure « {original} » illisible ; écrivez par exemple 13 h ou 13 h 30")
    hour = int(m[1])
    minute = int(m[2]) if m.lastindex and m.lastindex >= 2 and m[2] else 0
    if hour > 23 or minute > 59:
        raise EventError(f"heure « {original} » inexistante ; écrivez par exemple 13 h ou 13 h 30")
    return f"{hour} h" if minute == 0 else f"{hour} h {minute:02d}"


def event_variables(date: str = "", time: str = "", place: str = "", kind: str = "Rassemblement",
                    today: dt.date | None = None) -> dict[str, str]:
    """Template variables for an event; all empty when no detail is given."""
    date_text = french_date(parse_date(date, today)) if date.strip() else ""
    time_text = format_time(time) if time.strip() else ""
    place_text = " ".join(place.split())
    parts = [p for p in (date_text, time_text, place_text) if p]
    line = f"{kind} {', '.join(parts)}" if parts else ""
    return {"date": date_text, "heure": time_text, "lieu": place_text, "evenement": line}
