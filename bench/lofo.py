"""Leave-one-family-out: train without a spam family, then find that family.

For each family, a model is trained exactly as ``excise train`` does but with
every spam text (and keyword anchor) of the family left out, then evaluated on
test-split hosts injected only with the family's test-split spam texts (30 %
of the documents left clean). This is the honest test of generalisation: the
model has never seen a word of that family's spam.

    python bench/lofo.py --jobs 2 --json bench/out/lofo.json
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from common import (_rate, command_line, data_dir, load_excisor, log, markdown_table, preamble, tally_cells,
                    write_json)
from sets import held_out_injector

from excise.evaluate import Counts, evaluate
from excise.training import DEFAULT_DOCS
from excise.training.train import train

# every family with test-split spam texts of its own ("other" is the rest; essay and replica have one each)
FAMILIES = ("pharma", "gambling", "loans", "adult", "crypto", "seo")


def family_gold(data: Path, family: str, n: int, seed: int) -> tuple[list[dict[str, Any]], int]:
    """``n`` test-split documents injected only with ``family`` (30 % clean), and the number of spam texts used."""
    injector, hosts, n_spam = held_out_injector(data, seed, family)
    docs = injector.make(hosts, n, clean_share=0.3, prefix=f"lofo-{family}")
    return [doc.to_gold() for doc in docs], n_spam


def run_family(family: str, data: Path, docs: int, n: int, seed: int, eval_seed: int,
               models: Path | None, reuse: bool = False) -> dict[str, Any]:
    """Train without ``family``, save the model, evaluate it on ``family`` alone; JSON-ready figures.

    ``reuse``: score the model kept in ``models`` by an earlier run instead of training one (after a change
    to the engine that leaves training as it was).
    """
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="excise-lofo-") as tmp:
        path = (models or Path(tmp)) / f"lofo-{family}.npz"
        if reuse:
            log(f"[{family}] scoring the kept model {path} ...")
        else:
            log(f"[{family}] training on {docs} docs without {family} ...")
            model = train(data, seed=seed, n_docs=docs, exclude=[family])
            path.parent.mkdir(parents=True, exist_ok=True)
            model.save(path)
        trained = time.perf_counter()
        log(f"[{family}] trained in {trained - started:.0f} s; evaluating on {n} docs ...")
        gold, n_spam = family_gold(data, family, n, eval_seed)
        report = evaluate(load_excisor(str(path)), gold, by="style")
    log(f"[{family}] done in {time.perf_counter() - started:.0f} s")
    return {"family": family, "spam_texts": n_spam, "train_s": round(trained - started, 1),
            "overall": report.overall.to_dict(), "by_style": report.to_dict()["groups"],
            "model": str(path) if models else None, "_tally": report.overall}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), metavar="FAMILY",
                        help="families to hold out, one model each (default: %(default)s)")
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS,
                        help="training documents per model (default: %(default)s, as excise train; 8000 is quicker)")
    parser.add_argument("--n", type=int, default=1000, help="evaluation documents per family (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="training seed (default: %(default)s)")
    parser.add_argument("--eval-seed", type=int, default=1234, help="evaluation set seed (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="families trained in parallel (default: %(default)s)")
    parser.add_argument("--keep-models", metavar="DIR", help="keep the held-out models in DIR")
    parser.add_argument("--reuse-models", metavar="DIR",
                        help="score the models an earlier --keep-models run kept in DIR, without training")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    return parser.parse_args(argv)


def without_spun(by_style: dict[str, dict[str, Any]]) -> list[str]:
    """P, R, F1 cells over the documents whose injections include no "spun" style."""
    rows = [v for k, v in by_style.items() if "spun" not in k.split("+")]
    counts = Counts(*(sum(v[key] for v in rows) for key in ("tp", "fp", "fn")))
    return [_rate(counts.precision), _rate(counts.recall), _rate(counts.f1)]


def main(argv: Sequence[str] | None = None) -> int:
    """Train and evaluate one model per held-out family; print one row per family."""
    args = parse_args(argv)
    data = data_dir(args.data)
    kept = args.reuse_models or args.keep_models
    models = Path(kept).resolve() if kept else None
    jobs = [(family, data, args.docs, args.n, args.seed, args.eval_seed, models, bool(args.reuse_models))
            for family in args.families]
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(run_family, *zip(*jobs)))
    else:
        results = [run_family(*job) for job in jobs]

    print(preamble("excise leave-one-family-out", [command_line()],
                   training=f"train(data, seed={args.seed}, n_docs={args.docs}, exclude=[family])",
                   evaluation=f"{args.n} test-split docs per family, injected with that family only "
                              f"(seed {args.eval_seed}, 30 % clean)"))
    print()
    print(markdown_table(("held-out family", "test spam texts", "docs", "spam docs", "P", "R", "F1",
                          "clean touched", "train s"),
                         [[r["family"], r["spam_texts"], *tally_cells(r.pop("_tally")), r["train_s"]]
                          for r in results]))
    print("\nWithout the spun style (documents with a spun injection left out; the styles of the earlier runs):\n")
    print(markdown_table(("held-out family", "P", "R", "F1"),
                         [[r["family"], *without_spun(r["by_style"])] for r in results]))
    write_json(args.json, {"command": command_line(), "docs": args.docs, "n": args.n, "seed": args.seed,
                           "eval_seed": args.eval_seed, "families": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
