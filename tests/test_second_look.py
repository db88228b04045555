"""The second look: units beside a cut or spam-like unit, split at their capitalised seams and scored again."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise import Excisor
from excise.engine import SECOND_LOOK_WORDS, _second_look
from excise.segment import LINK, TEXT, Unit, capital_seams

from test_contract import fragment_docs, wide_text

HOST_BEFORE = ("The council met on Tuesday to discuss the new library budget. Members agreed that the reading room "
               "needs better lighting and more seats for students.")
SPAM = ("Buy cheap viagra online without prescription, cialis 20 mg for sale at the lowest price. Order generic "
        "levitra today with fast worldwide shipping and discreet packaging from our online pharmacy. Best deals "
        "on kamagra here")
HOST_AFTER = ("Councillors said the work on the reading room could start in spring if the grant for the library is "
              "approved by the council. A final vote is planned for next month.")
# the last spam sentence has no full stop and runs into the page's next sentence: one unit holds both
SPLICED = f"{HOST_BEFORE}\n\n{SPAM} {HOST_AFTER}"


def whole(text: str) -> Unit:
    return Unit(0, len(text), TEXT, 0, 0)


def pieces_of(text: str) -> list[str]:
    return [text[u.start : u.end] for u in capital_seams(text, whole(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Best deals on kamagra here Councillors said so.", ["Best deals on kamagra here", "Councillors said so."]),
        ("100% MONEY-BACK Assistant information commissioner",
         ["100% MONEY-BACK", "Assistant information commissioner"]),
        ("call now  Occasionally, however, it rains", ["call now", "Occasionally, however, it rains"]),
        # a capitalised word after a capitalised one, or after closing punctuation, is no seam
        ("The Prime Minister spoke. Then it rained.", []),
        # a name after a lower-case word is one: why only the units beside a cut are split
        ("they met the Queen today", ["they met the", "Queen today"]),
        ("It ended. Then it began again!", []),
        ("nothing capitalised here at all", []),
        ("", []),
    ],
)
def test_capital_seams(text: str, expected: list[str]) -> None:
    assert pieces_of(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aB Cd.EfG!hIJ K\t-"), max_size=80))
def test_capital_seams_cover_the_unit_but_their_seams(text: str) -> None:
    text = "x" + text
    pieces = capital_seams(text, whole(text))
    if not pieces:
        return
    assert pieces[0].start == 0 and pieces[-1].end == len(text)
    for a, b in zip(pieces, pieces[1:]):
        assert a.end <= b.start
        assert text[a.end : b.start].isspace()  # only the whitespace of a seam is left out
        assert b.kind == TEXT and b.para == 0 and b.line == 0


def test_units_beside_a_strong_unit_are_split_and_mapped_back() -> None:
    text = "Buy pills now. cheap pills online Councillors said no. Other words that Stay here."
    units = [Unit(0, 14, TEXT, 0, 0), Unit(15, 54, TEXT, 0, 0), Unit(55, 82, TEXT, 0, 0)]
    lens = np.array([3, 7, 5])
    proba = np.array([0.99, 0.2, 0.1])
    # nothing cut and nothing the model calls spam: nothing to look at
    assert _second_look(text, units, lens, np.array([0.3, 0.2, 0.1]), [], 0.5) is None
    # beside a unit that is cut, or that the model calls spam though the decoder left it alone
    for runs in ([(0, 1)], []):
        assert _second_look(text, units, lens, proba, runs, 0.5) == _second_look(text, units, lens, proba, [(0, 1)], 0.5)
    new, origin = _second_look(text, units, lens, proba, [(0, 1)], 0.5)
    # the unit beside the run is split; the one two units away is not, though it has a seam
    assert [text[u.start : u.end] for u in new] == ["Buy pills now.", "cheap pills online", "Councillors said no.",
                                                   "Other words that Stay here."]
    assert origin == [0, -1, -1, 2]
    # a unit the model already calls spam is left as it is (and its own neighbour is looked at)
    _, origin = _second_look(text, units, lens, np.array([0.99, 0.7, 0.1]), [(0, 1)], 0.5)
    assert origin == [0, 1, -1, -1]
    # so are a short unit and a link
    assert _second_look(text, units, np.array([3, SECOND_LOOK_WORDS - 1, 5]), proba, [(0, 1)], 0.5) is None
    link = units[1]._replace(kind=LINK)
    assert _second_look(text, [units[0], link, units[2]], lens, proba, [(0, 1)], 0.5) is None


def test_the_unpunctuated_end_of_an_injection_is_cut_and_the_page_kept() -> None:
    looked = Excisor(screen=False).scan(SPLICED)
    plain = Excisor(screen=False, second_look=False).scan(SPLICED)
    assert [SPLICED[s.start : s.end] for s in plain.spans] == [SPAM[: SPAM.index(" Best deals")]]
    assert [SPLICED[s.start : s.end] for s in looked.spans] == [SPAM]
    cleaned = looked.apply(SPLICED)
    assert "kamagra" not in cleaned and HOST_BEFORE in cleaned and HOST_AFTER in cleaned


@settings(max_examples=60, deadline=None)
@given(st.one_of(fragment_docs, wide_text))
def test_a_document_without_a_cut_is_not_looked_at_again(text: str) -> None:
    # (a unit the model scores at or above the threshold is looked beside even when the decoder leaves it:
    # "…renovation. www.cheap-pills.example/buy The library…" is, and its page score moves)
    engine = Excisor(screen=False, second_look=False)
    plain = engine.scan(text)
    looked = Excisor(screen=False).scan(text)
    if not plain.spans and (engine.unit_proba(text)[3] < engine.config.threshold).all():
        assert looked == plain
