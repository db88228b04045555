"""The output contract, with the real shipped model: whatever the text, spans are well formed and cutting
them removes exactly them.

Nothing here judges detection quality (that is the model's business and the seed golden test's); these
tests hold for any model.
"""

from __future__ import annotations

import json
import multiprocessing
import pickle
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excise import FAMILIES, ConfigError, Excisor, Result, Span, remove_spans

# --------------------------------------------------------------------------- helpers

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_CLOSER = re.compile(r" (?=[.,;:!?)\]}\u2019\u201d])")


def visible(text: str) -> str:
    """The non-whitespace characters of ``text``, in order."""
    return _SPACES.sub("", text)


def tidy(text: str) -> str:
    """Whitespace runs as one space, stripped, no space before closing punctuation."""
    return _SPACE_BEFORE_CLOSER.sub("", _SPACES.sub(" ", text).strip())


def kept_pieces(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The parts of ``text`` outside the (sorted, disjoint) spans."""
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    return pieces


def check_cut(text: str, spans: list[tuple[int, int]], cleaned: str) -> None:
    """``cleaned`` is ``text`` minus ``spans``, up to whitespace at the seams."""
    kept = "".join(kept_pieces(text, spans))
    # no visible character of the kept text is lost, added or reordered
    assert visible(cleaned) == visible(kept)
    # and words stay apart where they were apart: only the whitespace itself may change
    assert tidy(cleaned) == tidy(kept)


def check_result(text: str, result: Result) -> None:
    """The output contract of :meth:`Excisor.scan`."""
    assert isinstance(result, Result)
    assert isinstance(result.spans, tuple)
    prev_end = 0
    for span in result.spans:
        assert isinstance(span, Span)
        assert isinstance(span.start, int) and isinstance(span.end, int)
        assert 0 <= span.start < span.end <= len(text), span
        assert span.start >= prev_end, "spans must be sorted and must not overlap"
        assert text[span.start : span.end].strip(), "a span of nothing but whitespace cuts nothing"
        assert 0.0 <= span.score <= 1.0, span
        assert span.label in FAMILIES, span
        assert isinstance(span.reasons, tuple) and all(isinstance(r, str) and r for r in span.reasons), span
        prev_end = span.end
    assert 0.0 <= result.score <= 1.0
    assert 0.0 <= result.page_score <= 1.0
    assert result.removed_chars == sum(s.end - s.start for s in result.spans)
    assert isinstance(result.model, str) and result.model
    record = json.loads(json.dumps(result.to_dict()))
    assert set(record) == {"spans", "score", "page_score", "removed_chars", "model"}
    assert [(s["start"], s["end"]) for s in record["spans"]] == [(s.start, s.end) for s in result.spans]
    for s in record["spans"]:
        assert set(s) == {"start", "end", "label", "score", "reasons"}
    check_cut(text, [(s.start, s.end) for s in result.spans], result.apply(text))


def marked(source: str) -> tuple[str, list[tuple[int, int]]]:
    """Text and spans from a string with the spans written as ⟦...⟧."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start = 0
    for part in re.split("(\u27e6|\u27e7)", source):
        if part == "\u27e6":
            start = length
        elif part == "\u27e7":
            spans.append((start, length))
        else:
            out.append(part)
            length += len(part)
    return "".join(out), spans


# --------------------------------------------------------------------------- remove_spans


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("\u27e6Buy pills now.\u27e7 The article begins.", "The article begins."),
        ("The article ends. \u27e6Buy pills now.\u27e7", "The article ends."),
        ("The article ends. \u27e6Buy pills now.\u27e7\n", "The article ends.\n"),
        ("I want to \u27e6[have](http://x)\u27e7 the book.", "I want to the book."),
        ("Para one.\n\n\u27e6Spam para.\u27e7\n\nPara three.", "Para one.\n\nPara three."),
        ("Para one.\n\n\u27e6Spam para.\u27e7", "Para one."),
        ("\u27e6Spam para.\u27e7\n\nPara two.", "Para two."),
        ("Line one.\n\u27e6Spam line.\u27e7\nLine three.", "Line one.\nLine three."),
        ("Keep. \u27e6Spam one.\u27e7\u27e6 Spam two.\u27e7 Keep too.", "Keep. Keep too."),
        ("A \u27e6x\u27e7 B \u27e6y\u27e7 C", "A B C"),
        ("See \u27e6http://spam.example/x\u27e7. Then more.", "See. Then more."),
        ("word \u27e6spam\u27e7, next", "word, next"),
        ("He asked \u27e6buy now\u27e7? Nobody answered.", "He asked? Nobody answered."),
        ("Keep.\n\n\u27e6Spam.\u27e7\n\n    indented code", "Keep.\n\n    indented code"),
        ("  \u27e6Spam.\u27e7 Keep.", "Keep."),
        ("\u27e6all of it\u27e7", ""),
        ("\u27e6all of it\u27e7\n", ""),
        ("Keep \u27e6spam one\u27e7 \u27e6spam two\u27e7more.", "Keep more."),
        ("No spans at all.  \n", "No spans at all.  \n"),
        ("Text.\n\n\u27e6[1]: http://a.example\n[2]: http://b.example\u27e7\n", "Text.\n"),
    ],
)
def test_remove_spans(source: str, expected: str) -> None:
    text, spans = marked(source)
    assert remove_spans(text, spans) == expected
    check_cut(text, spans, remove_spans(text, spans))


def test_remove_spans_accepts_spans_in_any_order() -> None:
    text, spans = marked("One \u27e6two\u27e7 three \u27e6four\u27e7 five.")
    assert remove_spans(text, list(reversed(spans))) == remove_spans(text, spans) == "One three five."


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(st.text(alphabet=st.sampled_from(list("ab .,\n\t)\u201d\u00a0")), max_size=60))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if a < b]
    return text, spans


@settings(max_examples=500, deadline=None)
@given(text_and_spans())
def test_remove_spans_cuts_exactly_the_spans(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    check_cut(text, spans, remove_spans(text, spans))


# --------------------------------------------------------------------------- the engine's contract

_FRAGMENTS = [
    "The library reopened on Monday after a two-year renovation.",
    "Readers queued outside before the doors opened at nine.",
    "According to the council, the project came in under budget.",
    "It follows the plan approved in 2019.",
    "buy cheap viagra online without prescription",
    "best online casino bonus free spins",
    "payday loans no credit check",
    "cialis 40 mg",
    "replica rolex watches",
    "http://raindogscine.com/?attachment_id=248",
    "https://example.org/news/library",
    "www.cheap-pills.example/buy",
    "[cheap cialis](http://pharmacy.example/buy)",
    "[have][7]",
    "[7]: http://casino.example/?p=12",
    '<a href="http://loans.example">fast cash</a>',
    "<http://x.example/a>",
    "\u0441heap v\u0456agra",
    "vi\u200bagra",
    "\u201cquoted words.\u201d",
    "\u2026",
    "(",
    ")",
    "!",
]
_SEPARATORS = [" ", " ", "", "\n", "\n\n", ". ", "  \n \n"]

fragment_docs = st.lists(
    st.tuples(st.sampled_from(_FRAGMENTS), st.sampled_from(_SEPARATORS)), max_size=30
).map(lambda parts: "".join(f + s for f, s in parts))

wide_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(list("\n\n \t[]()<>:/.!?\"\u201d\u200b\u200d\ufeff\u00a0\u2028")),
    ),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(wide_text)
def test_contract_holds_on_arbitrary_unicode(excisor: Excisor, text: str) -> None:
    check_result(text, excisor.scan(text))


@settings(max_examples=300, deadline=None)
@given(fragment_docs)
def test_contract_holds_on_assembled_documents(excisor: Excisor, text: str) -> None:
    result = excisor.scan(text)
    check_result(text, result)
    assert excisor.clean(text) == result.apply(text)


def test_contract_on_a_contaminated_document(excisor: Excisor) -> None:
    text = "\n\n".join(_FRAGMENTS[:4]) + "\n\n" + " ".join(_FRAGMENTS[4:16]) + "\n\n" + _FRAGMENTS[2]
    check_result(text, excisor.scan(text))


@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n\n", " \t\n \u00a0\u2028\u3000\n"])
def test_empty_and_whitespace_only_documents_pass_through(excisor: Excisor, text: str) -> None:
    result = excisor.scan(text)
    check_result(text, result)
    assert result.spans == ()
    assert result.removed_chars == 0
    assert result.apply(text) == text
    assert excisor.clean(text) == text


def test_a_result_without_spans_leaves_the_text_alone() -> None:
    text = "  Nothing to cut here.\n\n"
    assert Result().apply(text) == text


def test_invalid_options_are_rejected() -> None:
    with pytest.raises(ConfigError):
        Excisor(threshold=1.5)
    with pytest.raises(ConfigError):
        Excisor(switch_cost=-1.0)
    for name in ("paragraph_switch_cost", "link_switch_cost", "line_switch_cost"):
        for bad in (-0.5, float("inf"), float("nan")):
            with pytest.raises(ConfigError, match=name):
                Excisor(**{name: bad})


# --------------------------------------------------------------------------- picklable, usable in workers

_DOCS = [
    "The library reopened on Monday after a two-year renovation. Readers queued before nine.",
    "Council minutes. Buy cheap viagra online http://pills.example/buy now. The budget was approved.",
    "",
]


def test_excisor_survives_a_pickle_round_trip(excisor: Excisor) -> None:
    data = pickle.dumps(excisor)
    assert len(data) < 10_000, "only the model path and the config should travel, not the model"
    clone = pickle.loads(data)
    assert clone.config == excisor.config
    for doc in _DOCS:
        assert clone.scan(doc) == excisor.scan(doc)


def test_excisor_works_in_a_spawned_process_pool(excisor: Excisor) -> None:
    expected = [excisor.clean(doc) for doc in _DOCS]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map_async(excisor.clean, _DOCS).get(timeout=180) == expected
