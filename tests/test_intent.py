"""The topic-level intent evidence: a model's intent weights reach the dense features as a max, not a mean."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from excise.features import DENSE_NAMES, dense_features, is_topic_feature, view_units
from excise.model import Model
from excise.ngrams import NgramTable
from excise.segment import segment


def model_with(intent: dict[str, float]) -> Model:
    n = len(DENSE_NAMES)
    return Model(ngrams=NgramTable.from_features({"w:viagra": 2.0}, intent), bias=-1.0,
                 layers=[(np.zeros((n, 2)), np.zeros(2)), (np.zeros((2, 1)), np.zeros(1))],
                 mean=np.zeros(n), scale=np.ones(n))


def scores(model: Model, text: str):
    units = segment(text)
    views = view_units(text, units)
    return units, views, model.ngrams.score(views, model.bias)


def test_topic_features_are_words_and_url_parts_not_pairs() -> None:
    assert is_topic_feature("w:viagra") and is_topic_feature("p:cheap") and is_topic_feature("t:com")
    assert not is_topic_feature("b:buy viagra") and not is_topic_feature("q:buy viagra")


def test_intent_is_the_largest_intent_weight_and_is_not_diluted_by_a_long_sentence() -> None:
    text = ("The council met on Tuesday to talk about the new bridge and the roads around the town centre. "
            "Overall this has to do viagra in italy a lot with this and many other ordinary words besides.")
    units, views, (content, peak, intent) = scores(model_with({"w:viagra": 5.0, "w:council": -3.0}), text)
    assert list(intent) == [0.0, 5.0]
    X = dense_features(units, views, content, text, peak, intent=intent)
    col = {name: i for i, name in enumerate(DENSE_NAMES)}
    assert X[1, col["intent"]] == 5.0 and X[0, col["intent_max_near"]] == 5.0
    assert 0.0 < X[1, col["intent_offtopic"]] <= 5.0


def test_url_parts_carry_intent_too() -> None:
    text = "See [this page](http://shop.example.com/pills/cheap) for more."
    _, views, (_, _, intent) = scores(model_with({"p:pills": 1.5}), text)
    assert max(intent) == 1.5
    assert intent[[i for i, v in enumerate(views) if v.url][0]] == 1.5


def test_a_model_without_intent_weights_leaves_the_intent_at_zero() -> None:
    _, _, (_, _, intent) = scores(model_with({}), "Buy cheap viagra online now. The council met on Tuesday.")
    assert not intent.any()


def test_intent_weights_survive_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    model_with({"w:viagra": 5.0, "p:pills": 1.5, "w:council": -1.0}).save(path)
    loaded = Model.load(path)
    table = loaded.ngrams
    assert table.intent[table.vocab["viagra"]] == 5.0
    assert table.intent_other == {"p:pills": 1.5}
    assert table.intent[table.vocab.get("council", 0)] == 0.0  # only selling (positive) weights are kept
