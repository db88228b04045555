"""The model file: round trip, and clear errors for files that are not a model this excise can use."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from excise import Excisor
from excise.bounds import DocBounds
from excise.errors import ModelError
from excise.model import _INPUT_BITS, FORMAT_VERSION, Model, _exact_product, default_model_path

TEXT = "The council met on Monday. Buy cheap viagra online at http://pills.example/buy-viagra today."


@pytest.fixture(scope="module")
def arrays() -> dict[str, np.ndarray]:
    with np.load(default_model_path(), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def write(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    np.savez(path, **arrays)
    return path


def test_save_and_load_round_trip(excisor: Excisor, tmp_path: Path) -> None:
    path = tmp_path / "copy.npz"
    excisor.model.save(path)
    copy = Model.load(path)
    assert copy.name == excisor.model.name
    assert copy.meta["format"] == FORMAT_VERSION
    np.testing.assert_allclose(Excisor(copy).unit_proba(TEXT)[3], excisor.unit_proba(TEXT)[3], atol=1e-6)
    assert Excisor(copy).scan(TEXT).spans == excisor.scan(TEXT).spans


def test_a_changed_weight_is_caught_by_the_checksum(arrays: dict[str, np.ndarray], tmp_path: Path) -> None:
    changed = dict(arrays)
    changed["unigram"] = arrays["unigram"].copy()
    changed["unigram"][1] += 1.0
    with pytest.raises(ModelError, match="checksum"):
        Model.load(write(tmp_path / "m.npz", changed))


def test_a_missing_layer_is_reported(arrays: dict[str, np.ndarray], tmp_path: Path) -> None:
    broken = {k: v for k, v in arrays.items() if k != "layer1_w"}
    with pytest.raises(ModelError, match="missing arrays"):
        Model.load(write(tmp_path / "m.npz", broken))


def test_a_missing_file_and_a_non_model_file_get_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        Model.load(tmp_path / "absent.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="cannot read"):
        Model.load(tmp_path / "junk.npz")
    with pytest.raises(ModelError, match="header"):
        Model.load(write(tmp_path / "noheader.npz", {"x": np.zeros(3)}))


def test_a_model_of_another_format_asks_for_retraining(arrays: dict[str, np.ndarray], tmp_path: Path) -> None:
    import json

    header = json.loads(arrays["header"].tobytes().decode("utf-8"))
    header["format"] = FORMAT_VERSION - 1
    old = dict(arrays)
    old["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    with pytest.raises(ModelError, match="retrain"):
        Model.load(write(tmp_path / "old.npz", old))


def _documents(sizes: list[int], seed: int) -> tuple[np.ndarray, DocBounds]:
    rng = np.random.default_rng(seed)
    model = Model.load()
    X = model.mean + model.scale * rng.normal(size=(sum(sizes), len(model.mean))) * rng.choice([0.5, 3.0],
                                                                                              size=(1, len(model.mean)))
    return X, DocBounds(np.array(sizes, dtype=np.int64))


@pytest.mark.parametrize("sizes", [[1, 5, 40, 3], [64, 1, 1, 33, 97], [7]])
def test_network_probabilities_of_a_batch_are_each_documents_own(sizes: list[int]) -> None:
    model = Model.load()
    X, docs = _documents(sizes, seed=len(sizes))
    together = model.context_proba(X, docs)
    alone = np.concatenate([model.context_proba(X[rows]) for rows in docs.slices()])
    assert together.tobytes() == alone.tobytes()


def test_a_batch_with_features_far_outside_training_is_taken_document_by_document() -> None:
    model = Model.load()
    X, docs = _documents([3, 40, 2], seed=7)
    X[41, 5] = 1e12  # no exact sum is possible for this row: the batch falls back to one product per document
    together = model.context_proba(X, docs)
    alone = np.concatenate([model.context_proba(X[rows]) for rows in docs.slices()])
    assert together.tobytes() == alone.tobytes()
    assert np.isfinite(together).all()


def test_the_networks_products_are_exact() -> None:
    """On the grids, each product equals the exactly rounded sum of its terms (math.fsum)."""
    model = Model.load()
    w, _ = model.layers[0]
    X, docs = _documents([50, 30], seed=3)
    h = np.rint((X - model.mean) / model.scale * 2.0**_INPUT_BITS)
    product = _exact_product(h, w, docs)
    for i in (0, 17, 49, 50, 79):
        for j in (0, 1, w.shape[1] - 1):
            assert product[i, j] == math.fsum(h[i] * w[:, j])
