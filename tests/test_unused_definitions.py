"""Reference definitions nothing uses: judged as the bare URLs they are."""

from __future__ import annotations

import pytest

from excise import Excisor
from excise.engine import _unused_definition_units
from excise.features import view_units
from excise.segment import segment

HOST = ("The city council met on Tuesday to discuss the new budget for schools. Members argued for hours about "
        "teacher salaries and the cost of repairing old buildings. ")


def unused(text: str) -> list[str]:
    units = segment(text)
    views = view_units(text, units)
    return [text[units[i].start : units[i].end] for i in _unused_definition_units(text, views)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See [the minutes][1].\n\n[1]: https://a.example/m\n[2]: https://a.example/b\n", ["[2]: https://a.example/b"]),
        # a shortcut reference "[1]" uses its definition too
        ("See the minutes [1] and [Agenda].\n\n[1]: https://a.example/m\n[agenda]: https://a.example/b\n", []),
        ("No references here at all.", []),
    ],
)
def test_which_definitions_are_unused(text: str, expected: list[str]) -> None:
    assert unused(text) == expected


def test_spam_definitions_among_legitimate_ones_are_cut(excisor: Excisor) -> None:
    text = (HOST + "See the minutes [1] and the agenda [2].\n\n[1]: https://city.example/minutes.pdf\n"
            "[2]: https://city.example/agenda\n[7]: http://pills-shop.example/buy-cialis\n"
            "[8]: http://pills-shop.example/cheap-levitra\n")
    result = excisor.scan(text)
    cleaned = result.apply(text)
    assert "pills-shop" not in cleaned
    assert "[1]: https://city.example/minutes.pdf\n[2]: https://city.example/agenda" in cleaned


def test_an_unused_legitimate_definition_stays(excisor: Excisor) -> None:
    text = HOST + "See [the minutes][1].\n\n[1]: https://city.example/minutes.pdf\n[2]: https://city.example/agenda\n"
    assert excisor.scan(text).spans == ()
