"""The compiled word reader (excise._words) gives exactly what the Python views give.

``WordTable.scan`` reads plain text units in C and hands every other unit to its Python view. Whichever way a
unit is read, the words must come out as ``DocWords`` built from the Python views holds them, with the
vocabulary ids and bigram weights that ``NgramTable.score`` looks up, and the engine's results, dense features
and probabilities must be bit-identical. The strategies aim at where the C reading and the Python one can part:
apostrophes ("it's", "rock'n'roll", "'tis", "dogs'", "a''b"), underscores and digits inside words, spaced-out
letters and l33t digits (the obfuscation gate), HTML entities, characters outside ASCII that fold to ASCII or to
themselves, letters of other scripts, links, empty units, very long words, words in and out of the vocabulary,
stopwords.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
import unicodedata
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_contract import fragment_docs, wide_text

from excise import Excisor
from excise.config import Config
from excise.features import (
    STOPWORDS,
    DocWords,
    PlainTextView,
    UnitView,
    _compiled_fold,
    _maybe_obfuscated,
    _words,
    batch_views,
)
from excise.model import Model
from excise.ngrams import NgramTable
from excise.normalize import fold
from excise.segment import TEXT, Unit, segment

from conftest import traced_growth


class PythonOnly(NgramTable):
    """A content model's table whose words are always read by the Python views."""

    __slots__ = ()

    def word_table(self) -> None:
        return None


def table_of(compiled_words: ModuleType, ngrams: NgramTable) -> Any:
    """The compiled table of ``ngrams`` (built here, whatever ``EXCISE_PURE_PYTHON`` says)."""
    return compiled_words.WordTable(ngrams.words, sorted(STOPWORDS), ngrams.bigram_keys, ngrams.bigram_weights,
                                    _compiled_fold)


def with_ngrams(model: Model, ngrams: NgramTable) -> Model:
    return dataclasses.replace(model, ngrams=ngrams, _screen=None)


@pytest.fixture(scope="module")
def engines(excisor: Excisor, compiled_words: ModuleType) -> tuple[Excisor, Excisor]:
    """(compiled, Python): the shipped model without the pre-screen, its words read by each reader."""
    state = excisor.model.ngrams.__getstate__()
    compiled = NgramTable.__new__(NgramTable)
    compiled.__setstate__(state)
    compiled._word_table = table_of(compiled_words, compiled)
    python = PythonOnly.__new__(PythonOnly)
    python.__setstate__(state)
    config = Config(screen=False)
    return (Excisor(with_ngrams(excisor.model, compiled), config=config),
            Excisor(with_ngrams(excisor.model, python), config=config))


@pytest.fixture(scope="module")
def table(engines: tuple[Excisor, Excisor]) -> Any:
    return engines[0].model.ngrams.word_table()


def same_array(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def check_same_words(engines: tuple[Excisor, Excisor], texts: list[str], units: list[list[Unit]] | None = None
                     ) -> None:
    """Both readers give the same views and words; the compiled ids and bigram weights are the model's."""
    if units is None:
        units = [segment(t) for t in texts]
    ngrams = engines[0].model.ngrams
    views, words = batch_views(texts, units, ngrams.word_table())
    expected_views, expected = batch_views(texts, units, None)
    for name in ("lens", "starts", "ends", "unit", "index", "stop", "long"):
        assert same_array(getattr(words, name), getattr(expected, name)), name
    ids, pairs = ngrams._lookup(expected)
    assert same_array(words.ids, ids)
    assert same_array(words.pairs, pairs)
    assert len(views) == len(expected_views)
    for view, reference in zip(views, expected_views):
        if isinstance(view, PlainTextView):
            assert (reference.kind, reference.url, reference.ref) == (TEXT, "", "")
            assert view.lower_start == reference.lower_start
        else:
            assert type(view) is UnitView
            assert [getattr(view, s) for s in UnitView.__slots__] == [getattr(reference, s) for s in UnitView.__slots__]


def check_same_results(engines: tuple[Excisor, Excisor], texts: list[str]) -> None:
    """Both readers give the same results, dense features and probabilities, to the last bit."""
    compiled, python = engines
    got, expected = compiled.scan_batch(texts), python.scan_batch(texts)
    assert [(r, r.length) for r in got] == [(r, r.length) for r in expected]
    texts = [t for t in texts if segment(t)]
    if texts:
        units = [segment(t) for t in texts]
        _, words, X, proba, _ = compiled._batch_proba(texts, units)
        _, _, X_expected, proba_expected, _ = python._batch_proba(texts, units)
        assert words.ids is not None  # the compiled reader did read them
        assert same_array(X, X_expected)
        assert same_array(proba, proba_expected)


# --------------------------------------------------------------------------- the words of one unit

# (raw text of a TEXT unit, its words): apostrophes, underscores and digits as the token pattern reads them
TOKENS = [
    ("It's rock'n'roll, 'tis the dogs' a''b", ["it's", "rock'n", "roll", "tis", "the", "dogs", "a", "b"]),
    ("x_y __init__ 12 mp3 b2b 2019-11-26 O'Neil's", ["x_y", "__init__", "12", "mp3", "b2b", "2019", "11", "26",
                                                    "o'neil", "s"]),
    ("don't ''quoted'' it''s end'", ["don't", "quoted", "it", "s", "end"]),
    ("", []),
    (" \t\n", []),
    ("'", []),
    ("a", ["a"]),
    ("a'", ["a"]),
    ("'a", ["a"]),
    ("a'b'c'd", ["a'b", "c'd"]),
    ("I\u2019m \u201cfine\u201d\u2026 really\u00a0\u2014 ok\u200b!", ["i'm", "fine", "really", "ok"]),
    ("caf\u00e9", None),  # a letter outside ASCII: the Python view reads it
    ("v1agra now", None),  # l33t: possibly obfuscated
    ("v.i.a.g.r.a now", None),
    ("Tom &amp; Jerry &quot;x&quot; &lt;b&gt; it&apos;s", ["tom", "jerry", "x", "b", "it's"]),  # common entities
    ("Tom & Jerry, Q & A;&&;", ["tom", "jerry", "q", "a"]),  # a '&' that starts no reference
    ("AT&T", None),  # "&T" might start one ("&TRADE;"): html.unescape decides, in Python
    ("&ampx; &amp &QUOT; &#39; &nbsp;", None),  # references the compiled reader leaves to html.unescape
    ("\u0441heap pills", None),  # a Cyrillic look-alike
]


@pytest.mark.parametrize(("raw", "words"), TOKENS)
def test_plain_words_are_the_python_words(table: Any, raw: str, words: list[str] | None) -> None:
    assert table.plain_words(raw) == words
    if words is not None:
        assert words == _words(fold(raw))


def expected_plain(raw: str) -> bool:
    """Whether the compiled reader must read a TEXT unit itself: every character folds alone, every "&" is one
    it reads (:func:`simple_ampersands`), nothing that may be obfuscated."""
    folds = all(c.isascii() or _compiled_fold(c) is not None for c in raw)
    return folds and simple_ampersands(raw) and not _maybe_obfuscated(fold(raw))


_SIMPLE_REFERENCES = ("quot;", "lt;", "gt;", "amp;", "apos;")


def simple_ampersands(raw: str) -> bool:
    """Whether each "&" of ``raw`` starts no character reference (the end or a blank, "<", "&" or ";" follows)
    or one of the five the compiled reader decodes itself."""
    return all(i + 1 == len(raw) or raw[i + 1] in " \t\n\f<&;" or raw.startswith(_SIMPLE_REFERENCES, i + 1)
               for i in range(len(raw)) if raw[i] == "&")


def check_plain_words(table: Any, raw: str) -> None:
    """The compiled words of TEXT unit ``raw`` are the Python ones, and the compiled reader reads every unit
    it can."""
    got = table.plain_words(raw)
    assert got is None or got == _words(fold(raw)), ascii(raw)
    assert (got is not None) == expected_plain(raw), ascii(raw)


_PIECES = [
    "it's", "rock'n'roll", "'tis", "dogs'", "a''b", "'", "''", "x_y", "_", "__", "mp3", "b2b", "h1n1", "2019", "0",
    "a", "b", "c", "i", "x", "ab", "the", "and", "pills", "viagra", "casino", "cheap", "online", "zzqx", "Qwerty",
    "v1agra", "c@sino", "$ale", "fr33", "a1", "a4b", "v.i.a", "c i a", "a-b-c", "a*b*c", "a_b_c", "s e x",
    "&amp;", "&gt;", "&#39;", "&", "&nbsp;", "&quot;", "&lt;", "&apos;", "&amp", "&QUOT;", "&#", "&;", "@", "$", "*", ".", "-", "!", "?", "(", ")", "[", "]", "<", ">", "/",
    "\u2019", "\u2018", "\u201c", "\u201d", "\u2026", "\u2013", "\u2014", "\u00a0", "\u200b", "\u200d", "\ufeff",
    "\u00ad", "\u2022", "\u00a3", "\u20ac", "\u00a9", "\u2122", "\u24b6", "\u24d0", "\u2460", "\u2057", "\u3000",
    "\uff21", "\uff41", "\uff06", "\ufe60", "\u2033", "\u00b2", "\u00bd", "\u0301", "\ufe0f", "\U0001f600",
    "\u00e9", "\u00c9", "\u0430", "\u0456", "\u03b1", "\u03a3", "\u4e2d", "\u0663", "\ud800", "\x00", "\x92",
    "\u2028", "\u037e", "\u0375", "\u1680",
]
_GLUE = [" ", " ", "", "\n", "\t", ". ", ", ", "\u00a0", "'", "-", "_", "."]

piece = st.sampled_from(_PIECES) | st.sampled_from(_PIECES).map(str.upper) | st.text(max_size=4)
unit_text = st.lists(st.tuples(piece, st.sampled_from(_GLUE)), max_size=12).map(
    lambda parts: "".join(p + g for p, g in parts))


@settings(max_examples=2000, deadline=None)
@given(unit_text)
@example("a\u00a0b\u00a0c")  # spaced-out letters once NFKC makes the no-break spaces blanks
@example("x\u2019s \u2033 \u2057")
@example("\u24d0bc")
def test_plain_words_of_generated_units(table: Any, raw: str) -> None:
    check_plain_words(table, raw)


@settings(max_examples=500, deadline=None)
@given(wide_text | st.text(st.characters(), max_size=50))
def test_plain_words_of_arbitrary_text(table: Any, raw: str) -> None:
    check_plain_words(table, raw)


def test_a_character_folds_alike_wherever_it_stands(table: Any) -> None:
    """The compiled reader folds a unit character by character: each character it folds alone must fold so
    in every context (NFKC composes nothing onto it; the lower case and look-alike folding have no context)."""
    accepted = [chr(c) for c in range(0x80, 0x30000)
                if unicodedata.category(chr(c)) != "Cs" and _compiled_fold(chr(c)) is not None]
    assert len(accepted) > 5000
    assert {"\u2019", "\u00a0", "\u200b", "\u2026", "\u2022", "\U0001f600"} <= set(accepted)
    assert not {"\u00e9", "\u0430", "\u0301", "\uff06", "\ufe60", "\u00a8"} & set(accepted)
    contexts = [("", ""), ("x", "y"), ("X", "1"), ("it", "s"), ("a", "'b"), ("a.", ".b"), ("_", "_"), ("e", ""),
                ("\u2019", "\u201d"), ("1 ", " 2"), ("\u00a0", "\u200b")]
    for c in accepted:
        for before, after in contexts:
            check_plain_words(table, before + c + after)


def test_plain_words_of_very_long_words(table: Any) -> None:
    for raw in ("a" * 100_000, "Ab'" * 30_000, ("\u2019x" * 50_000), "word " * 20_000 + "z" * 70_000):
        check_plain_words(table, raw)


# --------------------------------------------------------------------------- the words of batches

DOCS = [
    "",
    "Buy cheap viagra online without prescription at http://pills.example.ru/buy-viagra-online today!",
    "The library reopened on Monday. Readers queued outside before the doors opened at nine.",
    "it's the dogs' rock'n'roll 'tis a''b x_y __init__ mp3 b2b h1n1",
    "c1al1s and v.i.a.g.r.a for sale, c i a l i s, CALL NOW 0800 123 4567, 50% OFF!",
    "Tom &amp; Jerry &gt; &lt;b&gt; it&#39;s AT&T Q & A &nbsp; &unknown; &",
    "La biblioth\u00e8que a rouvert. \u0421heap v\u0456agra \u2013 buy now \u20ac9.99!!! \U0001f600 Fin.",
    "I\u2019m \u201cfine\u201d\u2026 really\u00a0\u2014 ok\u200b\ufeff \u2022 \u00a3 \u2122 \u24b6\u24d0 \uff21\uff42",
    ("\u043f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 "
     "\u4e2d\u6587 \u0663\u0664 \ud800 lone surrogate"),
    ('See [the plan](https://council.example/plan) and <a href="http://loans.example/fast">fast cash loans</a> '
     "or www.cheap-pills.example/buy or <http://x.example/a>. Our [report][7] is out.\n\n"
     "[7]: https://council.example/report"),
    "w" * 5000 + " " + "Zz9_" * 3000 + "\n\n" + "the " * 2000,
    "\n\n".join(["Buy cheap viagra online."] * 30 + ["The library reopened on Monday."] * 30),
]


def test_same_words_and_results_on_the_examples(engines: tuple[Excisor, Excisor]) -> None:
    check_same_words(engines, DOCS)
    check_same_words(engines, DOCS[::-1])
    check_same_results(engines, DOCS)
    for text in DOCS:
        check_same_words(engines, [text])


def test_same_words_on_hand_made_units(engines: tuple[Excisor, Excisor]) -> None:
    """Units need not be segment's: empty ones, overlapping ones, each kind over any text."""
    text = "It's cheap viagra, the d\u00f6g's [x](http://x.example/a-b) v1agra \u2019 &amp; end"
    n = len(text)
    units = [Unit(a, b, kind, 0, 0) for kind in range(6) for a, b in ((0, 0), (0, n), (5, 5), (3, 17), (n, n),
                                                                      (10, n), (0, 1))]
    check_same_words(engines, [text, "", text], [units, [], units[::-1]])


vocabulary_word = st.sampled_from(["the", "cheap", "viagra", "online", "casino", "loans", "report", "library",
                                   "pills", "buy", "without", "prescription", "of", "and", "free", "spins"])
stopword = st.sampled_from(sorted(STOPWORDS))
unit_piece = st.one_of(piece, vocabulary_word, vocabulary_word, stopword, vocabulary_word.map(str.title))
document = st.lists(st.tuples(unit_piece, st.sampled_from([*_GLUE, "\n\n", ". ", "! ", "\n"])), max_size=40).map(
    lambda parts: "".join(p + g for p, g in parts))
any_document = st.one_of(document, fragment_docs, wide_text, st.sampled_from(DOCS))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_document, max_size=8))
def test_same_words_on_generated_batches(engines: tuple[Excisor, Excisor], texts: list[str]) -> None:
    check_same_words(engines, texts)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_document, max_size=8))
def test_same_results_on_generated_batches(engines: tuple[Excisor, Excisor], texts: list[str]) -> None:
    check_same_results(engines, texts)


def test_same_words_on_documents_built_from_shared_data(engines: tuple[Excisor, Excisor], shared_data: Any) -> None:
    from excise.training.train import build_training_docs  # slow to import

    texts = [doc.text for doc in build_training_docs(shared_data, seed=5, n_docs=200, split="test")]
    for i in range(0, len(texts), 50):
        check_same_words(engines, texts[i : i + 50])
    check_same_results(engines, texts[:100])


# --------------------------------------------------------------------------- the table


def test_the_table_holds_the_vocabulary_and_the_stopwords(compiled_words: ModuleType) -> None:
    words = ["cheap", "viagra", "the", "cheap", "na\u00efve", "x"]  # a later copy of a word takes its id
    table = compiled_words.WordTable(words, ["the", "and", "of"], np.array([1 << 32 | 2], dtype=np.int64),
                                     np.array([0.5]), _compiled_fold)
    assert len(table) == 7  # 5 distinct words, and "and" and "of"; "the" is both
    assert sys.getsizeof(table) > 0
    text = "Cheap viagra and the na\u00efve x of y cheap cheap viagra"
    views, lens, index, ids, stop, long, pairs = table.scan([text], [[Unit(0, len(text), TEXT, 0, 0)]], UnitView,
                                                             (None, None))
    assert isinstance(views[0], UnitView)  # "naïve" is not ASCII: its view read it
    assert np.frombuffer(lens, np.int64).tolist() == [11]
    assert np.frombuffer(ids, np.int64).tolist() == [4, 2, 0, 3, 5, 6, 0, 0, 4, 4, 2]
    assert np.frombuffer(index, np.int64).tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 1]
    assert np.frombuffer(stop, bool).tolist() == [False, False, True, True, False, False, True, False, False,
                                                  False, False]
    assert np.frombuffer(long, bool).tolist() == [True, True, False, False, True, False, False, False, True, True,
                                                  True]
    # bigram 1 << 32 | 2 is ("cheap" as id 1, "viagra"); "cheap" is id 4 now, so no pair has a weight
    assert np.frombuffer(pairs, np.float64).tolist() == [0.0] * 11


def test_bigram_weights_are_found_as_searchsorted_finds_them(compiled_words: ModuleType) -> None:
    keys = np.array([-5, 1 << 32 | 2, 1 << 32 | 2, 1 << 32 | 3, 2 << 32 | 1, 3 << 32 | 0, 9 << 32 | 1], dtype=np.int64)
    weights = np.array([9.0, 0.25, 7.0, -0.0, 1.5, 2.0, 3.0])
    table = compiled_words.WordTable(["aa", "bb", "cc"], [], keys, weights, _compiled_fold)
    text = "aa bb aa cc bb aa zz bb aa aa"
    got = table.scan([text, text], [segment(text), [Unit(0, 5, TEXT, 0, 0), Unit(6, len(text), TEXT, 0, 0)]],
                     UnitView, (None, None))[-1]
    expected = [0.25, 1.5, -0.0, 0.0, 1.5, 0.0, 0.0, 1.5, 0.0, 0.0]  # the first of equal keys; none across units
    assert np.frombuffer(got, np.float64).tobytes() == np.array(expected + [0.25, 0.0] + expected[2:]).tobytes()


def test_bad_tables_are_refused(compiled_words: ModuleType) -> None:
    keys, weights = np.array([1, 2], dtype=np.int64), np.array([0.5, 0.5])
    with pytest.raises(ValueError, match="sorted"):
        compiled_words.WordTable(["a"], [], keys[::-1].copy(), weights, _compiled_fold)
    with pytest.raises(ValueError, match="length"):
        compiled_words.WordTable(["a"], [], keys, weights[:1], _compiled_fold)
    with pytest.raises(TypeError, match="integers"):
        compiled_words.WordTable(["a"], [], keys.astype(np.float64), weights, _compiled_fold)
    with pytest.raises(TypeError, match="floats"):
        compiled_words.WordTable(["a"], [], keys, weights.astype(np.float32), _compiled_fold)
    with pytest.raises(TypeError, match="must be str"):
        compiled_words.WordTable(["a", b"b"], [], keys, weights, _compiled_fold)
    with pytest.raises(TypeError, match="callable"):
        compiled_words.WordTable(["a"], [], keys, weights, None)


def test_bad_scans_raise(compiled_words: ModuleType) -> None:
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
    table = compiled_words.WordTable(["a"], [], *empty, _compiled_fold)
    unit = [Unit(0, 1, TEXT, 0, 0)]
    plain = (PlainTextView(False), PlainTextView(True))
    with pytest.raises(TypeError, match="texts must be str"):
        table.scan([b"a"], [unit], UnitView, plain)
    with pytest.raises(ValueError, match="out of its text"):
        table.scan(["a"], [[Unit(0, 2, TEXT, 0, 0)]], UnitView, plain)
    with pytest.raises(ValueError, match="1 texts but units for 2"):
        table.scan(["a"], [unit, unit], UnitView, plain)
    with pytest.raises(TypeError, match="must be a tuple"):
        table.scan(["a"], [[[0, 1, 0]]], UnitView, plain)
    with pytest.raises(TypeError, match="4 arguments"):
        table.scan(["a"], [unit], UnitView)
    with pytest.raises(TypeError, match="two views"):
        table.scan(["a"], [unit], UnitView, plain[:1])

    class NoWords:
        def __init__(self, raw: str, kind: int) -> None:
            self.words = tuple(raw)

    with pytest.raises(TypeError, match="must be a list"):
        table.scan(["<a>"], [[Unit(0, 3, 1, 0, 0)]], NoWords, plain)

    def failing(raw: str, kind: int) -> None:
        raise RuntimeError("no view")

    with pytest.raises(RuntimeError, match="no view"):
        table.scan(["<a>"], [[Unit(0, 3, 1, 0, 0)]], failing, plain)
    bad_fold = compiled_words.WordTable(["a"], [], *empty, lambda c: ("x", False))
    with pytest.raises(TypeError, match="None or"):
        bad_fold.scan(["\u2019"], [[Unit(0, 1, TEXT, 0, 0)]], UnitView, plain)
    bad_fold = compiled_words.WordTable(["a"], [], *empty, lambda c: (b"\xe9", False))
    with pytest.raises(ValueError, match="ASCII"):
        bad_fold.scan(["\u2019"], [[Unit(0, 1, TEXT, 0, 0)]], UnitView, plain)


def test_words_of_views_with_surrogates_and_other_scripts(compiled_words: ModuleType) -> None:
    """Words the Python views give are looked up by their UTF-8 (lone surrogates as "surrogatepass")."""
    words = ["\ud800", "\u0430\u0431", "a", "\ud83d\ude00", "\U0001f600"]
    table = compiled_words.WordTable(words, [], np.zeros(0, dtype=np.int64), np.zeros(0), _compiled_fold)

    class Given:
        def __init__(self, raw: str, kind: int) -> None:
            self.words = [*words, "\udfff", "a", "\ud800"]

    got = table.scan(["<x>"], [[Unit(0, 3, 1, 0, 0)]], Given, (None, None))
    assert np.frombuffer(got[3], np.int64).tolist() == [1, 2, 3, 4, 5, 0, 3, 1]
    assert np.frombuffer(got[2], np.int64).tolist() == [0, 1, 2, 3, 4, 5, 2, 0]


def test_words_read_with_another_models_table_are_refused(engines: tuple[Excisor, Excisor],
                                                          compiled_words: ModuleType) -> None:
    ngrams = engines[0].model.ngrams
    texts = ["Buy cheap viagra now."]
    views, words = batch_views(texts, [segment(t) for t in texts], table_of(compiled_words, ngrams))
    with pytest.raises(ValueError, match="another model"):
        ngrams.score(views, 0.0, words)


def test_a_pickled_table_is_compiled_again(engines: tuple[Excisor, Excisor]) -> None:
    import pickle

    ngrams = engines[0].model.ngrams
    copy = pickle.loads(pickle.dumps(ngrams))
    assert copy._word_table is None
    assert copy.words == ngrams.words


def test_no_references_or_memory_leak(table: Any) -> None:
    texts = [DOCS[1] + " " + DOCS[6] + " " + DOCS[9] + " it\u2019s fr33 &amp; " + "zq" * 50, DOCS[3], ""]
    units = [segment(t) for t in texts]
    plain = (PlainTextView(False), PlainTextView(True))
    gc.collect()
    held = (texts[0], units[0], units[0][0], *plain)
    refs = [sys.getrefcount(x) for x in held]
    for _ in range(50):
        table.scan(texts, units, UnitView, plain)
    def scan_and_read() -> None:
        table.scan(texts, units, UnitView, plain)
        table.plain_words(texts[0])

    grown = traced_growth(scan_and_read, 500)
    assert [sys.getrefcount(x) for x in held] == refs
    assert grown < 50_000, f"{grown} bytes more after 500 scans"


def test_doc_words_of_the_compiled_reader_have_no_strings(engines: tuple[Excisor, Excisor]) -> None:
    texts = ["Buy cheap viagra now."]
    _, words = batch_views(texts, [segment(t) for t in texts], engines[0].model.ngrams.word_table())
    assert words.flat is None and words.distinct is None
    with pytest.raises(ValueError, match="no strings"):
        words.of_distinct([1], np.int64)
    assert isinstance(DocWords([]).lens, np.ndarray)
