"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from excise import Excisor
from excise.bounds import DocBounds

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; the test is skipped when it is not there."""
    path = REPO / ".." / "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path.resolve()}: check out 'shared' beside the repository")
    return path


@pytest.fixture(scope="session")
def excisor() -> Excisor:
    """One engine with the shipped model, loaded once for the whole session."""
    engine = Excisor()
    engine.model  # noqa: B018 - load now, so that the first test does not pay for it
    return engine


ShapeFeatures = Callable[[Sequence[str], np.ndarray, np.ndarray, DocBounds], np.ndarray]


@pytest.fixture(scope="session")
def compiled_shape() -> ShapeFeatures:
    """The C shape features ``excise._shape``, called as ``batch_shape_features_python`` is; skipped when it
    was not built.

    With ``EXCISE_REQUIRE_EXTENSION=1`` (as CI sets it) a missing extension fails instead.
    """
    try:
        from excise._shape import shape_features  # optional: the install may lack it
    except ImportError as exc:
        if os.environ.get("EXCISE_REQUIRE_EXTENSION") == "1":
            pytest.fail(f"EXCISE_REQUIRE_EXTENSION=1 but excise._shape did not build or load: {exc}")
        pytest.skip(f"excise._shape is not built ({exc}): only the Python shape features are tested")

    def compiled(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, docs: DocBounds) -> np.ndarray:
        out = np.empty((len(starts), 4))
        shape_features(texts, np.ascontiguousarray(starts, dtype=np.int64), np.ascontiguousarray(ends, dtype=np.int64),
                       np.ascontiguousarray(docs.doc, dtype=np.int64), out)
        return out

    return compiled
