"""Fixtures shared by the test modules."""

from __future__ import annotations

import gc
import importlib
import os
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from excise import Excisor
from excise.bounds import DocBounds
from excise.segment import Unit

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


def compiled(name: str, what: str) -> ModuleType:
    """The C extension ``excise.<name>``; the test is skipped when it was not built.

    With ``EXCISE_REQUIRE_EXTENSION=1`` (as CI sets it) a missing extension fails instead.
    """
    try:
        return importlib.import_module(f"excise.{name}")  # optional: the install may lack it
    except ImportError as exc:
        if os.environ.get("EXCISE_REQUIRE_EXTENSION") == "1":
            pytest.fail(f"EXCISE_REQUIRE_EXTENSION=1 but excise.{name} did not build or load: {exc}")
        pytest.skip(f"excise.{name} is not built ({exc}): only the Python {what} is tested")


def traced_growth(call: Callable[[], object], times: int) -> int:
    """Bytes of traced memory that ``times`` calls of ``call`` leave behind (after garbage collection).

    A compiled extension that leaks a reference or a buffer per call shows here; warm the call up first.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(times):
            call()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="session")
def compiled_topics() -> ModuleType:
    """The compiled topic features ``excise._topics``."""
    return compiled("_topics", "topic features")


@pytest.fixture(scope="session")
def compiled_segment() -> Callable[[str], list[Unit]]:
    """The C segmenter ``excise._segment``, making Units."""
    segment = compiled("_segment", "segmenter").segment
    return lambda text: segment(text, Unit)


@pytest.fixture(scope="session")
def compiled_words() -> ModuleType:
    """The compiled word reader ``excise._words``."""
    return compiled("_words", "word reader")


ShapeFeatures = Callable[[Sequence[str], np.ndarray, np.ndarray, DocBounds], np.ndarray]


@pytest.fixture(scope="session")
def compiled_shape() -> ShapeFeatures:
    """The C shape features ``excise._shape``, called as ``batch_shape_features_python`` is."""
    shape_features = compiled("_shape", "shape features").shape_features

    def run(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, docs: DocBounds) -> np.ndarray:
        out = np.empty((len(starts), 4))
        shape_features(texts, np.ascontiguousarray(starts, dtype=np.int64), np.ascontiguousarray(ends, dtype=np.int64),
                       np.ascontiguousarray(docs.doc, dtype=np.int64), out)
        return out

    return run
