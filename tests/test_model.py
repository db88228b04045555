"""The model file: round trip, and clear errors for files that are not a model this excise can use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from excise import Excisor
from excise.errors import ModelError
from excise.model import FORMAT_VERSION, Model, default_model_path

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
