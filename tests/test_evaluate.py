"""Character-level scoring in excise.evaluate, on hand-made gold and a fake excisor."""

from __future__ import annotations

import pytest

from excise.errors import InputError
from excise.evaluate import Counts, Report, Tally, char_prf, evaluate, gold_spans, touches_text
from excise.types import Result, Span

#          0123456789012345678901234
TEXT = "good text. BUY PILLS. end"  # spam "BUY PILLS." is [11, 21): 9 non-space characters


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([(11, 21)], [(11, 21)], (9, 0, 0)),
        ([(11, 21)], [(10, 22)], (9, 0, 0)),  # the spaces around the cut do not count
        ([(11, 21)], [], (0, 0, 9)),
        ([], [(11, 21)], (0, 9, 0)),
        ([], [(4, 5)], (0, 0, 0)),  # a whitespace-only cut touches nothing
        ([(11, 21)], [(15, 25)], (6, 3, 3)),  # "PILLS." hit, " end" false, "BUY" missed
        ([(11, 21)], [(0, 4), (11, 14)], (3, 4, 6)),
        ([(11, 16), (14, 21)], [(11, 21), (11, 21)], (9, 0, 0)),  # overlaps merge, nothing double-counted
        ([(11, 21)], [(-5, 2), (20, 99)], (1, 5, 8)),  # clipped: "go", ".", " end"
        ([], [], (0, 0, 0)),
    ],
)
def test_char_prf(gold: list, pred: list, expected: tuple[int, int, int]) -> None:
    counts = char_prf(gold, pred, TEXT)
    assert (counts.tp, counts.fp, counts.fn) == expected


def test_char_prf_counts_unicode_whitespace_as_whitespace() -> None:
    text = "a\u00a0\u2003b\n\tc"
    assert char_prf([(0, len(text))], [(0, len(text))], text).tp == 3


@pytest.mark.parametrize(
    ("counts", "precision", "recall", "f1"),
    [
        (Counts(tp=6, fp=2, fn=4), 0.75, 0.6, 2 * 6 / (12 + 2 + 4)),
        (Counts(tp=0, fp=0, fn=5), None, 0.0, 0.0),
        (Counts(tp=0, fp=3, fn=0), 0.0, None, 0.0),
        (Counts(), None, None, None),
    ],
)
def test_rates(counts: Counts, precision: float | None, recall: float | None, f1: float | None) -> None:
    assert counts.precision == precision
    assert counts.recall == recall
    assert counts.f1 == pytest.approx(f1) if f1 is not None else counts.f1 is None


@pytest.mark.parametrize(("spans", "touched"), [([], False), ([(4, 5)], False), ([(4, 6)], True)])
def test_touches_text(spans: list, touched: bool) -> None:
    assert touches_text(spans, TEXT) is touched


def test_tally_counts_documents() -> None:
    tally = Tally()
    tally.add([(11, 21)], [(11, 21)], TEXT)  # spam, hit
    tally.add([(11, 21)], [], TEXT)  # spam, missed
    tally.add([], [(0, 4)], TEXT)  # clean, touched
    tally.add([], [(4, 5)], TEXT)  # clean, only whitespace cut: untouched
    tally.add([], [], TEXT)  # clean
    assert (tally.docs, tally.spam_docs, tally.spam_docs_hit, tally.clean_docs, tally.clean_touched) == (5, 2, 1, 3, 1)
    assert tally.clean_touched_rate == pytest.approx(1 / 3)
    assert (tally.counts.tp, tally.counts.fp, tally.counts.fn) == (9, 4, 9)


class FakeExcisor:
    """Returns fixed spans per text, so evaluation does not depend on a model."""

    def __init__(self, predictions: dict[str, list[tuple[int, int]]]) -> None:
        self.predictions = predictions

    def scan(self, text: str) -> Result:
        spans = tuple(Span(start, end) for start, end in self.predictions.get(text, []))
        return Result(spans, score=1.0 if spans else 0.0, model="fake", length=len(text))


GOLD = [
    {"id": "a", "src": "x", "text": "spam here and good text", "spans": [[0, 10]]},  # "spamhere" = 8
    {"id": "b", "src": "x", "text": "clean and quiet", "spans": []},
    {"id": "c", "src": "y", "text": "good; spam spam", "spans": [[6, 15]]},  # "spamspam" = 8
    {"id": "d", "src": "y", "text": "also clean", "spans": []},
]
PREDICTIONS = {
    "spam here and good text": [(0, 4), (14, 18)],  # tp "spam" 4, fp "good" 4, fn "here" 4
    "clean and quiet": [(0, 5)],  # fp 5: a clean document touched
    "good; spam spam": [(6, 15)],  # tp 8
}


def test_evaluate_micro_averages_over_the_set() -> None:
    report = evaluate(FakeExcisor(PREDICTIONS), GOLD)
    overall = report.overall
    assert (overall.counts.tp, overall.counts.fp, overall.counts.fn) == (12, 9, 4)
    assert overall.counts.precision == pytest.approx(12 / 21)
    assert overall.counts.recall == pytest.approx(12 / 16)
    assert overall.counts.f1 == pytest.approx(24 / (24 + 9 + 4))
    assert (overall.docs, overall.spam_docs, overall.clean_docs, overall.clean_touched) == (4, 2, 2, 1)
    assert report.groups == {}
    assert report.to_dict() == {"overall": overall.to_dict()}


def test_evaluate_by_group() -> None:
    report = evaluate(FakeExcisor(PREDICTIONS), GOLD, by="src")
    x, y = report.groups["x"], report.groups["y"]
    assert (x.counts.tp, x.counts.fp, x.counts.fn, x.clean_touched) == (4, 9, 4, 1)
    assert (y.counts.tp, y.counts.fp, y.counts.fn, y.clean_touched) == (8, 0, 0, 0)
    data = report.to_dict()
    assert data["by"] == "src"
    assert list(data["groups"]) == ["x", "y"]
    assert data["groups"]["y"]["f1"] == 1.0
    assert data["overall"]["clean_touched_rate"] == 0.5


def test_evaluate_groups_missing_field_as_none() -> None:
    report = evaluate(FakeExcisor({}), [{"text": "t", "spans": []}], by="lang")
    assert list(report.groups) == ["(none)"]


def test_report_table_has_a_row_per_group_and_overall() -> None:
    table = evaluate(FakeExcisor(PREDICTIONS), GOLD, by="src").format_table()
    lines = table.splitlines()
    assert lines[0].split()[:6] == ["group", "docs", "spam", "P", "R", "F1"]
    assert [line.split()[0] for line in lines[2:]] == ["x", "y", "all"]
    assert lines[-1].split()[1:6] == ["4", "2", "0.571", "0.750", "0.649"]
    assert lines[-1].endswith("1/2 (50.0%)")


def test_report_table_shows_undefined_rates_as_dash() -> None:
    report = Report()
    report.add([], [], "clean")
    assert report.format_table().splitlines()[-1].split()[3:6] == ["-", "-", "-"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": "abc"}, "no 'spans' field"),
        ({"text": "abc", "spans": "0-1"}, "must be a list"),
        ({"text": "abc", "spans": [[0]]}, "not a \\[start, end\\] pair"),
        ({"text": "abc", "spans": [[0, 1.5]]}, "not a \\[start, end\\] pair"),
        ({"text": "abc", "spans": [[True, 2]]}, "not a \\[start, end\\] pair"),
        ({"text": "abc", "spans": [[2, 1]]}, "out of bounds"),
        ({"text": "abc", "spans": [[0, 4]]}, "out of bounds"),
    ],
)
def test_gold_spans_are_checked(record: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        gold_spans(record)


def test_gold_spans_accepts_good_spans() -> None:
    assert gold_spans({"text": "abcdef", "spans": [[0, 2], [3, 6]]}) == [(0, 2), (3, 6)]
