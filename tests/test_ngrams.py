"""The array form of the content model scores exactly like summing the feature strings' weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.features import UnitView, content_features, is_topic_feature, view_units
from excise.ngrams import NgramTable
from excise.segment import segment

from test_contract import fragment_docs, wide_text


def reference_scores(content: dict[str, float], views: list[UnitView], bias: float,
                     intent: dict[str, float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The definition: bias + sum of feature weights / sqrt(number of features); peak = largest weight,
    >= 0; intent = largest intent weight of the unit's words and URL parts, >= 0."""
    out, peak, top = np.full(len(views), bias), np.zeros(len(views)), np.zeros(len(views))
    for i, v in enumerate(views):
        feats = content_features(v)
        ws = [content.get(f, 0.0) for f in feats]
        if ws:
            out[i] = bias + sum(ws) / math.sqrt(len(ws))
            peak[i] = max(0.0, *ws)
            top[i] = max(0.0, *((intent or {}).get(f, 0.0) for f in feats if is_topic_feature(f)))
    return out, peak, top


@pytest.fixture(scope="module")
def shipped_features(excisor) -> tuple[dict[str, float], dict[str, float]]:
    """The shipped model's content and intent weights as feature strings (built once: 675k strings)."""
    table = excisor.model.ngrams
    intent = {"w:" + w: float(v) for w, v in zip(table.words, table.intent[1:].tolist()) if v > 0}
    return excisor.model.content, {**intent, **table.intent_other}


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
def test_table_matches_the_string_features_on_the_shipped_model(excisor, shipped_features, text: str) -> None:
    model = excisor.model
    views = view_units(text, segment(text))
    got = model.ngrams.score(views, model.bias)
    want = reference_scores(*shipped_features[:1], views, model.bias, shipped_features[1])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-9)

