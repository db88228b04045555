"""The whole-document pre-screen: most clean documents never reach the unit pipeline.

Segmenting a document and scoring every unit in context costs far more than
reading it once. The screen reads it once: folded, encoded as UTF-8, ASCII
punctuation blanked and split on ASCII whitespace (bytes methods, which run
in C at several hundred MB/s; no regular expression), each word weighed by a
weight learned for this screen alone, and the most spam-like window of
consecutive words kept. Only spam-leaning words carry a weight; every other word
counts as the floor, so a window needs several spam-leaning words close together
to score high.

The weights are fitted in training (``excise.training.train.fit_screen``) as a
logistic regression over windows: windows inside injected spam against the
highest-scoring windows of clean text, re-mined with each round's weights.

The threshold is calibrated in training against the full model's own
decisions: it lets through 99.5 % of the training documents in which the full
pipeline finds injected spam (and every document the screen cannot read
reliably: spaced-out or digit-for-letter obfuscation). A document below it is
one the full pipeline would almost surely have left alone.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from itertools import repeat

import numpy as np

from .compiled import pure_python
from .normalize import fold

try:  # the compiled inner loop (src/excise/_screen.c); the Python below is its reference
    from ._screen import Table as _Table
except ImportError:  # pragma: no cover - an install without a C compiler
    _Table = None

__all__ = ["FLOOR", "WINDOW", "Screen", "screen_words"]

WINDOW = 12  # words
FLOOR = -0.1  # weight of a word the screen does not count as spam-leaning

# ASCII punctuation (but the apostrophe) becomes a space; in UTF-8 an ASCII byte is always a character
# of its own, so blanking bytes never touches a multi-byte letter
_BLANK = bytes.maketrans(b"".join(c.encode() for c in string.punctuation if c != "'"),
                         b" " * (len(string.punctuation) - 1))
# obfuscation the screen's plain words cannot see: a digit for a letter ("c1al1s", "v1agra") or
# letters spaced out ("v i a g r a", "v.i.a.g.r.a": four single-letter words in a row once
# punctuation is blanked); such documents always pass. The digit pattern starts with the digit,
# so the regular-expression engine skips ahead fast to the few digits of a text.
_LEET = re.compile(rb"[013457](?<=[a-z][013457])[013457]*[a-z]{2}")
_SPACED_LETTERS = 4


def screen_words(text: str) -> list[str]:
    """The words the screen reads: ``text`` folded, ASCII punctuation blanked, split on ASCII whitespace."""
    return [w.decode() for w in _words_of(fold(text).encode())]


def _words_of(folded: bytes) -> list[bytes]:
    return folded.translate(_BLANK).split()


def _obfuscated(folded: bytes, words: list[bytes]) -> bool:
    """Whether the folded text hides words from the screen: leet digits or spaced-out single letters."""
    if _LEET.search(folded):
        return True
    run = 0
    for w in words:
        if len(w) == 1 and 97 <= w[0] <= 122:
            run += 1
            if run == _SPACED_LETTERS:
                return True
        else:
            run = 0
    return False


class Screen:
    """A window-of-words pre-screen with a calibrated threshold (``None``: everything passes).

    ``word_weights`` holds the spam-leaning words; every other word weighs ``floor``.
    """

    __slots__ = ("_encoded", "_table", "floor", "threshold", "weights")

    def __init__(self, word_weights: Mapping[str, float], threshold: float | None, floor: float = FLOOR,
                 *, compiled: bool | None = None) -> None:
        self.weights = {w: v for w, v in word_weights.items() if v > floor}
        self._encoded = {w.encode(): v for w, v in self.weights.items()}
        self.threshold = threshold
        self.floor = floor
        if compiled is None:
            compiled = _Table is not None and not pure_python()
        elif compiled and _Table is None:
            raise RuntimeError("the compiled pre-screen (excise._screen) is not built; reinstall excise with a C compiler")
        self._table = _Table(self._encoded, floor, WINDOW, _SPACED_LETTERS) if compiled else None

    def score(self, text: str) -> float:
        """The largest sum of word weights over ``WINDOW`` consecutive words."""
        return self._scan(fold(text).encode())[0]

    def passes(self, text: str) -> bool:
        """Whether ``text`` needs the full pipeline: its best window reaches the threshold, or it is obfuscated."""
        if self.threshold is None:
            return True
        best, obfuscated = self._scan(fold(text).encode())
        return best >= self.threshold or obfuscated

    def _scan(self, folded: bytes) -> tuple[float, bool]:
        """(best window score, obfuscated) of folded UTF-8 text; the compiled loop when it is built."""
        if self._table is not None:
            best, obfuscated, _ = self._table.scan(folded)
            return best, obfuscated
        words = _words_of(folded)
        return self._score(words), _obfuscated(folded, words)

    def _score(self, words: list[bytes]) -> float:
        if not words:
            return -1e9
        w = np.fromiter(map(self._encoded.get, words, repeat(self.floor)), dtype=np.float64, count=len(words))
        # running sums, taken in order (the compiled loop adds the same way, so both give the same bits)
        c = np.cumsum(w)
        if len(w) <= WINDOW:
            return float(c[-1])
        return float(max(c[WINDOW - 1], (c[WINDOW:] - c[:-WINDOW]).max()))
