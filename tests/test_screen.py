"""The whole-document pre-screen: densest window of spam-leaning words, obfuscation always passes."""

from __future__ import annotations

import pytest

from excise.screen import WINDOW, Screen

WORDS = {"cheap": 2.0, "viagra": 2.5, "pills": 1.5, "online": 0.5, "news": -1.0}
ARTICLE = ("The council met on Monday to discuss the new library. Members agreed the budget, and the "
           "works will start in spring after the consultation closes. ") * 5


def test_screen_scores_the_densest_window_of_spam_leaning_words() -> None:
    screen = Screen(WORDS, threshold=None)
    spam = ARTICLE + " cheap viagra pills online " + ARTICLE
    assert screen.score(spam) == pytest.approx(2.0 + 2.5 + 1.5 + 0.5 - 0.5 * (WINDOW - 4))
    assert screen.score(ARTICLE) == pytest.approx(-0.5 * WINDOW)


def test_screen_threshold_decides_which_documents_pass() -> None:
    screen = Screen(WORDS, threshold=0.0)
    assert not screen.passes(ARTICLE)
    assert screen.passes(ARTICLE + " Cheap VIAGRA, pills! cheap viagra online. " + ARTICLE)
    assert Screen(WORDS, threshold=None).passes(ARTICLE)


@pytest.mark.parametrize("hidden", ["v i a g r a", "v.i.a.g.r.a", "v1agra pills"])
def test_screen_lets_obfuscated_documents_through(hidden: str) -> None:
    assert Screen(WORDS, threshold=0.0).passes(ARTICLE + " " + hidden + " " + ARTICLE)


def test_screen_sees_through_look_alike_letters() -> None:
    screen = Screen(WORDS, threshold=0.0)
    assert screen.passes(ARTICLE + " \u0441heap v\u0456agra p\u0456lls online " + ARTICLE)
