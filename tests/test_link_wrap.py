"""A spam link wrapped around a sentence's own words: the link goes, the words stay."""

from __future__ import annotations

import pytest

from excise import Excisor
from excise.engine import _wrapped_words
from excise.segment import segment

HOST = ("The council met on Tuesday to discuss the new library budget. Members agreed that the reading room needs "
        "better lighting and more seats for students. ")
WRAPS = [
    ("I want to [have](http://pharmacy-online.example/buy-cialis-online) the report ready by Friday, said the mayor.",
     "I want to have the report ready by Friday, said the mayor."),
    ('I want to <a href="http://best-casino.example/free-spins-bonus">have</a> the report ready by Friday, said the '
     "mayor.", "I want to have the report ready by Friday, said the mayor."),
    ("The reading room will [stay open](https://payday-cash.example/loans-no-credit-check/) during the works.",
     "The reading room will stay open during the works."),
]


@pytest.mark.parametrize(("sentence", "unwrapped"), WRAPS)
def test_the_link_is_cut_and_its_words_kept(excisor: Excisor, sentence: str, unwrapped: str) -> None:
    text = HOST + sentence + " A vote is planned for next month."
    result = excisor.scan(text)
    assert result.spans, "the spam link was not found"
    assert all("link-wrap" in s.reasons for s in result.spans)
    cleaned = result.apply(text)
    # the sentence reads as it did before the link was wrapped around its words
    assert unwrapped in cleaned
    assert "http" not in cleaned and "[" not in cleaned and "<" not in cleaned and "  " not in cleaned
    assert HOST.strip() in cleaned and cleaned.endswith("A vote is planned for next month.")


def test_a_selling_anchor_goes_with_its_link(excisor: Excisor) -> None:
    text = HOST + "Members said that [buy cheap cialis online](http://pills.example/cialis) the room is small."
    result = excisor.scan(text)
    cut = [text[s.start : s.end] for s in result.spans]
    assert cut == ["[buy cheap cialis online](http://pills.example/cialis)"]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("I want to [have](http://x.example/a) it", "have"),
        ('I want to <a href="http://x.example/a">have it</a> now', "have it"),
        ('I want to <A HREF="http://x.example/a">have</A> now', "have"),
    ],
)
def test_the_wrapped_words_inside_a_sentence(text: str, inner: str) -> None:
    units = segment(text)
    assert [u.kind for u in units][1] != 0  # the link is a unit of its own
    bounds = _wrapped_words(text, units, 1, 2)
    assert bounds is not None and text[bounds[0] : bounds[1]] == inner


@pytest.mark.parametrize(
    "text",
    [
        "It ended. [have](http://x.example/a) more",  # after the end of a sentence: not inside one
        "[have](http://x.example/a) it",  # no sentence before it
        "I want to <http://x.example/a> now",  # an autolink has no words of its own
        "I want to [<b>have</b>](http://x.example/a) now",  # markup inside: not plain words
        "I want to [one two three four five](http://x.example/a) now",  # too many words for a wrap
    ],
)
def test_no_wrapped_words(text: str) -> None:
    units = segment(text)
    link = next(i for i, u in enumerate(units) if u.kind != 0)
    assert _wrapped_words(text, units, link, link + 1) is None
