"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

from excise import Excisor

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


@pytest.fixture(scope="session")
def compiled_words() -> ModuleType:
    """The compiled word reader ``excise._words``; skipped when it was not built.

    With ``EXCISE_REQUIRE_EXTENSION=1`` (as CI sets it) a missing extension fails instead.
    """
    try:
        from excise import _words  # optional: the install may lack it
    except ImportError as exc:
        if os.environ.get("EXCISE_REQUIRE_EXTENSION") == "1":
            pytest.fail(f"EXCISE_REQUIRE_EXTENSION=1 but excise._words did not build or load: {exc}")
        pytest.skip(f"excise._words is not built ({exc}): only the Python word reader is tested")
    return _words
