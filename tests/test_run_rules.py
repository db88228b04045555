"""Decoding rules after the Viterbi path: orphaned reference definitions are cut, lone words are not."""

from __future__ import annotations

from excise.engine import _with_orphaned_definitions
from excise.features import DocWords, view_units
from excise.segment import REFDEF, REFLINK, segment

TEXT = ("Our post uses [the docs][1] here.\n\n"
        "Cheap pills [buy viagra][2] and [cheap cialis][3] now.\n\n"
        "   [1]: http://example.org/docs\n   [2]: http://pills.example/viagra\n   [3]: http://pills.example/cialis\n"
        "   [4]: http://example.org/unused\n")


def _setup():
    units = segment(TEXT)
    views = view_units(TEXT, units)
    return units, views


def test_definitions_of_cut_anchors_are_added_and_merged_into_one_run() -> None:
    units, views = _setup()
    para = units[[i for i, v in enumerate(views) if v.ref == "2" and v.kind == REFLINK][0]].para
    spam = [i for i, u in enumerate(units) if u.para == para]
    runs = _with_orphaned_definitions([(spam[0], spam[-1] + 1)], views)
    defs = {views[i].ref: i for i in range(len(views)) if views[i].kind == REFDEF}
    cut = {i for a, b in runs for i in range(a, b)}
    assert defs["2"] in cut and defs["3"] in cut
    assert defs["1"] not in cut and defs["4"] not in cut
    assert (defs["2"], defs["3"] + 1) in runs


def test_nothing_cut_means_nothing_added() -> None:
    _, views = _setup()
    assert _with_orphaned_definitions([], views) == []


def test_a_lone_word_or_two_of_plain_text_is_not_enough_to_cut() -> None:
    from excise.engine import _substantial

    text = "Credit: [Wikipedia][3]\n\nBuy cheap pills now.\n\nSee [here](http://pills.example/buy)."
    units = segment(text)
    views = view_units(text, units)
    lens = DocWords(views).lens
    pieces = [text[u.start : u.end] for u in units]
    credit, link = pieces.index("Credit:"), pieces.index("[here](http://pills.example/buy)")
    sentence = pieces.index("Buy cheap pills now.")
    assert not _substantial(views, lens, credit, credit + 1)
    assert _substantial(views, lens, credit, credit + 2)  # with its reference link
    assert _substantial(views, lens, sentence, sentence + 1)
    assert _substantial(views, lens, link, link + 1)
