"""The compiled shape features (excise._shape) are bit for bit those of the Python reference.

The C code implements _PHONE and _MONEY by hand, so the strategies below aim at where a hand-written
matcher and Python's re can part: digit runs around the repetition bounds {6,13}, separators doubled
or at the ends, the lookbehind and the lookahead (?![\\w.,]?\\d) meeting letters, dots, commas and
digits of other scripts, "+" signs, currency signs and percentages with Unicode whitespace, "percent"
in every case and glued to what follows (\\b), matches that hide the next one (finditer goes on after
a match's end), and units of any span, empty ones included, in batches of several documents.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excise import Excisor
from excise import features as features_module
from excise.bounds import DocBounds
from excise.features import batch_shape_features_python
from excise.segment import segment

from conftest import traced_growth

ShapeFeatures = Callable[[Sequence[str], np.ndarray, np.ndarray, DocBounds], np.ndarray]
Spans = Sequence[tuple[int, int]]


def assert_same_columns(compiled: ShapeFeatures, texts: Sequence[str], spans: Sequence[Spans]) -> None:
    """Both implementations give the same four columns, bit for bit, for the units ``spans[d]`` of ``texts[d]``."""
    docs = DocBounds([len(s) for s in spans])
    starts = np.array([a for doc in spans for a, _ in doc], dtype=np.int64)
    ends = np.array([b for doc in spans for _, b in doc], dtype=np.int64)
    expected = batch_shape_features_python(texts, starts, ends, docs)
    got = compiled(texts, starts, ends, docs)
    assert got.shape == expected.shape
    if got.tobytes() != expected.tobytes():
        bad = int(np.flatnonzero((got != expected).any(axis=1))[0])
        d = int(docs.doc[bad])
        unit = texts[d][starts[bad] : ends[bad]]
        pytest.fail(f"unit {bad} {unit!r} of {texts[d]!r}: C {got[bad].tolist()} != Python {expected[bad].tolist()}")


def unit_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the units segment() makes of ``text``."""
    return [(u.start, u.end) for u in segment(text)]


# --------------------------------------------------------------------------- the module (the build and the switch: test_compiled.py)


def test_bad_arguments_raise(compiled_shape: ShapeFeatures) -> None:
    from excise._shape import shape_features

    one = np.zeros(1, dtype=np.int64)
    out = np.zeros((1, 4))
    with pytest.raises(TypeError, match="5 arguments"):
        shape_features(["a"], one, one, one)
    with pytest.raises(TypeError, match="must be str"):
        shape_features([b"a"], one, one, one, out)
    with pytest.raises(TypeError, match="int64"):
        shape_features(["a"], one.astype(np.int32), one, one, out)
    with pytest.raises(TypeError, match="float64"):
        shape_features(["a"], one, one, one, out.astype(np.float32))
    with pytest.raises(BufferError):  # read-only
        shape_features(["a"], one, one, one, b"\0" * 32)
    with pytest.raises(ValueError, match="one item per unit"):
        shape_features(["a"], one, one, one, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="document 1 out of range"):
        shape_features(["a"], one, one, one + 1, out)
    with pytest.raises(ValueError, match="not inside its text"):
        shape_features(["a"], one, one + 2, one, out)
    with pytest.raises(ValueError, match="not inside its text"):
        shape_features(["ab"], one + 1, one, one, out)
    shape_features(("ab!",), one, one + 3, one, out)  # any sequence of str
    assert out.tolist() == [[0.0, 0.0, 0.0, 1.0]]


def test_no_references_or_memory_leak(compiled_shape: ShapeFeatures) -> None:
    texts = ["CALL +44 20 7946 0958 now! Only \u00a3 5 or 50% off, 3 PERCENT more. \u0661\u0662\u0663\u0664\u0665\u0666\u0667 "
             * 20, "\u00e9t\u00e9 \U0001f600 1,250,000 voters"]
    spans = [unit_spans(t) for t in texts]
    refs = [sys.getrefcount(t) for t in texts]
    for _ in range(50):
        assert_same_columns(compiled_shape, texts, spans)
    docs = DocBounds([len(s) for s in spans])
    starts = np.array([a for doc in spans for a, _ in doc], dtype=np.int64)
    ends = np.array([b for doc in spans for _, b in doc], dtype=np.int64)
    grown = traced_growth(lambda: compiled_shape(texts, starts, ends, docs), 300)
    assert [sys.getrefcount(t) for t in texts] == refs
    assert grown < 20_000, f"{grown} bytes more after 300 calls"


# --------------------------------------------------------------------------- every code point in every class

EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))  # surrogates included

# the one-character pieces of the two expressions, with the flags of the expression they are in
ATOMS = [
    (r"\w", 0), (r"\d", 0), (r"\d", re.IGNORECASE), (r"\s", re.IGNORECASE), (r"[\w.,]", 0), (r"[ \-./]", 0),
    (r"[$\u00a3\u20ac]", re.IGNORECASE), ("+", 0), ("%", re.IGNORECASE), ("!", 0),
    *((letter, re.IGNORECASE) for letter in "percnt"),
]


@pytest.mark.parametrize(("atom", "flags"), ATOMS)
def test_every_code_point_is_classed_as_re_classes_it(compiled_shape: ShapeFeatures, atom: str, flags: int) -> None:
    from excise._shape import char_test

    expected = np.zeros(len(EVERY_CHARACTER), dtype=np.uint8)
    expected[[m.start() for m in re.finditer(re.escape(atom) if len(atom) == 1 else atom, EVERY_CHARACTER, flags)]] = 1
    got = np.frombuffer(char_test(atom, EVERY_CHARACTER), dtype=np.uint8)
    differ = np.flatnonzero(got != expected)
    assert not len(differ), [(hex(c), int(got[c])) for c in differ[:20]]


# --------------------------------------------------------------------------- real documents


@pytest.fixture(scope="module")
def real_texts(shared_data: Path) -> list[str]:
    """Texts full of numbers and prices: the real-dev documents, BBC news articles, and SMS messages (spam
    and not) twenty to a document."""
    texts = []
    for name in ("seed_gold.jsonl", "xebia_gold.jsonl"):
        with open(shared_data / "real-dev" / name, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    with gzip.open(shared_data / "bbc-news" / "test.csv.gz", "rt", encoding="utf-8", newline="") as f:
        texts += [row["text"] for row in csv.DictReader(f)]
    with open(shared_data / "sms-spam-collection" / "SMSSpamCollection.tsv", encoding="utf-8", errors="replace") as f:
        sms = [line.rstrip("\n").partition("\t")[2] for line in f][1:]
    texts += ["\n\n".join(sms[at : at + 20]) for at in range(0, len(sms), 20)]
    return texts


def test_same_columns_on_real_documents(compiled_shape: ShapeFeatures, real_texts: list[str]) -> None:
    assert len(real_texts) > 600
    for at in range(0, len(real_texts), 128):  # in batches, as the engine reads them
        batch = real_texts[at : at + 128]
        assert_same_columns(compiled_shape, batch, [unit_spans(t) for t in batch])
        # every document as one unit: every match it has
        assert_same_columns(compiled_shape, batch, [[(0, len(t))] for t in batch])


def test_scan_batch_gives_the_same_results(excisor: Excisor, real_texts: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if features_module._COMPILED_SHAPE is None:
        pytest.skip("the compiled shape features are not in use")
    compiled = excisor.scan_batch(real_texts)
    assert sum(bool(r.spans) for r in compiled) > 20
    monkeypatch.setattr(features_module, "_COMPILED_SHAPE", None)
    assert excisor.scan_batch(real_texts) == compiled


# --------------------------------------------------------------------------- the corners, one by one

# what may stand right before or after a digit run: nothing, the lookbehind's and lookahead's
# [\w.,], digits of other scripts, a digit after a glue character, and characters outside all classes
GLUE = ["", " ", "a", "Z", ".", ",", "_", "+", "-", "/", "\u00e9", "\u0436", "\u4e2d", "\u0661", "5", "\u00b2",
        "\u00bd", "\u2460", ".5", ",5", "a5", "_5", " 5", "-5", ".\u0665", "\n", "!", "(", "\u00a0", "\ud800"]


@pytest.mark.parametrize("separator", ["", " ", "-", ".", "/", ",", "  ", " - ", "\u00a0"])
def test_same_columns_around_digit_runs_of_every_length(compiled_shape: ShapeFeatures, separator: str) -> None:
    texts, spans = [], []
    for n in range(5, 17):
        for plus in ("", "+", "++"):
            for before in GLUE:
                for after in GLUE:
                    run = separator.join("0123456789"[i % 10] for i in range(n))
                    text = f"{before}{plus}{run}{after}"
                    texts.append(text)
                    # the whole, the run alone, and the run without its first character
                    at = len(before)
                    spans.append([(0, len(text)), (at, len(text)), (at + 1, len(text)), (at, at)])
    assert_same_columns(compiled_shape, texts, spans)


CURRENCY = ["$", "\u00a3", "\u20ac", "\u00a5", "\uff04", "\ufe69"]  # the last three are no match
SPACES = ["", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\x1c", "\x85", "\u200b"]
PERCENT = ["%", "%%", "\uff05", "percent", "PERCENT", "Percent", "pErCeNt", "percentage", "percent_", "percent1",
           "percent\u00e9", "percent.", "percent!", "per cent", "percen", "\u0440ercent", "perc\u0435nt", "percent\u0661",
           "percent\u00b2", "perCENTs", "p\u0435rcent"]
DIGITS = ["5", "\u0665", "\u06f5", "\uff15", "\u096b", "\U0001d7d3", "\u00b2", "\u2074", "\u2460", "\u00bd", "\u2164"]


def test_same_columns_around_prices_and_percentages(compiled_shape: ShapeFeatures) -> None:
    texts, spans = [], []
    for digit in DIGITS:
        for space in SPACES:
            for before in GLUE:
                for sign in CURRENCY:
                    texts.append(f"{before}{sign}{space}{digit}9")
                    # a percentage inside a price: finditer goes on after the price, so it is no match of its own
                    texts += [f"{before}{sign}{space}{digit}{percent}" for percent in ("%", " %", "percent")]
                for percent in PERCENT:
                    texts.append(f"{before}{digit}{space}{percent}")
    for text in texts:
        spans.append([(0, len(text)), (1, len(text)), (2, len(text)), (0, 1), (len(text), len(text))])
    assert_same_columns(compiled_shape, texts, spans)


# --------------------------------------------------------------------------- hypothesis: the tricky syntax

any_character = st.characters() | st.integers(0xD800, 0xDFFF).map(chr)  # st.characters() leaves out surrogates
glue = st.sampled_from(GLUE)
# decimal digits of one script (ASCII, Arabic-Indic, fullwidth, Devanagari, mathematical bold), or a mix with
# characters that are digits or numbers to str but not decimal (\d): superscripts two and four, circled one,
# one half, Roman five
DIGIT_SETS = ["0123456789", "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
              "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", "\u0966\u0967\u0968\u0969\u096f",
              "\U0001d7ce\U0001d7cf\U0001d7d7", "0123456789\u0665\uff15", "0123456789\u00b2\u2074\u2460\u00bd\u2164"]
SEPARATORS = ["", "", "", " ", "-", ".", "/", ",", "  ", "--", "_", "\u00a0", "\t", ". "]
digit = st.sampled_from(DIGIT_SETS).flatmap(st.sampled_from)
separator = st.sampled_from(SEPARATORS)


@st.composite
def phone_like(draw: st.DrawFn) -> str:
    """6 to 15 digits (4 to 17 at times) grouped by one separator or by any, a "+" or two in front, glued to what
    stands around."""
    n = draw(st.integers(6, 15) | st.integers(4, 17))
    digits = draw(st.sampled_from(DIGIT_SETS))
    one = draw(separator)
    gaps = separator if draw(st.booleans()) else st.sampled_from(["", one])
    parts = [draw(st.sampled_from(digits))]
    for _ in range(n - 1):
        parts += [draw(gaps), draw(st.sampled_from(digits))]
    plus = draw(st.sampled_from(["", "", "+", "++", "+ "]))
    return draw(glue) + plus + "".join(parts) + draw(glue)


@st.composite
def money_like(draw: st.DrawFn) -> str:
    """A price ($, £, € and other signs) or a percentage ("%", "percent" in any case, glued or not)."""
    space = draw(st.sampled_from(SPACES))
    if draw(st.booleans()):
        # at times a percentage right after the price (hidden by it: finditer goes on after the price)
        percent = draw(st.sampled_from(["", "", "", "%", " %", "0 percent"]))
        return draw(glue) + draw(st.sampled_from(CURRENCY)) + space + draw(digit) + percent + draw(glue)
    return draw(glue) + draw(digit) + space + draw(st.sampled_from(PERCENT)) + draw(glue)


words = st.sampled_from(["CLICK HERE", "call now", "SALE!!!", "Hello", "x", "\u00c0\u00c9", "ALL CAPS", "!", ". ", ", ",
                         "\n\n", "\u00e9t\u00e9", "\u0416\u0416", "\U0001f600", "\ud800", "\udfff", "\ud83d\ude00",
                         "1,250,000", "12 May 2004", "+", "$", "%", "per", "cent"])
piece = st.one_of(phone_like(), money_like(), words, words, st.sampled_from(SPACES), st.text(any_character, max_size=8))
document = st.lists(piece, max_size=30).map("".join)


@st.composite
def spans_of(draw: st.DrawFn, text: str) -> list[tuple[int, int]]:
    """The units segment() makes; the text cut into pieces of one to four characters (each match start tells);
    or any spans of the text: overlapping, empty, in any order."""
    how = draw(st.sampled_from(["units", "pieces", "any"]))
    if how == "units":
        return unit_spans(text)
    if how == "pieces":
        step, at = draw(st.integers(1, 4)), draw(st.integers(0, 3))
        return [(0, min(at, len(text)))] + [(i, min(i + step, len(text))) for i in range(at, len(text), step)]
    bound = st.integers(0, len(text))
    return [tuple(sorted(draw(st.tuples(bound, bound)))) for _ in range(draw(st.integers(0, 8)))]


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(document, min_size=1, max_size=4), st.data())
def test_same_columns_on_generated_batches(compiled_shape: ShapeFeatures, texts: list[str],
                                           data: st.DataObject) -> None:
    spans = [data.draw(spans_of(t)) for t in texts]
    assert_same_columns(compiled_shape, texts, spans)


@settings(max_examples=1000, deadline=None)
@given(st.text(any_character, max_size=300), st.data())
def test_same_columns_on_arbitrary_text_with_surrogates(compiled_shape: ShapeFeatures, text: str,
                                                        data: st.DataObject) -> None:
    assert_same_columns(compiled_shape, [text], [data.draw(spans_of(text))])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(phone_like(), money_like(), any_character), max_size=40).map("".join), st.data())
def test_same_columns_whatever_comes_before(compiled_shape: ShapeFeatures, text: str, data: st.DataObject) -> None:
    # a cut at any point: the lookbehind, the lookahead and finditer's resumption meet new neighbours
    cut = data.draw(st.integers(0, len(text)))
    head, tail = text[:cut], text[cut:]
    assert_same_columns(compiled_shape, [head, tail, text], [[(0, len(head))], [(0, len(tail))], unit_spans(text)])
