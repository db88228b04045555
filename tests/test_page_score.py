"""The page score: the probability that a whole document is spam, for dropping spam pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from excise import Excisor
from excise.model import Model

# written for this test: a whole page that sells and nothing else, and a whole page that does not sell
SPAM_PAGE = ("Cheap meds online! Buy generic viagra and cialis without prescription, lowest prices guaranteed. "
             "Order today and get free shipping worldwide plus a bonus pack of pills. Click here: "
             "http://cheap-meds-online.example/order\n\nBest online pharmacy, discreet packaging, 24/7 support. "
             "Save 80% on all ED pills now!")
CLEAN_PAGE = ("The county council approved a plan on Tuesday to rebuild the bridge over the river, which has been "
              "closed to lorries since the floods two winters ago. Engineers expect the work to take eighteen "
              "months.\n\nResidents who spoke at the meeting asked for a temporary footbridge, and the council said "
              "it would look at the cost before the next meeting in March.")


def test_a_spam_page_scores_high_and_a_clean_page_low(excisor: Excisor) -> None:
    spam, clean = excisor.scan(SPAM_PAGE), excisor.scan(CLEAN_PAGE)
    assert spam.page_score > 0.9
    assert clean.page_score < 0.1
    assert spam.to_dict()["page_score"] == round(spam.page_score, 4)


def test_a_page_with_spam_injected_is_not_a_spam_page(excisor: Excisor) -> None:
    seed = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed.txt"
    if not seed.exists():
        pytest.skip(f"the seed example is not at {seed}: check out 'shared' beside the repository")
    result = excisor.scan(seed.read_text(encoding="utf-8"))
    assert result.spans and result.score > 0.5
    assert result.page_score < 0.1


def test_a_model_without_a_page_score_says_0(excisor: Excisor) -> None:
    model = excisor.model
    saved = model.meta.get("page")
    try:
        model.meta["page"] = None
        assert model.page_proba(5.0, 1.0) == 0.0
    finally:
        model.meta["page"] = saved


def test_the_page_weights_are_part_of_the_model_name(tmp_path: Path) -> None:
    model = Model.load()
    assert model.meta.get("page"), "the shipped model has a page score"
    model.meta["page"] = [w + 0.5 for w in model.meta["page"]]
    path = tmp_path / "other.npz"
    model.save(path)
    assert Model.load(path).name != Model.load().name
