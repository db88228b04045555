"""The fast paths of the per-unit evidence find exactly what their plain definitions find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.features import _maybe_obfuscated, _tokens
from excise.normalize import _fold, fold

# the plain definition of a word; features._tokens reads ASCII text without it
_TOKEN = re.compile(r"\w+(?:'\w+)?")

ascii_text = st.text(st.characters(max_codepoint=127), max_size=200)
mixed_text = st.text(st.sampled_from("ab Z_09'’.-&;\u00e9\u0430\u03a3\u00a0\u200b\x1c\t\n"), max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.one_of(ascii_text, mixed_text, st.text(max_size=100)))
def test_tokens_are_the_token_pattern_matches(text: str) -> None:
    assert _tokens(text) == _TOKEN.findall(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(ascii_text, mixed_text))
def test_fold_fast_path_folds_like_the_full_fold(text: str) -> None:
    assert fold(text) == _fold(text)


# the plain form of features._MAYBE_OBFUSCATED
_OBFUSCATED = re.compile(r"\b[a-z][ .\-_*][a-z][ .\-_*][a-z]\b|[a-z][013457@$]+[a-z]")
obfuscation_text = st.text(st.sampled_from("abcxyzAB _.-*019234567@$#'/\u00e9\u0430"), max_size=60)


@settings(max_examples=500, deadline=None)
@given(st.one_of(obfuscation_text, ascii_text, mixed_text))
def test_maybe_obfuscated_is_the_plain_pattern(text: str) -> None:
    assert _maybe_obfuscated(text) == bool(_OBFUSCATED.search(text))


@pytest.mark.parametrize("text", ["v.i.a.g.r.a", "c i a l i s", "a_b_c", "v1agra", "p@yday", "ca$h", "x-y-z"])
def test_maybe_obfuscated_finds_the_obfuscations(text: str) -> None:
    assert _maybe_obfuscated(text)
