"""Scanning in batches: each document comes out exactly as when it is scanned alone, whatever the batch.

The numpy stages score the units of a whole batch at once; nothing of one
document (neighbours, paragraphs, cohesion windows, reference links, link
domains, document means and medians, the rounding of its sums) may reach
another. Results, dense features and probabilities are compared exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise import Excisor
from excise.bounds import DocBounds
from excise.config import Config
from excise.features import DocWords, view_units
from excise.ngrams import NgramTable
from excise.segment import segment

from test_contract import fragment_docs, wide_text
from test_second_look import SPLICED

SPAM = "Buy cheap viagra online without prescription at http://pills.example.ru/buy-viagra-online today!"
CLEAN = ("The library reopened on Monday after a two-year renovation. Readers queued outside before the doors "
         "opened at nine. According to the council, the project came in under budget.")

DOCS = [
    "",
    " ",
    "\n\n \t\n",
    CLEAN,  # the screen lets it by
    "buy cheap viagra online without prescription",  # one unit
    "http://casino.example/free-spins",  # one unit, a bare URL
    "!",
    SPAM,
    f"{CLEAN}\n\n{SPAM}\n\n{CLEAN}",
    # reference links and their definitions, in two documents that use the same labels
    (f"{CLEAN} Read [the minutes][1] and [cheap cialis online][7].\n\n{SPAM} Get [payday loans][7] now.\n\n"
     "[1]: https://council.example/minutes\n[7]: http://pharmacy.example/cheap-cialis?p=12"),
    # starts with a definition, right after a document that ends with them: two runs of definitions
    "[3]: http://casino.example/?p=12\n[4]: http://casino.example/slots\n\nBest online casino, [free spins][3].",
    f"Our [report][7] is out.\n\n{CLEAN}\n\n[7]: https://council.example/report",
    # links of several domains, markdown and HTML
    (f'{CLEAN} See [the plan](https://council.example/plan) and <a href="http://loans.example/fast">fast cash '
     f"loans</a> or www.cheap-pills.example/buy or <http://x.example/a>.\n\n{SPAM}"),
    # non-ASCII: offsets are code points, shape features read UTF-32
    ("La biblioth\u00e8que a rouvert lundi. \u0421heap v\u0456agra \u2013 buy now \u20ac9.99!!! "
     "Call +44 20 7946 0958.\n\n\u201cQuoted words.\u201d \U0001f600 Fin."),
    "c1al1s and v.i.a.g.r.a for sale, CALL NOW 0800 123 4567, 50% OFF!",
    f"{SPAM}\n{SPAM}\n{SPAM}",
    "\u3000\u00a0",
    # a unit beside the cut is split and its pieces scored again (the second look), twice in one document
    SPLICED,
    f"{SPLICED}\n\n{SPLICED}",
]


@pytest.fixture(scope="module")
def unscreened(excisor: Excisor) -> Excisor:
    """The shipped model without the pre-screen: every document goes through the unit pipeline."""
    return Excisor(excisor.model, config=Config(screen=False))


def alone(engine: Excisor, texts: list[str]) -> list[tuple]:
    """Each text's result, scanned alone (with its length, which ``Result`` equality leaves out)."""
    return [(r, r.length) for r in (engine.scan_batch([t])[0] for t in texts)]


def batched(engine: Excisor, texts: list[str]) -> list[tuple]:
    return [(r, r.length) for r in engine.scan_batch(texts)]


@pytest.mark.parametrize("screen", [True, False])
def test_a_batch_gives_each_document_its_result_alone(excisor: Excisor, unscreened: Excisor, screen: bool) -> None:
    engine = excisor if screen else unscreened
    expected = alone(engine, DOCS)
    assert sum(bool(r.spans) for r, _ in expected) >= 5  # there is something to find
    assert batched(engine, DOCS) == expected
    assert batched(engine, DOCS[::-1]) == expected[::-1]
    assert batched(engine, DOCS * 3) == expected * 3
    assert engine.scan_batch([]) == []


def test_scan_is_a_batch_of_one(excisor: Excisor) -> None:
    for text in DOCS:
        assert excisor.scan(text) == excisor.scan_batch([text])[0]
        assert excisor.clean(text) == excisor.scan_batch([text])[0].apply(text)


def test_units_are_scored_exactly_as_alone(unscreened: Excisor) -> None:
    """Dense features and probabilities of a batch, to the last bit, against each document alone."""
    texts = [t for t in DOCS if segment(t)] * 2
    units = [segment(t) for t in texts]
    views, _, X, proba, docs = unscreened._batch_proba(texts, units)
    assert len(views) == len(X) == len(proba) == sum(map(len, units))
    for text, rows in zip(texts, docs.slices()):
        _, _, X_alone, proba_alone = unscreened.unit_proba(text)
        np.testing.assert_array_equal(X[rows], X_alone)
        np.testing.assert_array_equal(proba[rows], proba_alone)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(fragment_docs, wide_text, st.sampled_from(DOCS)), max_size=10))
def test_generated_batches_give_each_document_its_result_alone(unscreened: Excisor, texts: list[str]) -> None:
    assert batched(unscreened, texts) == alone(unscreened, texts)
    if any(segment(t) for t in texts):
        texts = [t for t in texts if segment(t)]
        _, _, X, proba, docs = unscreened._batch_proba(texts, [segment(t) for t in texts])
        for text, rows in zip(texts, docs.slices()):
            _, _, X_alone, proba_alone = unscreened.unit_proba(text)
            np.testing.assert_array_equal(X[rows], X_alone)
            np.testing.assert_array_equal(proba[rows], proba_alone)


def test_ngram_sums_round_as_in_the_document_alone() -> None:
    """Weights of very different sizes: a running sum across the whole batch would round them differently."""
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(300)]
    weights = rng.choice([-1, 1], 300) * 10.0 ** rng.uniform(-12, 3, 300)
    content = {f"w:{w}": float(v) for w, v in zip(vocab, weights)}
    content.update({f"b:{a} {b}": float(rng.normal()) for a, b in zip(vocab[::3], vocab[1::3])})
    table = NgramTable.from_features(content)
    texts = [". ".join(" ".join(rng.choice(vocab, rng.integers(1, 30))) for _ in range(rng.integers(1, 60)))
             for _ in range(12)]
    views = [view_units(t, segment(t)) for t in texts]
    flat = [v for doc in views for v in doc]
    docs = DocBounds([len(v) for v in views])
    got = table.score(flat, 0.25, DocWords(flat), docs)
    for rows, doc_views in zip(docs.slices(), views):
        for batch_scores, scores_alone in zip(got, table.score(doc_views, 0.25)):
            np.testing.assert_array_equal(batch_scores[rows], scores_alone)


# --------------------------------------------------------------------------- DocBounds


counts_lists = st.lists(st.integers(0, 40), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(counts_lists, st.integers(0, 2**32 - 1))
def test_document_sums_round_as_each_documents_own_sum(counts: list[int], seed: int) -> None:
    docs = DocBounds(counts)
    values = np.random.default_rng(seed).standard_normal(sum(counts)) * 1e3
    assert docs.sums(values).tolist() == [values[rows].sum() for rows in docs.slices()]


def test_document_sums_round_as_their_own_sums_when_long() -> None:
    # numpy sums in blocks past 8 values, and pairwise past 128: long documents must round alike too
    counts = [1, 9000, 3, 0, 20000, 129, 7]
    docs = DocBounds(counts)
    values = np.random.default_rng(7).standard_normal(sum(counts)) * np.random.default_rng(8).exponential(
        5, sum(counts))
    expected = [values[rows].sum() for rows in docs.slices()]
    assert docs.sums(values).tolist() == expected
    # a plain segmented reduction starts from each document's first value and rounds differently
    starts = docs.bounds[:-1][docs.counts > 0]
    assert np.add.reduceat(values, starts).tolist() != [e for e, k in zip(expected, counts) if k]


@settings(max_examples=200, deadline=None)
@given(counts_lists, st.integers(0, 2**32 - 1))
def test_document_medians_are_numpys(counts: list[int], seed: int) -> None:
    docs = DocBounds(counts)
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, sum(counts)) * rng.choice([1.0, 0.5], sum(counts))  # ties included
    medians = docs.medians(values)
    for d, rows in enumerate(docs.slices()):
        if docs.counts[d]:
            assert medians[d] == np.median(values[rows])


@settings(max_examples=200, deadline=None)
@given(counts_lists, st.integers(-3, 3))
def test_shifted_values_stay_in_their_document(counts: list[int], k: int) -> None:
    docs = DocBounds(counts)
    values = np.arange(sum(counts), dtype=np.float64)
    expected = []
    for rows in docs.slices():
        for i in range(rows.start, rows.stop):
            expected.append(values[i + k] if rows.start <= i + k < rows.stop else -1.0)
    assert docs.shifted(values, k, -1.0).tolist() == expected


def test_first_and_last_units_of_documents() -> None:
    docs = DocBounds([2, 0, 1, 3])
    assert docs.doc.tolist() == [0, 0, 2, 3, 3, 3]
    assert docs.first.tolist() == [True, False, True, True, False, False]
    assert docs.last.tolist() == [False, True, True, False, False, True]
    assert [(s.start, s.stop) for s in docs.slices()] == [(0, 2), (2, 2), (2, 3), (3, 6)]
