"""The obfuscated benchmark variant: spam words hidden as spammers hide them, spans moved with the text."""

from __future__ import annotations

import random

import pytest

from excise.normalize import deobfuscate, fold
from excise.training.obfuscate import TRICKS, obfuscate, obfuscate_word
from excise.training.synth import Doc

TEXT = ("The council met on Tuesday. Buy cheap viagra online without prescription http://pills.example/buy-viagra "
        "today. Members agreed on the budget. Best casino bonus here.")
SPANS = [(28, TEXT.index(" Members")), (TEXT.index("Best"), len(TEXT))]


def test_spans_move_with_the_text_and_the_rest_is_unchanged() -> None:
    doc = Doc("d1", TEXT, list(SPANS))
    hidden = obfuscate(doc, seed=3, rate=1.0)
    assert hidden.text != TEXT
    # the clean text between and around the spans is byte for byte the same
    pieces = [TEXT[: SPANS[0][0]], TEXT[SPANS[0][1] : SPANS[1][0]]]
    got = [hidden.text[: hidden.spans[0][0]], hidden.text[hidden.spans[0][1] : hidden.spans[1][0]]]
    assert got == pieces
    assert hidden.spans[1][1] == len(hidden.text)
    # the URL still works: words inside it are not touched
    assert "http://pills.example/buy-viagra" in hidden.text


def test_the_same_seed_hides_the_same_way() -> None:
    doc = Doc("d1", TEXT, list(SPANS))
    assert obfuscate(doc, seed=3) == obfuscate(doc, seed=3)
    assert obfuscate(Doc("clean", TEXT, []), seed=3).text == TEXT


@pytest.mark.parametrize("trick", TRICKS)
def test_each_trick_is_undone_by_the_folded_view(trick: str) -> None:
    # what the engine reads: fold(), then spaced-out letters and l33t digits undone
    rng = random.Random(0)
    for word in ("viagra", "casino", "prescription", "Replica"):
        hidden = obfuscate_word(word, trick, rng)
        assert hidden != word or trick == "leet" and not any(c in "aeiost" for c in word.lower())
        assert deobfuscate(fold(hidden)) == word.lower()


def test_an_unknown_trick_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown obfuscation trick"):
        obfuscate_word("viagra", "rot13", random.Random(0))
