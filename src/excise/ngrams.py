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

from collections.abc import Iterable, Sequence
from itertools import pairwise, repeat
from typing import Any

import numpy as np

from .bounds import DocBounds
from .features import DocWords, PlainTextView, UnitView, url_features, word_table

__all__ = ["NgramTable"]

_SHIFT = 32


class NgramTable:
    """Word, bigram and URL-part weights of a content model (unknown features weigh 0).

    ``words`` lists the vocabulary (id ``i + 1`` is ``words[i]``; id 0 is any
    unknown word), ``unigram[id]`` its weight, ``bigram_keys`` the sorted
    ``id1 << 32 | id2`` keys with ``bigram_weights``, and ``other`` the URL-part
    features by their strings.

    The table also carries the *intent* model, a second linear model over words
    and URL parts only (no bigrams), trained without the hard negatives so that
    drug, casino and loan words count as selling wherever they stand:
    ``intent[id]`` per word and ``intent_other`` for URL parts (positive weights only).
    """

    __slots__ = ("_word_table", "bigram_keys", "bigram_weights", "intent", "intent_other", "other", "unigram", "vocab",
                 "words")

    def __init__(self, words: list[str], unigram: np.ndarray, bigram_keys: np.ndarray,
                 bigram_weights: np.ndarray, other: dict[str, float], intent: np.ndarray | None = None,
                 intent_other: dict[str, float] | None = None) -> None:
        self.words = words
        self.vocab = {w: i for i, w in enumerate(words, 1)}
        self.unigram = np.asarray(unigram, dtype=np.float64)
        self.bigram_keys = np.asarray(bigram_keys, dtype=np.int64)
        self.bigram_weights = np.asarray(bigram_weights, dtype=np.float64)
        self.other = other
        self.intent = np.zeros(len(self.unigram)) if intent is None else np.asarray(intent, dtype=np.float64)
        self.intent_other = intent_other or {}
        self._word_table: Any = None
        if (len(self.unigram) != len(words) + 1 or len(self.intent) != len(self.unigram)
                or len(self.bigram_keys) != len(self.bigram_weights)):
            raise ValueError("inconsistent n-gram table: array lengths do not match the vocabulary")

    def __getstate__(self) -> dict[str, Any]:
        # the compiled table is built again where it is needed
        return {name: getattr(self, name) for name in self.__slots__ if name != "_word_table"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._word_table = None

    def word_table(self) -> Any:
        """The vocabulary compiled for ``features.batch_views`` (built on first use); None without the extension."""
        if self._word_table is None:
            self._word_table = word_table(self.words, self.bigram_keys, self.bigram_weights)
        return self._word_table

    @classmethod
    def from_features(cls, content: dict[str, float], intent: dict[str, float] | None = None,
                      extra_words: Iterable[str] = ()) -> NgramTable:
        """The table of a content model (and intent model) given as feature string → weight; ``extra_words``
        join the vocabulary with weight 0 (words that other evidence, the topic vectors, looks up by id)."""
        intent = {k: v for k, v in (intent or {}).items() if v > 0}
        vocab: dict[str, int] = {}
        weights: dict[str, float] = {}
        bigrams: list[tuple[str, str, float]] = []
        other: dict[str, float] = {}
        for key, weight in content.items():
            prefix, rest = key[:2], key[2:]
            if prefix == "w:":
                weights[rest] = weight
                vocab.setdefault(rest, len(vocab) + 1)
            elif prefix == "b:":
                first, _, second = rest.partition(" ")
                bigrams.append((first, second, weight))
            else:
                other[key] = weight
        for first, second, _ in bigrams:
            vocab.setdefault(first, len(vocab) + 1)
            vocab.setdefault(second, len(vocab) + 1)
        intent_words = {k[2:]: v for k, v in intent.items() if k.startswith("w:")}
        for word in intent_words:
            vocab.setdefault(word, len(vocab) + 1)
        for word in extra_words:
            vocab.setdefault(word, len(vocab) + 1)
        words = list(vocab)
        unigram = np.array([0.0] + [weights.get(w, 0.0) for w in words])
        intent_unigram = np.array([0.0] + [intent_words.get(w, 0.0) for w in words])
        keys = np.array([(vocab[a] << _SHIFT) | vocab[b] for a, b, _ in bigrams], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        return cls(words, unigram, keys[order], np.array([w for _, _, w in bigrams])[order], other,
                   intent_unigram, {k: v for k, v in intent.items() if not k.startswith("w:")})

    def features(self) -> dict[str, float]:
        """The table back as feature string → weight (for inspection; slow)."""
        out = {"w:" + w: float(v) for w, v in zip(self.words, self.unigram[1:].tolist()) if v != 0.0}
        for key, weight in zip(self.bigram_keys.tolist(), self.bigram_weights.tolist()):
            out["b:" + self.words[(key >> _SHIFT) - 1] + " " + self.words[(key & 0xFFFFFFFF) - 1]] = weight
        out.update(self.other)
        return out

    def _lookup(self, words: DocWords) -> tuple[np.ndarray, np.ndarray]:
        """Each word's vocabulary id, and the weight of the bigram it starts (0 where the next word is in
        another unit or the pair has no weight)."""
        lens, ends = words.lens, words.ends
        total = len(words.index)
        ids = words.of_distinct(map(self.vocab.get, words.distinct, repeat(0)), np.int64)
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
        return ids, pair_w

    def __len__(self) -> int:
        """Number of features with a weight."""
        return int(np.count_nonzero(self.unigram)) + len(self.bigram_keys) + len(self.other)

    def score(self, views: Sequence[UnitView | PlainTextView], bias: float, words: DocWords | None = None,
              docs: DocBounds | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Content log-odds of each unit, its largest single feature weight, and its intent.

        The log-odds is ``bias + sum(weights) / sqrt(number of features)``, the
        largest weight counts unknown features as 0; a unit without features
        gets ``bias`` and 0. The intent is the largest intent weight among the
        unit's words and URL parts (0 without any): a maximum, so that one drug
        name in a long fluent sentence is not diluted away.

        ``views`` may be the units of several documents laid end to end, as ``docs``
        says (default: one document); each document's scores are the same as alone.
        """
        n = len(views)
        if words is None:
            words = DocWords(views)
        if docs is None:
            docs = DocBounds.single(n)
        lens, starts, ends = words.lens, words.starts, words.ends
        if words.ids is not None:
            # the compiled reader looked up each word and the bigram it starts
            if words.table is not self._word_table:
                raise ValueError("these words were looked up in the table of another model")
            ids, pair_w = words.ids, words.pairs
        else:
            ids, pair_w = self._lookup(words)
        token_w = self.unigram[ids]
        sums = _unit_sums(token_w + pair_w, starts, ends, docs)
        counts = (2 * lens - (lens > 0)).astype(np.float64)
        # the largest weight, never below 0 (what the context model sees)
        peak = np.zeros(n)
        intent = np.zeros(n)
        filled = lens > 0
        if filled.any():
            peak[filled] = np.maximum.reduceat(np.maximum(token_w, pair_w), starts[filled])
            intent[filled] = np.maximum.reduceat(self.intent[ids], starts[filled])
        for i, v in enumerate(views):
            if v.url:
                parts = url_features(v)
                extra = [self.other.get(f, 0.0) for f in parts]  # never empty: a URL has a top-level domain
                sums[i] += sum(extra)
                counts[i] += len(extra)
                peak[i] = max(peak[i], *extra)
                intent[i] = max(intent[i], *(self.intent_other.get(f, 0.0) for f in parts))
        np.maximum(peak, 0.0, out=peak)
        out = np.full(n, bias)
        has = counts > 0
        out[has] = bias + sums[has] / np.sqrt(counts[has])
        return out, peak, intent



def _unit_sums(values: np.ndarray, starts: np.ndarray, ends: np.ndarray, docs: DocBounds) -> np.ndarray:
    """Per unit, the sum of ``values[starts[i]:ends[i]]`` (one value per word), as a difference of running sums.

    The running sum starts afresh at each document, so that a unit's sum is rounded
    exactly as in its document alone, whatever came before it in the batch: one
    running sum per document, each written after a 0 of its own.
    """
    # each document's words, and so its running sum, from word_bounds[d] to word_bounds[d + 1]
    word_bounds = np.concatenate(([0], ends))[docs.bounds].tolist()
    cum = np.zeros(len(values) + len(docs))
    for d, (a, b) in enumerate(pairwise(word_bounds)):
        np.cumsum(values[a:b], out=cum[a + d + 1 : b + d + 1])
    # word w of document d has its running sum at cum[w + d + 1], the 0 before document d at cum[a + d]
    return cum[ends + docs.doc] - cum[starts + docs.doc]
