"""The whole-document pre-screen: densest window of spam-leaning words, obfuscation always passes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.normalize import fold
from excise.screen import WINDOW, Screen, _Table

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


def test_calibrated_threshold_passes_the_promised_share_of_caught_documents() -> None:
    """calibrate_screen's threshold is the (1 - keep) quantile of the caught documents' scores: it passes
    ``keep`` of them, with no margin below it that would send more clean documents on to the unit pipeline."""
    import numpy as np

    from excise.training.train import calibrate_screen

    class _Model:
        screen = Screen({"viagra": 1.0}, threshold=None, floor=0.0)

    docs = _docs(200)
    found = np.array([bool(d.spans) and k % 10 != 0 for k, d in enumerate(docs)])
    # caught documents get scores from 0 to WINDOW: up to that many "viagra" in their best window
    for k, d in enumerate(docs):
        if found[k]:
            d.text = "viagra " * (k % 37) + d.text.replace("viagra", "pill")
    caught_scores = np.array([_Model.screen.score(d.text) for d, f in zip(docs, found) if f])
    for keep in (0.9, 0.995):
        threshold = calibrate_screen(_Model(), docs, keep=keep, found=found)
        assert threshold == np.quantile(caught_scores, 1 - keep)
        assert (caught_scores >= threshold).mean() >= keep


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


# ---------------------------------------------------------------- the compiled inner loop
# excise._screen computes what the Python above computes; these tests hold the two together.


needs_compiled = pytest.mark.skipif(_Table is None, reason="excise._screen is not built (no C compiler at install)")
# words the weights know, words they don't, separators, l33t digits, single letters, non-ASCII
_PIECES = st.sampled_from(["cheap", "viagra", "pills", "online", "news", "v", "i", "a", "g", "r", "c1al1s", "v1agra",
                           "40mg", "it's", " ", "  ", "\n", "\t", "\x0b", "\x1c", ".", ",", "-", "'", "_", "@", "$",
                           "é", "\u0441heap", "日本", "\u200b", "0", "1", "3", "7", "ab", "A", "B"])
_TEXTS = st.lists(_PIECES, max_size=60).map("".join) | st.text(max_size=200)


def _both(floor: float = -0.1) -> tuple[Screen, Screen]:
    return (Screen(WORDS, threshold=1.0, floor=floor, compiled=True),
            Screen(WORDS, threshold=1.0, floor=floor, compiled=False))


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, floor=st.sampled_from([-0.1, -0.5, 0.0]))
def test_compiled_screen_gives_the_same_score_and_verdict_as_the_python_one(text: str, floor: float) -> None:
    compiled, python = _both(floor)
    folded = fold(text).encode()
    assert compiled._scan(folded) == python._scan(folded)  # same bits, same verdict
    assert compiled.passes(text) == python.passes(text)


@needs_compiled
@pytest.mark.parametrize("n_words", [0, 1, WINDOW - 1, WINDOW, WINDOW + 1, 5 * WINDOW])
def test_compiled_screen_windows_at_the_edges(n_words: int) -> None:
    compiled, python = _both()
    text = " ".join(["cheap", "news", "viagra", "the", "pills"] * WINDOW)
    text = " ".join(text.split()[:n_words])
    assert compiled.score(text) == python.score(text)


@needs_compiled
@pytest.mark.parametrize("text", ["v i a g r a", "v.i.a.g.r.a", "v i a", "c1al1s", "x13ab", "a1b", "1ab", "mp3 files"])
def test_compiled_screen_sees_the_same_obfuscation(text: str) -> None:
    compiled, python = _both()
    folded = fold(text).encode()
    assert compiled._scan(folded)[1] == python._scan(folded)[1]


def test_python_screen_can_be_chosen_and_compiled_one_is_refused_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Screen(WORDS, threshold=0.0, compiled=False)._table is None
    monkeypatch.setattr("excise.screen._Table", None)
    with pytest.raises(RuntimeError, match="not built"):
        Screen(WORDS, threshold=0.0, compiled=True)

