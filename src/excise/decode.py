"""Sequence decoding: unit probabilities → runs of injected units.

Spam comes in contiguous runs, and a single weak hit inside a legitimate
document must not be cut. A two-state (clean/spam) Viterbi path over the units
does both: each unit adds its evidence ``log-odds(p) - log-odds(threshold)`` to
the spam state, and entering the spam state costs ``switch_cost`` nats (default 4), so a
run is opened only where the evidence pays for it. Units without words
(punctuation, stray symbols) carry no evidence and follow their neighbours.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["viterbi_runs"]


def viterbi_runs(proba: np.ndarray, has_words: np.ndarray, threshold: float, switch_cost: float) -> list[tuple[int, int]]:
    """Runs ``[i, j)`` of unit indices decoded as spam."""
    n = len(proba)
    if n == 0:
        return []
    p = np.clip(proba, 1e-6, 1 - 1e-6)
    evidence = np.log(p / (1 - p)) - math.log(threshold / (1 - threshold))
    evidence = np.where(has_words, evidence, 0.0)
    if not (evidence > 0).any():
        return []
    ev = evidence.tolist()
    # scores of the best path ending in clean (0) / spam (1); back-pointers as bytes
    clean, spam = 0.0, -switch_cost
    back_clean = bytearray(n)
    back_spam = bytearray(n)
    for i in range(n):
        e = ev[i]
        # into clean: from clean free, from spam free (closing costs nothing extra)
        if spam > clean:
            new_clean, back_clean[i] = spam, 1
        else:
            new_clean, back_clean[i] = clean, 0
        open_cost = clean - switch_cost
        if spam >= open_cost:
            new_spam, back_spam[i] = spam + e, 1
        else:
            new_spam, back_spam[i] = open_cost + e, 0
        clean, spam = new_clean, new_spam
    state = 1 if spam > clean else 0
    states = bytearray(n)
    for i in range(n - 1, -1, -1):
        states[i] = state
        state = back_spam[i] if state == 1 else back_clean[i]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if states[i]:
            j = i
            while j < n and states[j]:
                j += 1
            # a run may not start or end on a unit without words
            a, b = i, j
            while a < b and not has_words[a]:
                a += 1
            while b > a and not has_words[b - 1]:
                b -= 1
            if a < b:
                runs.append((a, b))
            i = j
        else:
            i += 1
    return runs
