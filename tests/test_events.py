"""Dates, times and the event line (affiches.city.events).

Weekdays were checked by hand: 1 January 2026 is a Thursday, so 16 May 2026 (day
136) is a Saturday and 1 May 2026 a Friday; 29 February 2028 is a Tuesday.
"""

from __future__ import annotations

import datetime as dt

import pytest

from affiches.city.events import EventError, event_variables, format_time, french_date, parse_date
from affiches.errors import AffichesError

TODAY = dt.date(2026, 3, 1)
NOT_A_DAY = "inexistante ; vérifiez le jour et le mois (exemple : 2026-05-16)"


@pytest.mark.parametrize(
    "text",
    ["2026-05-16", "16/05/2026", "16.05.2026", "16/05/26", "16 mai 2026", "samedi 16 mai 2026",
     "Samedi 16 Mai 2026", "samedi, 16 mai 2026", "  16 mai 2026 ", "16 mai", "16/05"],
)
def test_parse_date_forms(text: str) -> None:
    date = parse_date(text, TODAY)
    assert date == dt.date(2026, 5, 16)
    assert french_date(date) == "samedi 16 mai 2026"


def test_first_of_month_and_accented_months() -> None:
    assert french_date(parse_date("1er mai 2026", TODAY)) == "vendredi 1er mai 2026"
    assert parse_date("15 août 2026", TODAY) == dt.date(2026, 8, 15)
    assert parse_date("15 aout 2026", TODAY) == dt.date(2026, 8, 15)
    assert parse_date("3 déc. 2026", TODAY) == dt.date(2026, 12, 3)


def test_date_without_year_is_the_next_one() -> None:
    assert parse_date("16/02", TODAY) == dt.date(2027, 2, 16)  # already past in 2026
    assert parse_date("1 mars", TODAY) == dt.date(2026, 3, 1)  # today counts
    leap = parse_date("29/02", TODAY)
    assert leap == dt.date(2028, 2, 29)
    assert french_date(leap) == "mardi 29 février 2028"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", f"date « 2026-02-30 » {NOT_A_DAY}"),
        ("31/04/2026", f"date « 31/04/2026 » {NOT_A_DAY}"),
        (
            "16 maii 2026",
            "date « 16 maii 2026 » : mois « maii » inconnu ; écrivez par exemple « 16 mai 2026 »",
        ),
        ("demain", "date « demain » illisible ; écrivez 2026-05-16, 16/05/2026 ou « 16 mai 2026 »"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(EventError) as info:
        parse_date(text, TODAY)
    assert str(info.value) == message
    assert isinstance(info.value, AffichesError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("13h", "13 h"), ("13 h", "13 h"), ("13:30", "13 h 30"), ("13 h 30", "13 h 30"),
     ("13h30", "13 h 30"), ("9h05", "9 h 05"), ("13", "13 h"), ("0h", "0 h"), ("13.30", "13 h 30")],
)
def test_format_time(text: str, expected: str) -> None:
    assert format_time(text) == expected


@pytest.mark.parametrize(
    ("text", "kind"), [("24h", "inexistante"), ("13h61", "inexistante"), ("midi", "illisible")]
)
def test_bad_times(text: str, kind: str) -> None:
    with pytest.raises(EventError) as info:
        format_time(text)
    assert str(info.value) == f"heure « {text} » {kind} ; écrivez par exemple 13 h ou 13 h 30"


def test_event_variables() -> None:
    assert event_variables("16/05/2026", "14h", "  place   Jean-Jaurès ", today=TODAY) == {
        "date": "samedi 16 mai 2026",
        "heure": "14 h",
        "lieu": "place Jean-Jaurès",
        "evenement": "Rassemblement samedi 16 mai 2026, 14 h, place Jean-Jaurès",
    }
    assert event_variables() == {"date": "", "heure": "", "lieu": "", "evenement": ""}
    assert event_variables(place="Mairie")["evenement"] == "Rassemblement Mairie"
