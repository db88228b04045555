"""The whole-document pre-screen: densest window of spam-leaning words, obfuscation always passes."""

from __future__ import annotations

import pytest

from excise.screen import WINDOW, Screen

WORDS = {"cheap": 2.0, "viagra": 2.5, "pills": 1.5, "online": 0.5, "news": -1.0}
ARTICLE = ("The council met on Monday to discuss the new library. Members agreed the budget, and the "
           "works will start in spring after the consultation closes. ") * 5


def test_screen_scores_the_densest_window_of_spam_leaning_words() -> None:
    screen = Screen(WORDS, threshold=None, floor=-0.5)
    spam = ARTICLE + " cheap viagra pills online " + ARTICLE
    assert screen.score(spam) == pytest.approx(2.0 + 2.5 + 1.5 + 0.5 - 0.5 * (WINDOW - 4))
    assert screen.score(ARTICLE) == pytest.approx(-0.5 * WINDOW)


def test_screen_threshold_decides_which_documents_pass() -> None:
    screen = Screen(WORDS, threshold=0.0)
    assert not screen.passes(ARTICLE)
    assert screen.passes(ARTICLE + " Cheap VIAGRA, pills! cheap viagra online. " + ARTICLE)
    assert Screen(WORDS, threshold=None).passes(ARTICLE)


@pytest.mark.parametrize("hidden", ["v i a g r a", "v.i.a.g.r.a", "v1agra pills", "c1al1s"])
def test_screen_lets_obfuscated_documents_through(hidden: str) -> None:
    assert Screen(WORDS, threshold=0.0).passes(ARTICLE + " " + hidden + " " + ARTICLE)


@pytest.mark.parametrize("ordinary", ["mail nessus@list.example", "mp3 files", "a 4x4 car", "costs $5 each"])
def test_screen_does_not_take_ordinary_digits_and_addresses_for_obfuscation(ordinary: str) -> None:
    assert not Screen(WORDS, threshold=0.0).passes(ARTICLE + " " + ordinary + " " + ARTICLE)


def test_screen_sees_through_look_alike_letters() -> None:
    screen = Screen(WORDS, threshold=0.0)
    assert screen.passes(ARTICLE + " \u0441heap v\u0456agra p\u0456lls online " + ARTICLE)


def test_screen_counts_unlisted_words_at_its_floor() -> None:
    screen = Screen(WORDS, threshold=None, floor=-0.1)
    assert screen.score(ARTICLE) == pytest.approx(-0.1 * WINDOW)
    # words weighing no more than the floor are dropped: they count as the floor
    assert "news" not in screen.weights


def _docs(n: int) -> list:
    from excise.training.synth import Doc

    hosts = [ARTICLE.replace("Monday", day) for day in ("Monday", "Tuesday", "Friday", "Sunday")]
    spam = ["Buy cheap viagra pills online today.", "Best cialis pills, cheap and online.",
            "Cheap viagra and cialis online, no prescription."]
    docs = []
    for k in range(n):
        host = hosts[k % len(hosts)]
        if k % 2:
            docs.append(Doc(f"c{k}", host))
            continue
        cut = host.index(". ", 40) + 2
        s = spam[k % len(spam)]
        docs.append(Doc(f"s{k}", host[:cut] + s + " " + host[cut:], [(cut, cut + len(s))]))
    return docs


def test_fit_screen_weighs_spam_words_and_not_host_words() -> None:
    import numpy as np

    from excise.training.train import fit_screen

    docs = _docs(60)
    weights = fit_screen(docs, np.array([bool(d.spans) for d in docs]), rounds=2)
    assert {"viagra", "cialis", "pills"} <= set(weights)
    assert not {"council", "budget", "the"} & set(weights)
    screen = Screen(weights, threshold=None, floor=-0.1)
    assert min(screen.score(d.text) for d in docs if d.spans) > max(screen.score(d.text) for d in docs if not d.spans)


def test_screen_weights_travel_in_the_model_file(tmp_path) -> None:
    from excise.model import Model

    model = Model.load()
    assert model.screen_weights, "the shipped model has no pre-screen weights"
    model.screen_weights = {"viagra": 2.5, "cheap": 1.25}
    model.save(tmp_path / "m.npz", screen_floor=-0.2)
    loaded = Model.load(tmp_path / "m.npz")
    assert loaded.screen_weights == {"viagra": 2.5, "cheap": 1.25}
    assert loaded.screen.floor == -0.2
    assert loaded.screen.score("cheap viagra") == pytest.approx(3.75)


def test_shipped_screen_keeps_spam_and_drops_a_plain_article() -> None:
    from excise.model import Model

    screen = Model.load().screen
    assert screen.passes(ARTICLE + " Buy cheap viagra online, no prescription needed. " + ARTICLE)
    assert not screen.passes(ARTICLE)
