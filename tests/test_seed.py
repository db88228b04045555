"""The golden test: the seed document is cut exactly along its gold span, and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from excise import Excisor, cli


def visible_positions(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Offsets of the non-whitespace characters of ``text`` inside ``spans``."""
    return {i for start, end in spans for i in range(start, end) if not text[i].isspace()}


def char_f1(predicted: set[int], gold: set[int]) -> float:
    if not predicted and not gold:
        return 1.0
    return 2 * len(predicted & gold) / (len(predicted) + len(gold))


def describe(text: str, positions: set[int]) -> str:
    """The characters at ``positions`` as readable stretches, for failure messages."""
    stretches: list[str] = []
    last = -2
    for i in sorted(positions):
        if stretches and (i == last + 1 or text[last + 1 : i].isspace()):
            stretches[-1] += text[last + 1 : i + 1]
        else:
            stretches.append(text[i])
        last = i
    return " | ".join(repr(s[:80] + ("..." if len(s) > 80 else "")) for s in stretches) or "nothing"


def test_seed_is_cut_exactly_along_the_gold_span(shared_data: Path, excisor: Excisor) -> None:
    gold_file = shared_data / "real-dev" / "seed_gold.jsonl"
    records = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert records, f"{gold_file} holds no records"
    for record in records:
        text = record["text"]
        result = excisor.scan(text)
        predicted = visible_positions(text, [(s.start, s.end) for s in result.spans])
        gold = visible_positions(text, [tuple(span) for span in record["spans"]])
        assert char_f1(predicted, gold) == 1.0 and predicted == gold, (
            f"{record['id']}: char-F1 {char_f1(predicted, gold):.3f}; "
            f"missed: {describe(text, gold - predicted)}; cut but clean: {describe(text, predicted - gold)}"
        )


def test_excise_clean_on_the_seed_example(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = shared_data.parent / "examples" / "seed.txt"
    if not seed.is_file():
        pytest.skip(f"{seed} not found")
    assert cli.main(["clean", str(seed)]) == 0
    cleaned = capsys.readouterr().out
    assert "According to Reuters" in cleaned
    survived = [spam for spam in ("viagra", "levitra", "cialis 40 mg") if spam in cleaned.lower()]
    assert survived == [], "spam survived cleaning"
