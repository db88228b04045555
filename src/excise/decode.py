"""Sequence decoding: unit probabilities → runs of injected units.

Spam comes in contiguous runs, and a single weak hit inside a legitimate
document must not be cut. A two-state (clean/spam) Viterbi path over the units
does both: each unit adds its evidence ``log-odds(p) - log-odds(threshold)`` to
the spam state, and entering the spam state costs a number of nats, so a run is
opened only where the evidence pays for it. Units without words (punctuation,
stray symbols) carry no evidence and follow their neighbours.

What opening a run costs depends on where it opens (:func:`entry_costs`): less at
the start of a paragraph, where hacked pages most often put their text (a paragraph
of their own, or spliced in front of the page's own as in the seed), and at a link
inside a line (an injected anchor: the run starts at the link, not at the page's
words before it); more at a line break inside a paragraph (wrapped e-mail lines,
list items: lines of one text); in between at a sentence inside a line.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["entry_costs", "viterbi_runs"]


def entry_costs(paras: np.ndarray, lines: np.ndarray, links: np.ndarray, *, within: float, link: float,
                line: float, paragraph: float) -> np.ndarray:
    """What opening a run costs at each unit, from the units' paragraph and line numbers and which are links.

    ``paragraph`` at the first unit of every paragraph but the document's first,
    ``line`` at the first unit of any other line, ``link`` at a link inside a
    line, ``within`` at every other unit (a sentence or an anchor inside a line)
    and at the document's first unit: nothing of the page comes before it, and
    a short page that reads like an advertisement from its first line on (an
    e-mail passing on a link, a text message) is the commonest false cut there.
    """
    n = len(paras)
    costs = np.where(links, link, within).astype(np.float64)
    if n:
        costs[1:][lines[1:] != lines[:-1]] = line
        costs[1:][paras[1:] != paras[:-1]] = paragraph
        costs[0] = within
    return costs


def viterbi_runs(proba: np.ndarray, has_words: np.ndarray, threshold: float, switch_cost: float | np.ndarray
                 ) -> list[tuple[int, int]]:
    """Runs ``[i, j)`` of unit indices decoded as spam.

    ``switch_cost`` is what opening a run costs, in nats: one figure everywhere, or
    one per unit (:func:`entry_costs`). Closing a run costs nothing.
    """
    n = len(proba)
    if n == 0:
        return []
    p = np.clip(proba, 1e-6, 1 - 1e-6)
    evidence = np.log(p / (1 - p)) - math.log(threshold / (1 - threshold))
    evidence = np.where(has_words, evidence, 0.0)
    if not (evidence > 0).any():
        return []
    ev = evidence.tolist()
    cost = np.broadcast_to(np.asarray(switch_cost, dtype=np.float64), (n,)).tolist()
    # scores of the best path ending in clean (0) / spam (1); back-pointers as bytes
    clean, spam = 0.0, -math.inf
    back_clean = bytearray(n)
    back_spam = bytearray(n)
    for i in range(n):
        e = ev[i]
        # into clean: from clean free, from spam free (closing costs nothing extra)
        if spam > clean:
            new_clean, back_clean[i] = spam, 1
        else:
            new_clean, back_clean[i] = clean, 0
        open_cost = clean - cost[i]
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
