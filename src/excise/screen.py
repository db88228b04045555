"""The whole-document pre-screen: most clean documents never reach the unit pipeline.

Segmenting a document and scoring every unit in context costs far more than
reading it once. The screen reads it once: folded, punctuation blanked, split
on whitespace (string methods, no regular expression), each word weighed by a
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

from .normalize import fold

__all__ = ["FLOOR", "WINDOW", "Screen", "screen_words"]

WINDOW = 12  # words
FLOOR = -0.1  # weight of a word the screen does not count as spam-leaning

_BLANK = str.maketrans({c: " " for c in string.punctuation if c != "'"})
# obfuscation the screen's plain words cannot see: letters spaced out ("v i a g r a") or a digit for a
# letter ("c1al1s"); such documents always pass. The pattern starts with the separator or digit that
# every match holds, so the regular-expression engine skips ahead fast (see excise.segment).
_OBFUSCATED = re.compile(
    r"[ .\-_*013457](?:(?<=\b[a-z][ .\-_*])[a-z][ .\-_*][a-z][ .\-_*][a-z]\b|(?<=[a-z][013457])[013457]*[a-z]{2})"
)


def screen_words(text: str) -> list[str]:
    """The words the screen reads: ``text`` folded, punctuation blanked, split on whitespace."""
    return _words_of(fold(text))


def _words_of(folded: str) -> list[str]:
    return folded.translate(_BLANK).split()


class Screen:
    """A window-of-words pre-screen with a calibrated threshold (``None``: everything passes).

    ``word_weights`` holds the spam-leaning words; every other word weighs ``floor``.
    """

    __slots__ = ("floor", "threshold", "weights")

    def __init__(self, word_weights: Mapping[str, float], threshold: float | None, floor: float = FLOOR) -> None:
        self.weights = {w: v for w, v in word_weights.items() if v > floor}
        self.threshold = threshold
        self.floor = floor

    def score(self, text: str) -> float:
        """The largest sum of word weights over ``WINDOW`` consecutive words."""
        return self._score(_words_of(fold(text)))

    def _score(self, words: list[str]) -> float:
        if not words:
            return -1e9
        w = np.fromiter(map(self.weights.get, words, repeat(self.floor)), dtype=np.float64, count=len(words))
        if len(w) <= WINDOW:
            best = float(w.sum())
        else:
            c = np.cumsum(w)
            best = float(max(c[WINDOW - 1], (c[WINDOW:] - c[:-WINDOW]).max()))
        return best

    def passes(self, text: str) -> bool:
        """Whether ``text`` needs the full pipeline: its best window reaches the threshold, or it is obfuscated."""
        if self.threshold is None:
            return True
        folded = fold(text)
        return self._score(_words_of(folded)) >= self.threshold or _OBFUSCATED.search(folded) is not None
