"""The two-state Viterbi decoder: unit probabilities → runs of injected units."""

from __future__ import annotations

import numpy as np
import pytest

from excise.decode import entry_costs, viterbi_runs


def runs(proba: list[float], has_words: list[bool] | None = None, threshold: float = 0.5,
         switch_cost: float = 2.0) -> list[tuple[int, int]]:
    words = np.ones(len(proba), dtype=bool) if has_words is None else np.array(has_words, dtype=bool)
    return viterbi_runs(np.array(proba, dtype=np.float64), words, threshold, switch_cost)


def covered(found: list[tuple[int, int]]) -> set[int]:
    return {i for a, b in found for i in range(a, b)}


def check_runs(found: list[tuple[int, int]], n: int, has_words: np.ndarray) -> None:
    """Runs are non-empty, sorted, disjoint, in range, and start and end on units with words."""
    prev_end = 0
    for a, b in found:
        assert 0 <= a < b <= n
        assert a >= prev_end
        assert has_words[a] and has_words[b - 1]
        prev_end = b


@pytest.mark.parametrize(
    ("proba", "expected"),
    [
        ([], []),
        ([0.1, 0.1, 0.1], []),
        ([0.5, 0.5, 0.5], []),  # exactly at the threshold: no evidence either way
        ([0.1, 0.1, 0.6, 0.1, 0.1], []),  # a single weak hit is not cut
        ([0.1, 0.8, 0.1], []),  # log-odds 1.39 < switch cost 2: still too weak alone
        ([0.1, 0.99, 0.1], [(1, 2)]),  # log-odds 4.6 > switch cost 2: a strong isolated unit is cut
        ([0.1, 0.9, 0.9, 0.9, 0.1], [(1, 4)]),  # a strong run is cut
        ([0.7, 0.7, 0.7, 0.7, 0.7], [(0, 5)]),  # weak units add up over a run
        ([0.1, 0.95, 0.4, 0.95, 0.1], [(1, 4)]),  # a weak dip inside a run does not split it
        ([0.95, 0.95, 0.01, 0.01, 0.01, 0.95, 0.95], [(0, 2), (5, 7)]),  # a clean stretch does
        ([0.99, 0.99, 0.1], [(0, 2)]),  # a run at the start of the document
        ([0.1, 0.99, 0.99], [(1, 3)]),  # a run at the end of the document
    ],
)
def test_decoded_runs(proba: list[float], expected: list[tuple[int, int]]) -> None:
    assert runs(proba) == expected


def test_wordless_units_inside_a_run_do_not_split_it() -> None:
    proba = [0.1, 0.95, 0.0, 0.95, 0.1]
    assert runs(proba, [True, True, False, True, True]) == [(1, 4)]
    # the same unit with words is strong clean evidence and does split the run
    assert runs(proba) == [(1, 2), (3, 4)]


def test_wordless_units_do_not_start_or_end_a_run() -> None:
    proba = [0.1, 0.99, 0.95, 0.95, 0.99, 0.99, 0.1]
    has_words = [True, False, True, True, False, False, True]
    assert runs(proba, has_words) == [(2, 4)]


def test_wordless_units_alone_are_never_cut() -> None:
    assert runs([0.99, 0.99, 0.99], [False, False, False]) == []
    assert runs([0.1, 0.99, 0.1], [True, False, True], switch_cost=0.0) == []


def test_switch_cost_sets_how_strong_an_isolated_unit_must_be() -> None:
    # isolated hits of log-odds 1.7, 3.5 and 6.9, separated by clean units
    proba = [0.1, 0.85, 0.1, 0.1, 0.97, 0.1, 0.1, 0.999, 0.1]
    assert runs(proba, switch_cost=0.0) == [(1, 2), (4, 5), (7, 8)]
    assert runs(proba, switch_cost=2.0) == [(4, 5), (7, 8)]
    assert runs(proba, switch_cost=5.0) == [(7, 8)]
    assert runs(proba, switch_cost=10.0) == []


def test_a_higher_switch_cost_bridges_gaps() -> None:
    proba = [0.1, 0.99, 0.99, 0.2, 0.99, 0.99, 0.1]
    assert runs(proba, switch_cost=0.5) == [(1, 3), (4, 6)]
    assert runs(proba, switch_cost=3.0) == [(1, 6)]


def test_threshold_moves_cuts_in_the_expected_direction() -> None:
    proba = [0.2, 0.45, 0.7, 0.75, 0.7, 0.45, 0.2]
    assert runs(proba, threshold=0.15) == [(0, 7)]
    assert runs(proba, threshold=0.3) == [(1, 6)]
    assert runs(proba, threshold=0.5) == [(2, 5)]
    assert runs(proba, threshold=0.8) == []


@pytest.mark.parametrize("seed", range(40))
def test_threshold_and_switch_cost_are_monotone(seed: int) -> None:
    # continuous random probabilities: ties, where any choice is optimal, have probability zero
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    proba = rng.beta(0.6, 0.6, size=n)
    words = np.ones(n, dtype=bool)
    thresholds = np.sort(rng.uniform(0.05, 0.95, size=4))
    costs = np.sort(rng.uniform(0.0, 8.0, size=4))
    sc = float(costs[0])
    # a higher threshold never cuts a unit that a lower one kept
    by_threshold = [viterbi_runs(proba, words, float(t), sc) for t in thresholds]
    for found in by_threshold:
        check_runs(found, n, words)
    for lower, higher in zip(by_threshold, by_threshold[1:]):
        assert covered(higher) <= covered(lower)
    # a higher switch cost never opens more runs
    by_cost = [viterbi_runs(proba, words, 0.5, float(c)) for c in costs]
    for found in by_cost:
        check_runs(found, n, words)
    for cheaper, dearer in zip(by_cost, by_cost[1:]):
        assert len(dearer) <= len(cheaper)


@pytest.mark.parametrize("seed", range(20))
def test_runs_are_well_formed_with_wordless_units(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(1, 80))
    proba = rng.uniform(0.0, 1.0, size=n)
    words = rng.uniform(size=n) < 0.7
    for threshold, cost in [(0.5, 0.0), (0.5, 2.0), (0.2, 1.0), (0.9, 4.0)]:
        found = viterbi_runs(proba, words, threshold, cost)
        check_runs(found, n, words)
        # one cost for every unit is the scalar switch cost
        assert viterbi_runs(proba, words, threshold, np.full(n, cost)) == found


def test_probabilities_of_exactly_zero_and_one_are_handled() -> None:
    assert runs([0.0, 1.0, 1.0, 0.0]) == [(1, 3)]
    assert runs([1.0] * 3) == [(0, 3)]
    assert runs([0.0] * 3) == []


# --------------------------------------------------------------------------- where a run opens

def test_entry_costs_follow_paragraphs_and_lines() -> None:
    # units:     0  1  2  3  4  5  6
    # units:          0  1  2  3  4  5  6  7
    paras = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    lines = np.array([0, 0, 1, 3, 3, 4, 6, 6])
    links = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    costs = entry_costs(paras, lines, links, within=4.0, link=3.0, line=5.0, paragraph=2.5)
    # the document's first unit costs the ordinary cost, every later paragraph's first unit less;
    # a link inside a line (4, 7) is cheaper; a link that starts a line or paragraph (5, 6) costs what they do
    assert costs.tolist() == [4.0, 4.0, 5.0, 2.5, 3.0, 5.0, 2.5, 3.0]
    empty = np.zeros(0, dtype=np.int64)
    assert entry_costs(empty, empty, empty.astype(bool), within=4.0, link=3.0, line=5.0, paragraph=2.5).shape == (0,)


def test_a_unit_that_opens_a_paragraph_needs_less_evidence() -> None:
    # log-odds 3.2: not enough to open a run inside a paragraph (4), enough at its start (2.5)
    proba = [0.1, 0.1, 0.96, 0.1]
    inside = np.array([2.5, 4.0, 4.0, 4.0])
    at_start = np.array([2.5, 4.0, 2.5, 4.0])
    at_line = np.array([2.5, 4.0, 5.0, 4.0])
    words = np.ones(4, dtype=bool)
    assert viterbi_runs(np.array(proba), words, 0.5, inside) == []
    assert viterbi_runs(np.array(proba), words, 0.5, at_start) == [(2, 3)]
    assert viterbi_runs(np.array(proba), words, 0.5, at_line) == []


def test_only_the_cost_where_a_run_opens_counts() -> None:
    # a run opened at a paragraph start may go on across dearer boundaries at no extra cost
    proba = np.array([0.1, 0.9, 0.9, 0.9, 0.1])
    words = np.ones(5, dtype=bool)
    costs = np.array([2.5, 2.5, 9.0, 9.0, 9.0])
    assert viterbi_runs(proba, words, 0.5, costs) == [(1, 4)]
    # the same units with the dear boundary where the run would have to open: nothing
    assert viterbi_runs(proba, words, 0.5, np.full(5, 9.0)) == []


def _path_score(states: list[int], evidence: np.ndarray, costs: np.ndarray) -> float:
    """Evidence of the spam units minus the entry cost of every run the state sequence opens."""
    score, prev = 0.0, 0
    for i, state in enumerate(states):
        if state:
            score += evidence[i] - (costs[i] if not prev else 0.0)
        prev = state
    return score


@pytest.mark.parametrize("seed", range(30))
def test_per_unit_costs_give_the_best_path(seed: int) -> None:
    # against brute force over every clean/spam labelling of a short sequence
    rng = np.random.default_rng(3000 + seed)
    n = int(rng.integers(1, 11))
    proba = rng.beta(0.6, 0.6, size=n)
    words = np.ones(n, dtype=bool)
    costs = rng.choice([2.5, 4.0, 5.0], size=n)
    p = np.clip(proba, 1e-6, 1 - 1e-6)
    evidence = np.log(p / (1 - p))
    best = max(_path_score([(k >> i) & 1 for i in range(n)], evidence, costs) for k in range(2 ** n))
    found = viterbi_runs(proba, words, 0.5, costs)
    check_runs(found, n, words)
    states = [int(any(a <= i < b for a, b in found)) for i in range(n)]
    assert _path_score(states, evidence, costs) == pytest.approx(best, abs=1e-9)
