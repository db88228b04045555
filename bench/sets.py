"""The evaluation sets of the public benchmark, each rebuilt from ``../shared/data`` with a fixed seed.

Every set is a list of gold records (``{"id", "text", "spans", ...}``, the
``excise eval`` format) and nothing here depends on a model, so every method of
the benchmark is scored on the same records.

- ``synthetic``: test-split spam texts injected into test-split hosts in nine
  styles (``build_training_docs(split="test")``; training never sees either);
- ``obfuscated``: the same documents with the spam's words hidden by
  look-alike letters, invisible characters, character references, spaced
  letters and digits (:mod:`excise.training.obfuscate`), spans moved with them;
- ``in_sentence``: short anchors (one to six words, linked or not) put inside
  legitimate sentences, and links wrapped around one to three of a sentence's own
  words, where only the link syntax is spam;
- ``spam_pages``: whole test-split spam texts as documents, beside as many clean
  hosts: for the document-level score;
- ``site_chrome``: the synthetic test documents, each dressed in site chrome
  (:mod:`excise.training.chrome`) written from the test split's 15 templates, which training never
  sees (newsletter prompts, share bars, footer, navigation and account lines, donation asks; the
  split, by a hash, left no cookie notice or comment-form template in it); the hard negatives
  appended to the set stay as they are;
- ``hard_negatives``: every host of both splits about the same topics as spam,
  unchanged;
- ``real_dev``: the hand-labelled real documents in ``real-dev/``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from excise.training.obfuscate import obfuscate
from excise.training.sources import clean_hosts, spam_pieces
from excise.training.synth import Doc, Injector, keyword_anchors
from excise.training.train import build_training_docs

Records = list[dict[str, Any]]

REAL_DEV = ("seed_gold.jsonl", "xebia_gold.jsonl")


def read_gold(path: Path) -> Records:
    """The records of a gold JSONL file."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def real_dev(data: Path) -> dict[str, Records]:
    """Each real dev gold file's records, by file name."""
    return {name: read_gold(data / "real-dev" / name) for name in REAL_DEV}


def synthetic_docs(data: Path, n: int, seed: int, chrome_share: float = 0.0) -> list[Doc]:
    """The synthetic test documents (test-split hosts and spam, nine styles, 40 % clean, hard negatives clean;
    ``chrome_share`` of them dressed in site chrome)."""
    return build_training_docs(data, seed=seed, n_docs=n, split="test", chrome_share=chrome_share)


def synthetic(data: Path, n: int, seed: int) -> Records:
    """The synthetic test benchmark as gold records."""
    return [doc.to_gold() for doc in synthetic_docs(data, n, seed)]


def site_chrome(data: Path, n: int, seed: int) -> Records:
    """The synthetic test documents, every one dressed in site chrome from the test split's templates (the
    hard negatives at the end of the set as they are)."""
    return [doc.to_gold() for doc in synthetic_docs(data, n, seed, chrome_share=1.0)]


def obfuscated(data: Path, n: int, seed: int, rate: float = 0.35) -> Records:
    """The synthetic test documents with about ``rate`` of the spam's words obfuscated (clean text unchanged)."""
    return [obfuscate(doc, seed, rate=rate).to_gold() for doc in synthetic_docs(data, n, seed)]


def held_out_injector(data: Path, seed: int, family: str | None = None) -> tuple[Injector, list[Any], int]:
    """An injector of test-split spam (only ``family``'s texts and keyword anchors when given) seeded with
    ``seed``, the test-split hosts, and the number of spam texts it draws from."""
    spam = [p for p in spam_pieces(data) if p.split == "test" and (family is None or p.family == family)]
    hosts = [h for h in clean_hosts(data) if h.split == "test"]
    anchors = [a for a in keyword_anchors(str(data / "smokedetector" / "bad_keywords.txt"))
               if family is None or a[1] == family]
    return Injector(spam, anchors, seed=seed, filler=[h.text for h in hosts]), hosts, len(spam)


def _anchor_kind(record: dict[str, Any]) -> str:
    """How an in-sentence record's spam stands: link wraps, linked anchors, plain (unlinked) anchors, or a mix."""
    if "linkwrap" in record["style"]:
        return "link wrap" if record["style"] == "linkwrap" else "link wrap and anchor"
    linked = ["http" in record["text"][a:b] or "www." in record["text"][a:b] for a, b in record["spans"]]
    return "linked anchor" if all(linked) else "plain anchor" if not any(linked) else "linked and plain anchors"


def in_sentence(data: Path, n: int, seed: int) -> Records:
    """``n`` test-split hosts, each with anchors inside its sentences or links wrapped around its own words;
    ``kind`` says which (``_anchor_kind``)."""
    injector, hosts, _ = held_out_injector(data, seed)
    docs = injector.make(hosts, n, clean_share=0.0, styles=("anchor", "linkwrap"), prefix="in-sentence")
    records = [doc.to_gold() for doc in docs]
    for record in records:
        record["kind"] = _anchor_kind(record)
    return records


def spam_pages(data: Path, seed: int) -> Records:
    """Every test-split spam text as a document of its own (all spam), and as many clean test-split hosts."""
    spam = [p for p in spam_pieces(data) if p.split == "test"]
    hosts = [h for h in clean_hosts(data) if h.split == "test" and not h.hard_negative]
    rng = random.Random(seed)
    hosts = rng.sample(hosts, min(len(hosts), len(spam)))
    records = []
    for p in spam:
        text = p.text.strip()
        if text:
            records.append({"id": p.id, "text": text, "spans": [[0, len(text)]], "family": p.family,
                            "page": "spam"})
    records += [{"id": h.id, "text": h.text, "spans": [], "family": "clean", "page": "clean"} for h in hosts]
    return records


def hard_negatives(data: Path) -> Records:
    """Every hard-negative host of both splits, unchanged, as clean gold records."""
    return [{"id": h.id, "text": h.text, "spans": [], "hard_negative": h.hard_negative, "split": h.split}
            for h in clean_hosts(data) if h.hard_negative]
