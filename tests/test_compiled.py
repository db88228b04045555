"""The optional C extensions as a whole: built where CI requires them, and switched off by EXCISE_PURE_PYTHON.

Each extension's own tests (test_segment_compiled, test_words_compiled, test_shape_compiled, test_screen,
test_topics)
hold it to its Python reference; these hold the mechanism that chooses between the two (excise.compiled).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys

import pytest

from excise.compiled import extension, pure_python

EXTENSIONS = ("_segment", "_words", "_shape", "_screen", "_topics")

# what each user of an extension holds when it runs the Python reference instead (printed as True / False)
PROBE = """
import excise.features as f, excise.segment as s, excise.topics as t
from excise import Excisor
model = Excisor().model
print(s._COMPILED is None, f.COMPILED_WORDS is None, model.ngrams.word_table() is None,
      f._COMPILED_SHAPE is None, model.screen._table is None, t._COMPILED is None)
"""


@pytest.mark.parametrize("name", EXTENSIONS)
def test_each_extension_is_built_where_it_is_required(name: str) -> None:
    if os.environ.get("EXCISE_REQUIRE_EXTENSION") != "1":
        pytest.skip("EXCISE_REQUIRE_EXTENSION is not 1: an install without the extensions is allowed")
    importlib.import_module(f"excise.{name}")  # importing it is the test
    if not pure_python():
        assert extension(name) is not None


@pytest.mark.parametrize(("value", "pure"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_excise_pure_python_switches_every_extension_off(value: str, pure: bool) -> None:
    built = [importlib.util.find_spec(f"excise.{name}") is not None for name in EXTENSIONS]
    # segment, words (module and model table), shape, screen, topics
    expected = [pure or not b for b in (built[0], built[1], built[1], built[2], built[3], built[4])]
    env = {**os.environ, "EXCISE_PURE_PYTHON": value}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(x) for x in expected]


def test_extension_is_none_when_switched_off_or_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert extension("_no_such_module") is None
    monkeypatch.setenv("EXCISE_PURE_PYTHON", "1")
    assert pure_python() and extension("_segment") is None
    monkeypatch.setenv("EXCISE_PURE_PYTHON", "0")
    assert not pure_python()
