"""The array form of the content model scores exactly like summing the feature strings' weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.features import UnitView, content_features, view_units
from excise.ngrams import NgramTable
from excise.segment import segment

from test_contract import fragment_docs, wide_text


def reference_scores(content: dict[str, float], views: list[UnitView], bias: float) -> tuple[np.ndarray, np.ndarray]:
    """The definition: bias + sum of feature weights / sqrt(number of features); peak = largest weight, >= 0."""
    out, peak = np.full(len(views), bias), np.zeros(len(views))
    for i, v in enumerate(views):
        ws = [content.get(f, 0.0) for f in content_features(v)]
        if ws:
            out[i] = bias + sum(ws) / math.sqrt(len(ws))
            peak[i] = max(0.0, *ws)
    return out, peak


TOY = {
    "w:cheap": 1.5, "w:viagra": 2.0, "w:online": 0.4, "w:the": -0.2, "w:report": -1.1,
    "b:cheap viagra": 0.9, "b:viagra online": 0.7, "b:the report": -0.3, "b:buy cheap": 1.2,
    "t:ru": 0.8, "p:pharmacy": 1.3, "q:buy cialis": 0.6, "k:p": 0.5,
}


@pytest.mark.parametrize("text", [
    "Buy cheap viagra online. The report said so.",
    "the the the report report",
    "Visit [cheap pills](http://shop.example.ru/pharmacy/buy-cialis?p=4) today, the report says.",
    "viagra",
    "",
    "!!! ...",
])
def test_table_matches_the_string_features_on_a_toy_model(text: str) -> None:
    units = segment(text)
    views = view_units(text, units)
    got = NgramTable.from_features(TOY).score(views, -0.5)
    want = reference_scores(TOY, views, -0.5)
    np.testing.assert_allclose(got[0], want[0], atol=1e-12)
    np.testing.assert_allclose(got[1], want[1], atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.one_of(fragment_docs, wide_text))
def test_table_matches_the_string_features_on_the_shipped_model(excisor, text: str) -> None:
    model = excisor.model
    views = view_units(text, segment(text))
    got = model.ngrams.score(views, model.bias)
    want = reference_scores(model.content, views, model.bias)
    np.testing.assert_allclose(got[0], want[0], atol=1e-9)
    np.testing.assert_allclose(got[1], want[1], atol=1e-9)

