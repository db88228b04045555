"""Site chrome in training: dressing documents keeps their gold exact, and the splits stay apart."""

from __future__ import annotations

from pathlib import Path

from excise import Excisor
from excise.training.chrome import TEMPLATES, Chrome, dress
from excise.training.sources import clean_hosts
from excise.training.synth import Doc


def _docs() -> list[Doc]:
    spam = "Buy cheap pills at http://pills.example/buy now."
    a = "The council met on Tuesday.\n\nIt voted on the budget.\n\n" + spam + "\n\nThe meeting closed at nine."
    start = a.index(spam)
    return [Doc("a", a, [(start, start + len(spam))], "h1", "pharma", "para"),
            Doc("b", "A clean page.\n\nWith two paragraphs.", [], "h2")]


def test_dressing_moves_gold_spans_with_the_text_and_never_splits_them() -> None:
    docs = _docs()
    for seed in range(30):
        dressed = dress(docs, Chrome(seed), share=1.0)
        for before, after in zip(docs, dressed):
            assert [before.text[a:b] for a, b in before.spans] == [after.text[a:b] for a, b in after.spans]
            assert len(after.text) > len(before.text)
            # the document's own paragraphs are all still there, in order
            position = 0
            for paragraph in before.text.split("\n\n"):
                position = after.text.index(paragraph, position) + len(paragraph)


def test_share_zero_leaves_documents_alone_and_dressing_is_seeded() -> None:
    docs = _docs()
    assert [d.text for d in dress(docs, Chrome(1), share=0.0)] == [d.text for d in docs]
    assert [d.text for d in dress(docs, Chrome(4), 1.0)] == [d.text for d in dress(docs, Chrome(4), 1.0)]
    assert [d.text for d in dress(docs, Chrome(4), 1.0)] != [d.text for d in dress(docs, Chrome(5), 1.0)]


def test_train_and_test_templates_are_disjoint_and_cover_every_template() -> None:
    train = set(Chrome(0, "train").templates)
    test = set(Chrome(0, "test").templates)
    assert train and test and not train & test
    assert len(train | test) == sum(len(ts) for ts in TEMPLATES.values())


def test_every_slot_of_every_template_is_filled() -> None:
    chrome = Chrome(2, "train")
    for kind, template in chrome.templates + Chrome(2, "test").templates:
        chrome.templates = [(kind, template)]
        for line in chrome.lines("The Daily Notes"):
            assert line.strip() and "{" not in line and "}" not in line, (kind, template, line)


# Written for this test, after training, and seen by no training run: a site's own words about itself.
FRESH_CHROME = (
    "Want the next issue? Put your email in the box below and we'll send it over.",
    "We use cookies on this site. Some are essential; others help us improve it.",
    "Comments are moderated and may take a day to appear.",
    "Share this story|Facebook|X|Email",
    "Readers like you keep this site running. Chip in what you can.",
    "Listen on Apple Podcasts or Spotify.",
    "Related reading|More from this author",
    "Get breaking news alerts on your phone: download our app.",
    "Log in|Create account",
    "You have reached your limit of free articles this month. Subscribe for full access.",
)


def test_the_shipped_model_leaves_a_sites_own_chrome_alone(shared_data: Path, excisor: Excisor) -> None:
    """Cookie notices, newsletter prompts and share bars above or below a clean article are not spam. The bar
    (at least 80 % of line-and-page pairs kept) was set before the test first ran; the shipped model cut 43 of
    the 400, one trained with ``--chrome-share 0.3`` 35."""
    hosts = [h for h in clean_hosts(shared_data) if h.split == "test" and not h.hard_negative][:400:20]
    kept = cut = 0
    for line in FRESH_CHROME:
        chrome = line.replace("|", "\n")
        for host in hosts:
            text = host.text.rstrip()
            for dressed, where in ((f"{text}\n\n{chrome}\n", len(text)), (f"{chrome}\n\n{text}", 0)):
                spans = excisor.scan(dressed).spans
                inside = range(where, where + len(chrome) + 2)
                if any(s.start in inside or (s.start < where + len(chrome) and s.end > where) for s in spans):
                    cut += 1
                else:
                    kept += 1
    assert kept / (kept + cut) >= 0.8, f"{cut} of {kept + cut} chrome lines cut"
