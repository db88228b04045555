"""The fast paths of the per-unit evidence find exactly what their plain definitions find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from excise.features import _tokens
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
