"""Topic vectors (excise.topics): fitted on clean documents, they tell an off-topic unit from the page's own.

The table here is fitted on toy documents written for the test, not taken from the shipped model, so the
assertions are about the method: an injected loan sentence in a page about hepatitis points away from the
page, the page's own sentences point with it, and the sums behind it are exact whatever the batch.
"""

from __future__ import annotations

import sys
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise.bounds import DocBounds
from excise.features import DocWords, view_units
from excise.model import Model
from excise.segment import segment
from excise.topics import SCALE, TOPIC_NAMES, TopicTable, is_topic_word

from conftest import traced_growth

MEDICAL = ("hepatitis liver infection virus blood vaccine symptoms doctor treatment chronic disease patients "
           "jaundice fatigue antibodies diagnosis").split()
LOANS = ("loan credit payday lender approval cash borrow interest repayment instant bank income deposit "
         "application advance").split()
FOOTBALL = "match goal striker league season manager penalty stadium referee players club transfer".split()


def _corpus(seed: int = 0, n: int = 120) -> list[list[str]]:
    """Toy documents, each about one topic, with words drawn from it (and a few from everywhere)."""
    rng = np.random.default_rng(seed)
    topics = [MEDICAL, LOANS, FOOTBALL]
    everywhere = "people report years number percent country world government".split()
    docs = []
    for i in range(n):
        topic = topics[i % 3]
        docs.append(list(rng.choice(topic, size=40)) + list(rng.choice(everywhere, size=6)))
    return docs


@pytest.fixture(scope="module")
def table() -> TopicTable:
    return TopicTable.fit(_corpus(), dims=4, min_df=3)


def _similarity(table: TopicTable, texts: list[str]) -> tuple[list[list], np.ndarray]:
    units = [segment(t) for t in texts]
    views = [v for t, u in zip(texts, units) for v in view_units(t, u)]
    words = DocWords(views)
    docs = DocBounds([len(u) for u in units])
    return units, table.similarity(table.word_rows(words), words, docs)


PAGE = ("Hepatitis is an infection of the liver caused by a virus. Chronic hepatitis may damage the liver over "
        "years. The vaccine protects patients from the virus. Doctors confirm the diagnosis with blood tests "
        "for antibodies. {injected} Symptoms include jaundice and fatigue. Treatment of the chronic disease "
        "depends on the virus. Most patients recover after treatment. The liver heals when the infection "
        "clears. Blood tests show the virus is gone.")


def test_an_off_topic_sentence_points_away_from_its_page(table: TopicTable) -> None:
    text = PAGE.format(injected="Get an instant payday loan with fast approval and cash deposit today.")
    units, sims = _similarity(table, [text])
    injected = next(i for i, u in enumerate(units[0]) if "payday" in text[u.start:u.end])
    far = sims[:, TOPIC_NAMES.index("topic_far")]
    own = [far[i] for i in range(len(units[0])) if i != injected and sims[i, 2]]
    assert far[injected] < 0.3 < min(own)


def test_units_without_topic_words_have_no_vector(table: TopicTable) -> None:
    _, sims = _similarity(table, ["Then it was so. And so it is. " + PAGE.format(injected="")])
    assert sims[0].tolist() == [0.0, 0.0, 0.0]  # "Then it was so." holds no topic word
    assert sims[-1, 2] == 1.0


def test_a_batch_gives_each_document_its_own_values(table: TopicTable) -> None:
    texts = [PAGE.format(injected="Get an instant payday loan today."), "", "The striker scored. The club won.",
             PAGE.format(injected="The referee gave a penalty in the match."), "loan loan loan"]
    texts = [t for t in texts if segment(t)]
    _, together = _similarity(table, texts)
    alone = np.vstack([_similarity(table, [t])[1] for t in texts])
    assert together.tobytes() == alone.tobytes()


def test_fit_keeps_topic_words_only_and_vectors_in_fixed_point(table: TopicTable) -> None:
    assert all(is_topic_word(w) for w in table.words)
    assert "hepatitis" in table.index and "the" not in table.index
    assert table.vectors.dtype == np.int16 and table.dims == 4
    # each vector is a unit vector scaled by its word's idf, in fixed point
    lengths = np.linalg.norm(table.vectors.astype(np.float64) / SCALE, axis=1)
    assert (lengths > 0.1).all() and (lengths < 32).all()


def test_too_little_text_is_refused() -> None:
    with pytest.raises(ValueError, match="too little clean text"):
        TopicTable.fit([["hepatitis", "liver"]] * 2, min_df=1)


def test_the_table_survives_a_model_round_trip(tmp_path) -> None:
    model = Model.load()
    assert model.topics is not None, "the shipped model has topic vectors"
    path = tmp_path / "m.npz"
    model.save(path)
    again = Model.load(path)
    assert again.topics is not None
    assert again.topics.words == model.topics.words
    assert again.topics.vectors.tobytes() == model.topics.vectors.tobytes()


# ---------------------------------------------------------------- the compiled similarity (excise._topics)
# it must give the bits of TopicTable.similarity_python; these tests hold the two together.

class _Words:
    """What similarity reads of a DocWords: per unit its words' bounds, per word its unit."""

    def __init__(self, lens: list[int]) -> None:
        self.lens = np.array(lens, dtype=np.int64)
        self.ends = np.cumsum(self.lens)
        self.starts = self.ends - self.lens
        self.unit = np.repeat(np.arange(len(lens)), self.lens)


@st.composite
def _batches(draw: st.DrawFn) -> tuple[TopicTable, np.ndarray, _Words, DocBounds]:
    dims = draw(st.integers(1, 6))
    n_words = draw(st.integers(1, 12))
    big = draw(st.booleans())  # vectors at the ends of 16 bits, where sums are largest
    values = st.integers(-32767, 32767) if big else st.integers(-50, 50)
    vectors = np.array(draw(st.lists(st.lists(values, min_size=dims, max_size=dims), min_size=n_words,
                                     max_size=n_words)), dtype=np.int16)
    table = TopicTable([f"word{i}" for i in range(n_words)], vectors)
    counts = draw(st.lists(st.integers(0, 9), min_size=1, max_size=6))  # units per document (0: none)
    lens = draw(st.lists(st.integers(0, 7), min_size=sum(counts), max_size=sum(counts)))
    rows = np.array(draw(st.lists(st.integers(0, n_words), min_size=sum(lens), max_size=sum(lens))), dtype=np.int64)
    return table, rows, _Words(lens), DocBounds(counts)


@settings(max_examples=400, deadline=None)
@given(batch=_batches())
def test_compiled_similarity_gives_the_bits_of_the_python_one(compiled_topics: ModuleType, batch) -> None:
    table, rows, words, docs = batch
    compiled = table.similarity(rows, words, docs, compiled=True)
    python = table.similarity_python(rows, words, docs)
    assert compiled.tobytes() == python.tobytes()


def test_compiled_similarity_on_documents_and_in_batches(compiled_topics: ModuleType, table: TopicTable) -> None:
    texts = [PAGE.format(injected=x) for x in ("", "Get an instant payday loan today.",
                                               "The referee gave a penalty in the match. Cash loan now.")]
    texts += ["The striker scored. The club won the league.", "loan credit cash " * 50]
    units = [segment(t) for t in texts]
    views = [v for t, u in zip(texts, units) for v in view_units(t, u)]
    words = DocWords(views)
    docs = DocBounds([len(u) for u in units])
    rows = table.word_rows(words)
    assert table.similarity(rows, words, docs, compiled=True).tobytes() == \
        table.similarity_python(rows, words, docs).tobytes()


def test_compiled_similarity_refuses_inconsistent_arrays(compiled_topics: ModuleType, table: TopicTable) -> None:
    words = _Words([2, 1])
    rows = np.array([1, 0, 2], dtype=np.int64)
    with pytest.raises(ValueError, match="outside the table"):
        table.similarity(np.array([1, 0, 10**6], dtype=np.int64), words, DocBounds([2]), compiled=True)
    with pytest.raises(ValueError, match="same units"):
        table.similarity(rows, words, DocBounds([3]), compiled=True)
    with pytest.raises(TypeError):
        compiled_topics.similarity(rows.astype(np.int32), words.starts, words.ends, DocBounds([2]).bounds,
                                   table._padded, 3)


def test_compiled_similarity_leaks_no_references_or_memory(compiled_topics: ModuleType, table: TopicTable) -> None:
    words = _Words([3, 0, 5, 2])
    rows = np.array([1, 0, 2, 3, 3, 0, 1, 2, 4, 5], dtype=np.int64)
    args = (rows, words.starts, words.ends, DocBounds([1, 3]).bounds, table._padded, 3)
    refs = [sys.getrefcount(a) for a in args[:5]]  # the arrays (a small int's count moves with everything else)
    for _ in range(50):
        compiled_topics.similarity(*args)
    grown = traced_growth(lambda: compiled_topics.similarity(*args), 500)
    assert [sys.getrefcount(a) for a in args[:5]] == refs
    assert grown < 20_000, f"{grown} bytes more after 500 calls"


def test_the_compiled_similarity_can_be_refused_when_missing(table: TopicTable, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr("excise.topics._COMPILED", None)
    words = _Words([1])
    with pytest.raises(RuntimeError, match="not built"):
        table.similarity(np.array([1], dtype=np.int64), words, DocBounds([1]), compiled=True)
    assert table.similarity(np.array([1], dtype=np.int64), words, DocBounds([1])).shape == (1, 3)
