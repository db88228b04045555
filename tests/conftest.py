"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

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
