"""The content model's n-gram weights as arrays, scored for all units of a document at once.

Training fits the content model on feature strings (``w:word``, ``b:two words``,
``p:``/``q:``/``t:``/``k:`` for URL parts; see ``features.content_features``).
Building those strings for every word of every document is what made scoring
slow, so at run time the weights live in arrays instead: a word → id table,
a unigram weight per id, and bigrams as sorted ``id1 << 32 | id2`` keys found by
binary search. One document's words go through numpy in a handful of calls.
The score is the same as summing the string features' weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np

from .features import DocWords, UnitView, url_features

__all__ = ["NgramTable"]

_SHIFT = 32


class NgramTable:
    """Word, bigram and URL-part weights of a content model (unknown features weigh 0)."""

    __slots__ = ("bigram_keys", "bigram_weights", "other", "unigram", "vocab")

    def __init__(self, content: dict[str, float]) -> None:
        vocab: dict[str, int] = {}
        bigrams: list[tuple[str, str, float]] = []
        self.other: dict[str, float] = {}
        unigram = [0.0]  # id 0: a word the model never saw
        for key, weight in content.items():
            prefix, rest = key[:2], key[2:]
            if prefix == "w:":
                if rest not in vocab:
                    vocab[rest] = len(unigram)
                    unigram.append(0.0)
                unigram[vocab[rest]] = weight
            elif prefix == "b:":
                first, _, second = rest.partition(" ")
                bigrams.append((first, second, weight))
            else:
                self.other[key] = weight
        for first, second, _ in bigrams:
            for word in (first, second):
                if word not in vocab:
                    vocab[word] = len(unigram)
                    unigram.append(0.0)
        self.vocab = vocab
        self.unigram = np.array(unigram, dtype=np.float64)
        keys = np.array([(vocab[a] << _SHIFT) | vocab[b] for a, b, _ in bigrams], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self.bigram_keys = keys[order]
        self.bigram_weights = np.array([w for _, _, w in bigrams], dtype=np.float64)[order]

    def score(self, views: Sequence[UnitView], bias: float, words: DocWords | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """Content log-odds of each unit and its largest single feature weight.

        The log-odds is ``bias + sum(weights) / sqrt(number of features)``, the
        largest weight counts unknown features as 0; a unit without features
        gets ``bias`` and 0.
        """
        n = len(views)
        if words is None:
            words = DocWords(views)
        lens, starts, ends = words.lens, words.starts, words.ends
        total = len(words.flat)
        ids = np.fromiter(map(self.vocab.get, words.flat, repeat(0)), dtype=np.int64, count=total)
        token_w = self.unigram[ids]
        # the bigram starting at each token, zero where the next token is in another unit
        pair_w = np.zeros(total)
        if total > 1 and len(self.bigram_keys):
            keys = (ids[:-1] << _SHIFT) | ids[1:]
            # searching in key order keeps the table walk cache-friendly (3x faster)
            order = np.argsort(keys)
            at = np.empty_like(order)
            at[order] = np.searchsorted(self.bigram_keys, keys[order])
            at[at == len(self.bigram_keys)] = 0
            pair_w[:-1] = np.where(self.bigram_keys[at] == keys, self.bigram_weights[at], 0.0)
            pair_w[ends[lens > 0] - 1] = 0.0
        cum = np.concatenate(([0.0], np.cumsum(token_w + pair_w)))
        sums = cum[ends] - cum[starts]
        counts = (2 * lens - (lens > 0)).astype(np.float64)
        # the largest weight, never below 0 (what the context model sees)
        peak = np.zeros(n)
        filled = lens > 0
        if filled.any():
            peak[filled] = np.maximum.reduceat(np.maximum(token_w, pair_w), starts[filled])
        for i, v in enumerate(views):
            if v.url:
                extra = [self.other.get(f, 0.0) for f in url_features(v)]
                if extra:
                    sums[i] += sum(extra)
                    counts[i] += len(extra)
                    peak[i] = max(peak[i], *extra)
        np.maximum(peak, 0.0, out=peak)
        out = np.full(n, bias)
        has = counts > 0
        out[has] = bias + sums[has] / np.sqrt(counts[has])
        return out, peak

    def __len__(self) -> int:
        return len(self.unigram) - 1 + len(self.bigram_keys) + len(self.other)

