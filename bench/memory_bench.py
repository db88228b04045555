"""Corpus memory on a campaign the model never saw: one pass against two (``excise clean --memory``).

The corpus (seeded, rebuilt from ``../shared/data``): ``--campaigns`` test-split spam texts
of ``--family`` are the campaigns' templates; ``--injected`` test-split hosts get one of
them each (sentences of the template, in the nine styles of the synthetic set, 15 % of
documents twice: :class:`excise.training.synth.Injector` drawing from the templates only),
beside ``--clean`` other test-split hosts left as they are (hard negatives among them).
The model must be one trained without the family, for instance the one
``python bench/lofo.py --families loans --keep-models DIR`` trains and keeps.

Scored on the same documents: char-F1 over the injected ones and documents touched among
the clean ones (and the hard negatives among them), with the model alone and with the
memory the first pass gathered, run as ``excise clean --memory`` runs it (the second pass
scans again only the documents the memory may change); CPU seconds for each.

    python bench/memory_bench.py --model DIR/lofo-loans.npz --family loans --json bench/out/memory.json
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import (
    command_line,
    data_dir,
    load_excisor,
    markdown_table,
    model_facts,
    preamble,
    write_json,
)

from excise.engine import Excisor
from excise.evaluate import evaluate
from excise.memory import Memory, Trace
from excise.training.sources import clean_hosts, spam_pieces
from excise.training.synth import Injector, keyword_anchors
from excise.types import Result


def campaign_corpus(data: Path, family: str, campaigns: int, injected: int, clean: int, seed: int
                    ) -> list[dict[str, Any]]:
    """Gold records: ``injected`` hosts carrying one of ``campaigns`` templates of ``family``, ``clean`` hosts."""
    rng = random.Random(seed)
    spam = [p for p in spam_pieces(data) if p.split == "test" and p.family == family]
    if not spam:
        sys.exit(f"error: no test-split spam texts of family {family!r}")
    templates = rng.sample(spam, min(campaigns, len(spam)))
    hosts = [h for h in clean_hosts(data) if h.split == "test"]
    anchors = [a for a in keyword_anchors(str(data / "smokedetector" / "bad_keywords.txt")) if a[1] == family]
    injector = Injector(templates, anchors, seed=seed, filler=[h.text for h in hosts])
    gold = [d.to_gold() for d in injector.make(hosts, injected, clean_share=0.0, prefix=f"campaign-{family}")]
    for h in rng.sample(hosts, min(clean, len(hosts))):
        gold.append({"id": f"clean:{h.id}", "text": h.text, "spans": [], "style": "clean",
                     "hard_negative": h.hard_negative})
    rng.shuffle(gold)
    return gold


class _Found:
    """Scans that are already done, handed to ``evaluate`` in the order of the gold records."""

    def __init__(self, results: Sequence[Result]) -> None:
        self.results = iter(results)

    def scan(self, text: str) -> Result:
        return next(self.results)


def scan_all(excisor: Excisor, texts: Sequence[str], traces: list[Trace | None] | None = None) -> list[Result]:
    """The scans of ``texts`` in batches of 128, as ``excise clean`` makes them (``traces``: gathers theirs)."""
    return [r for lo in range(0, len(texts), 128) for r in excisor.scan_batch(texts[lo : lo + 128], traces)]


def touched(gold: Sequence[dict[str, Any]], results: Sequence[Result]) -> int:
    """Clean hard negatives (hosts about what spam is about, left as they are) that lose any character."""
    return sum(bool(r.spans) for g, r in zip(gold, results) if g.get("hard_negative") and not g["spans"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a model trained without --family")
    parser.add_argument("--family", required=True, help="the campaign's spam family (absent from the model)")
    parser.add_argument("--campaigns", type=int, default=6, help="templates (default: %(default)s)")
    parser.add_argument("--injected", type=int, default=300, help="injected documents (default: %(default)s)")
    parser.add_argument("--clean", type=int, default=1000, help="clean documents (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1234, help="corpus seed (default: %(default)s)")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    args = parser.parse_args(argv)
    data = data_dir(args.data)
    plain = load_excisor(args.model)
    gold = campaign_corpus(data, args.family, args.campaigns, args.injected, args.clean, args.seed)
    texts = [g["text"] for g in gold]
    # one pass: the model alone
    started = time.process_time()
    first = scan_all(plain, texts)
    single_s = time.process_time() - started
    # with memory, as `excise clean --memory` runs: the first pass's scans (with their traces) teach the
    # memory; the second pass scans again only the documents the memory may change (Memory.may_change) and
    # keeps the others' results
    started = time.process_time()
    traces: list[Trace | None] = []
    traced = scan_all(plain, texts, traces)
    assert traced == first, "a traced scan differs from the plain one"
    memory = Memory()
    for text, result in zip(texts, traced):
        memory.learn(text, result)
    remembering = Excisor(plain.model, memory=memory)
    again = [k for k, (text, trace) in enumerate(zip(texts, traces)) if memory.may_change(text, trace)]
    second = list(traced)
    for k, result in zip(again, scan_all(remembering, [texts[k] for k in again])):
        second[k] = result
    memory_s = time.process_time() - started
    single = evaluate(_Found(first), gold).overall.to_dict()
    with_memory = evaluate(_Found(second), gold).overall.to_dict()
    hard = sum(1 for g in gold if g.get("hard_negative") and not g["spans"])
    figures = {"family": args.family, "campaigns": args.campaigns, "injected": args.injected, "clean": args.clean,
               "seed": args.seed, "single": single, "memory": with_memory,
               "gain": round(with_memory["f1"] - single["f1"], 4), "hard_negatives": hard,
               "hard_touched_single": touched(gold, first), "hard_touched_memory": touched(gold, second),
               "seconds_single": round(single_s, 2), "seconds_memory": round(memory_s, 2),
               "scanned_again": len(again), "memory_summary": memory.summary(5), "command": command_line()}
    print(preamble("excise corpus memory on an unseen campaign", [command_line()], data=data,
                   **model_facts(plain, args.model),
                   corpus=f"{args.injected} hosts injected from {args.campaigns} {args.family} templates, "
                          f"{args.clean} clean hosts ({hard} hard negatives), seed {args.seed}"))
    print()
    rows = []
    for name, fig, seconds, hard_touched in (("model alone (one pass)", single, single_s, figures["hard_touched_single"]),
                                             ("with memory (two passes)", with_memory, memory_s,
                                              figures["hard_touched_memory"])):
        rows.append([name, f"{fig['precision']:.3f}", f"{fig['recall']:.3f}", f"**{fig['f1']:.3f}**",
                     f"{fig['clean_touched']}/{fig['clean_docs']}", f"{hard_touched}/{hard}", f"{seconds:.1f}"])
    print(markdown_table(["run", "P", "R", "F1", "clean documents touched", "hard negatives touched", "CPU s"], rows))
    print(f"\nF1 gain: {figures['gain']:+.3f}; memory: {memory.summary(0)['usable']} usable shingles, "
          f"{memory.summary(0)['words']} usable words from {memory.spans} spans of {memory.documents} documents; "
          f"second pass scanned {len(again)} of {len(texts)} documents again")
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
