"""Per-unit evidence: the fast paths find exactly what their plain definitions find; the advertising shape."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.features import _PHONE, DENSE_NAMES, _maybe_obfuscated, _tokens, shape_features
from excise.normalize import _fold, fold
from excise.segment import segment
from excise.topics import TOPIC_NAMES

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


# --------------------------------------------------------------------------- advertising shape

CAPS, PHONE, MONEY, BANG = range(4)


def _shape_of_units(text: str) -> tuple[list, np.ndarray]:
    units = segment(text)
    starts = np.array([u.start for u in units], dtype=np.int64)
    ends = np.array([u.end for u in units], dtype=np.int64)
    return units, shape_features(text, starts, ends)


def _shape(text: str) -> dict[str, np.ndarray]:
    units, rows = _shape_of_units(text)
    return {text[u.start : u.end]: row for u, row in zip(units, rows)}


def test_shape_and_topic_columns_stand_where_the_dense_features_write_them() -> None:
    assert DENSE_NAMES[38:42] == ("caps_share", "phone_number", "money", "exclamation")
    assert DENSE_NAMES[42:] == TOPIC_NAMES


def test_advertising_shape_is_found_in_its_own_unit_only() -> None:
    rows = _shape("HOT LIVE FANTASIES call 08707509020 now! The council met on 12 May 2004. "
                  "Save 50% today, only $9.99. In 2004, 1,250,000 people voted.")
    ad = rows["HOT LIVE FANTASIES call 08707509020 now!"]
    assert ad[CAPS] > 0.5 and ad[PHONE] == 1 and ad[BANG] == 1 and ad[MONEY] == 0
    news = rows["The council met on 12 May 2004."]
    assert news[CAPS] < 0.2 and news[PHONE] == news[MONEY] == news[BANG] == 0
    assert rows["Save 50% today, only $9.99."][MONEY] == 1
    # a large number with thousands separators is not a phone number
    assert rows["In 2004, 1,250,000 people voted."][PHONE] == 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_shape_features_are_bounded_on_arbitrary_text(text: str) -> None:
    units, out = _shape_of_units(text)
    assert out.shape == (len(units), 4)
    assert ((out >= 0) & (out <= 1)).all()


# the plain form of features._PHONE
_PLAIN_PHONE = re.compile(r"(?<![\w.,])\+?\d(?:[ \-./]?\d){6,13}(?![\w.,]?\d)")
phone_text = st.text(st.sampled_from("0123456789 +-./,a_\u0661"), max_size=60)


@settings(max_examples=500, deadline=None)
@given(st.one_of(phone_text, ascii_text, mixed_text))
def test_fast_phone_pattern_finds_what_the_plain_one_finds(text: str) -> None:
    assert [m.span() for m in _PHONE.finditer(text)] == [m.span() for m in _PLAIN_PHONE.finditer(text)]
