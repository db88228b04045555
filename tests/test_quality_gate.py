"""Quality gate on the real hacked posts: pinned floors, raised by a commit, never lowered quietly.

The figures are from the shipped model on ``../shared/data/real-dev`` (a development set, not
training data). The issue's target is char-F1 >= 0.90 with no clean post touched; the floor sits
a little under the shipped model's figure so that a regression fails loudly.
"""

from __future__ import annotations

import json
from pathlib import Path

from excise import Excisor
from excise.evaluate import evaluate

XEBIA_F1_FLOOR = 0.95
XEBIA_CLEAN_TOUCHED_MAX = 0  # of 40 clean look-alike posts


def test_real_hacked_posts_gate(shared_data: Path, excisor: Excisor) -> None:
    path = shared_data / "real-dev" / "xebia_gold.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = evaluate(excisor, records).to_dict()
    overall = report["overall"] if "overall" in report else report
    f1 = overall["f1"]
    touched = overall["clean_touched"]
    assert f1 is not None and f1 >= XEBIA_F1_FLOOR, f"char-F1 {f1} fell below the floor {XEBIA_F1_FLOOR}"
    assert touched <= XEBIA_CLEAN_TOUCHED_MAX, f"{touched} clean posts touched"
