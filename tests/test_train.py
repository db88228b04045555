"""A tiny training run: the recipe works end to end and its model loads and scans."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from excise import Excisor
from excise.model import Model


def test_tiny_training_run_writes_a_loadable_model(shared_data: Path, tmp_path: Path) -> None:
    from excise.training.train import main

    out = tmp_path / "tiny.npz"
    args = argparse.Namespace(data=str(shared_data), out=str(out), seed=3, tiny=True, exclude_family=["gambling"])
    assert main(args) == 0
    model = Model.load(out)
    assert model.meta["excluded_families"] == ["gambling"]
    assert len(model.ngrams) > 1000
    assert len(model.screen_weights) > 50 and model.meta["screen_floor"] < 0
    text = "The council met on Tuesday.\n\nBuy cheap viagra online http://pills.example/buy-viagra now."
    result = Excisor(out).scan(text)
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)


def test_training_is_deterministic_for_a_seed(shared_data: Path) -> None:
    from excise.training.train import build_training_docs

    a = build_training_docs(shared_data, seed=5, n_docs=40)
    b = build_training_docs(shared_data, seed=5, n_docs=40)
    assert [(d.text, d.spans) for d in a] == [(d.text, d.spans) for d in b]
    assert any(d.spans for d in a)
    for d in a:
        for start, end in d.spans:
            assert 0 <= start < end <= len(d.text)


def test_spun_style_works_selling_phrases_into_fluent_sentences(shared_data: Path) -> None:
    """The "spun" style: fluent sentences each carrying a selling phrase, with exact spans."""
    import re

    from excise.training.synth import _INTENT
    from excise.training.train import build_training_docs

    docs = build_training_docs(shared_data, seed=7, n_docs=200)
    spun = [d for d in docs if d.style == "spun"]
    assert spun
    for d in spun:
        for start, end in d.spans:
            assert 0 <= start < end <= len(d.text)
            piece = d.text[start:end]
            assert _INTENT.search(piece), piece
            assert len(re.findall(r"[A-Za-z]+", piece)) >= 5


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_averaged_networks_give_the_mean_logit_of_their_members() -> None:
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    from excise.training.train import _averaged

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] * X[:, 2] > 0).astype(int)
    nets = [MLPClassifier(hidden_layer_sizes=(8,), max_iter=200, random_state=k).fit(X, y) for k in range(3)]

    def logit(layers: list) -> np.ndarray:
        (w1, b1), (w2, b2) = layers
        return (np.maximum(X @ w1 + b1, 0.0) @ w2 + b2).ravel()

    merged = _averaged(nets)
    members = np.mean([logit(list(zip(n.coefs_, n.intercepts_))) for n in nets], axis=0)
    np.testing.assert_allclose(logit(merged), members, rtol=1e-10, atol=1e-10)
    assert merged[0][0].shape == (5, 24)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_single_network_of_any_depth_is_kept_as_it_is() -> None:
    import numpy as np
    from sklearn.neural_network import MLPClassifier

    from excise.training.train import _averaged

    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 4))
    net = MLPClassifier(hidden_layer_sizes=(6, 3), max_iter=50, random_state=0).fit(X, X[:, 0] > 0)
    layers = _averaged([net])
    assert [w.shape for w, _ in layers] == [(4, 6), (6, 3), (3, 1)]
    with pytest.raises(ValueError, match="ensemble=1"):
        _averaged([net, net])


def test_cross_fit_folds_by_family_keep_each_family_in_one_fold() -> None:
    from excise.training.synth import Doc
    from excise.training.train import cross_fit_folds

    docs = [Doc(f"d{i}", "text", [(0, 4)] if fam else [], family=fam)
            for i, fam in enumerate(["loans"] * 6 + ["adult"] * 5 + ["pharma"] * 2 + [""] * 40)]
    by_family = cross_fit_folds(docs, seed=0, by_family=True)
    for fam in ("loans", "adult", "pharma"):
        assert len({int(k) for d, k in zip(docs, by_family) if d.family == fam}) == 1
    # the two largest families go to different folds, the clean documents to both
    assert by_family[0] != by_family[6]
    assert set(by_family[13:].tolist()) == {0, 1}
    # at random (the default) a family is spread over both folds, and the clean documents are dealt alike
    plain = cross_fit_folds(docs, seed=0)
    assert (plain[13:] == by_family[13:]).all()
    assert len(set(plain[:6].tolist())) == 2


def test_blind_units_are_whole_documents_or_only_their_spam_units() -> None:
    import numpy as np

    from excise.training.train import blind_units

    doc_of_unit = np.repeat(np.arange(200), 3)  # 200 documents of 3 units, the middle one spam
    y = np.tile([0, 1, 0], 200)
    whole = blind_units(200, doc_of_unit, y, 0.5, False, seed=0)
    per_doc = whole.reshape(200, 3)
    assert (per_doc == per_doc[:, :1]).all()  # a document is blind as a whole
    assert 60 < per_doc[:, 0].sum() < 140
    spam = blind_units(200, doc_of_unit, y, 0.5, True, seed=0)
    assert (spam == (whole & (y == 1))).all() and not spam[y == 0].any() and spam.any()
    assert not blind_units(200, doc_of_unit, y, 0.0, False, seed=0).any()
