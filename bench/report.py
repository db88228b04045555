"""The public benchmark: excise and the filters people use today, on the same sets, with the same scorer.

One command rebuilds ``docs/benchmarks.md`` and its plots (``docs/plots/*.png``)
from ``../shared/data``:

    python bench/report.py

Every set (``bench/sets.py``: the synthetic test set, its obfuscated variant,
in-sentence anchors and link wraps, whole spam pages, hard negatives, the real
dev set, and clean and spam text in other languages where ``bench/languages.py``
finds it) is scanned by excise and by every baseline of ``bench/baselines.py``
(datatrove's C4 line filter, FineWeb and Gopher quality filters, jusText, the
SmokeDetector keyword list). Each method's removed lines, paragraphs or
documents are character spans, scored by :func:`excise.evaluate.evaluate`:
precision, recall and F1 over non-whitespace characters, and the share of clean
documents that lost any character. MB/s is each method's CPU time on the
synthetic set, in this process, one document at a time (excise: batches of 256,
as ``excise clean`` reads them).

The report also sweeps excise's threshold (the precision–recall curve), bins
its span scores against how much of each span is really spam (the reliability
curve), scores its document-level score on whole spam pages, and adds the
leave-one-family-out rows of ``bench/lofo.py`` (read from ``--lofo`` JSON files,
which that script writes; it trains one model per family, which takes an hour,
so the report does not run it itself).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from common import (OUT_DIR, REPO, command_line, data_dir, load_excisor, log, machine, markdown_table, revision,
                    write_json)

import sets
from excise import Excisor
from excise.evaluate import Report, Tally, char_prf, evaluate
from excise.types import Result

DOCS = REPO / "docs"
PLOTS = DOCS / "plots"
BATCH = 256
THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
SCORE_BINS = np.linspace(0.0, 1.0, 11)


# ---------------------------------------------------------------------------------------------- methods


@dataclass
class Method:
    """A row of the tables: a name and a way to scan a list of texts."""

    name: str
    scan_all: Callable[[Sequence[str]], list[Result]]
    speed: float | None = None  # MB/s of CPU time on the synthetic set


def excise_method(excisor: Excisor, name: str = "**excise**") -> Method:
    """excise with the shipped model, in batches as ``excise clean`` runs it."""
    def scan_all(texts: Sequence[str]) -> list[Result]:
        out: list[Result] = []
        for i in range(0, len(texts), BATCH):
            out.extend(excisor.scan_batch(texts[i : i + BATCH]))
        return out
    return Method(name, scan_all)


def baseline_methods(data: Path) -> list[Method]:
    """Every baseline that can run here (``bench/baselines.py``), warmed up."""
    from baselines import all_baselines

    return [Method(b.name, lambda texts, b=b: [b.scan(t) for t in texts]) for b in all_baselines(data)]


class Lookup:
    """A scanner that answers from results computed beforehand (each text scanned once, timed as a whole)."""

    def __init__(self, texts: Sequence[str], results: Sequence[Result]) -> None:
        self.results = dict(zip(texts, results))

    def scan(self, text: str) -> Result:
        """The result computed for ``text``."""
        return self.results[text]


def run(method: Method, records: Sequence[Mapping[str, Any]]) -> tuple[Lookup, float]:
    """Scan every distinct text of ``records`` with ``method``; the results and the MB/s of CPU time."""
    texts = list(dict.fromkeys(r["text"] for r in records))
    started = time.process_time()
    results = method.scan_all(texts)
    cpu = time.process_time() - started
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return Lookup(texts, results), megabytes / max(cpu, 1e-9)


# ---------------------------------------------------------------------------------------------- figures


def f1_cell(tally: Tally) -> str:
    """F1 to three decimals, or ``-``."""
    f1 = tally.counts.f1
    return "-" if f1 is None else f"{f1:.3f}"


def touched_cell(tally: Tally) -> str:
    """Clean documents touched, as count and share."""
    if not tally.clean_docs:
        return "-"
    return f"{tally.clean_touched}/{tally.clean_docs} ({100 * tally.clean_touched / tally.clean_docs:.2f} %)"


def prf_cells(tally: Tally) -> list[str]:
    """P, R, F1 and clean touched cells (no P, R or F1 on a set without spam)."""
    c = tally.counts
    if not tally.spam_docs:
        return ["-", "-", "-", touched_cell(tally)]
    fmt = (lambda v: "-" if v is None else f"{v:.3f}")
    return [fmt(c.precision), fmt(c.recall), fmt(c.f1), touched_cell(tally)]


def own_words_lost(records: Sequence[Mapping[str, Any]], scanner: Lookup) -> float:
    """Of the legitimate characters on the lines that hold injected spam, the share that was cut too."""
    lost = total = 0
    for record in records:
        text = record["text"]
        if not record["spans"]:
            continue
        pred = [(s.start, s.end) for s in scanner.scan(text).spans]
        for start, end in record["spans"]:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            gold = [(a, b) for a, b in record["spans"] if a < line_end and b > line_start]
            counts = char_prf(gold, [(max(a, line_start), min(b, line_end)) for a, b in pred
                                     if a < line_end and b > line_start], text[:line_end])
            legit = sum(1 for i in range(line_start, line_end) if not text[i].isspace()
                        and not any(a <= i < b for a, b in gold))
            lost += counts.fp
            total += legit
    return lost / total if total else 0.0


def threshold_sweep(data_records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """excise at each of ``THRESHOLDS`` on the synthetic set: P, R, F1, clean touched, and its spans' scores."""
    rows = []
    for threshold in THRESHOLDS:
        log(f"  threshold {threshold} ...")
        scanner, _ = run(excise_method(Excisor(threshold=threshold)), data_records)
        tally = evaluate(scanner, data_records).overall
        rows.append({"threshold": threshold, "tally": tally, "scanner": scanner})
    return rows


def reliability(records: Sequence[Mapping[str, Any]], scanner: Lookup) -> list[dict[str, Any]]:
    """Span scores binned by tenths against the share of each span's non-whitespace characters that is spam."""
    scores, truth, weights = [], [], []
    for record in records:
        text = record["text"]
        for span in scanner.scan(text).spans:
            counts = char_prf(record["spans"], [(span.start, span.end)], text)
            solid = counts.tp + counts.fp
            if solid:
                scores.append(span.score)
                truth.append(counts.tp / solid)
                weights.append(solid)
    s, t, w = np.array(scores), np.array(truth), np.array(weights, dtype=float)
    rows = []
    for lo, hi in zip(SCORE_BINS[:-1], SCORE_BINS[1:]):
        inside = (s >= lo) & ((s < hi) | (hi == 1.0))
        if inside.any():
            rows.append({"bin": f"{lo:.1f}–{hi:.1f}", "spans": int(inside.sum()), "mean_score": float(s[inside].mean()),
                         "spam_share": float(t[inside].mean()),
                         "spam_share_chars": float((t[inside] * w[inside]).sum() / w[inside].sum())})
    return rows


def expected_calibration_error(rows: Sequence[Mapping[str, Any]]) -> float:
    """The span-weighted mean gap between a bin's mean score and its observed spam share."""
    total = sum(r["spans"] for r in rows)
    return sum(r["spans"] * abs(r["mean_score"] - r["spam_share"]) for r in rows) / total if total else 0.0


def page_scores(records: Sequence[Mapping[str, Any]], scanner: Lookup, attribute: str) -> dict[str, Any]:
    """A document-level score (``attribute`` of each result) on whole spam pages against clean pages: ROC AUC
    and the rates at cut-offs."""
    spam = np.array([getattr(scanner.scan(r["text"]), attribute) for r in records if r["spans"]])
    clean = np.array([getattr(scanner.scan(r["text"]), attribute) for r in records if not r["spans"]])
    # AUC as the chance that a spam page outscores a clean one (ties count half)
    order = np.sort(clean)
    below = np.searchsorted(order, spam, side="left")
    ties = np.searchsorted(order, spam, side="right") - below
    auc = float((below + 0.5 * ties).sum() / (len(spam) * len(clean))) if len(spam) and len(clean) else float("nan")
    cutoffs = [{"cutoff": c, "spam_pages_caught": float((spam >= c).mean()), "clean_pages_flagged": float((clean >= c).mean())}
               for c in (0.3, 0.5, 0.7, 0.9)]
    return {"spam_pages": len(spam), "clean_pages": len(clean), "auc": auc, "cutoffs": cutoffs}


# ---------------------------------------------------------------------------------------------- plots


def _save(plt: Any, fig: Any, name: str) -> str:
    """Lay out ``fig``, write it to ``docs/plots/NAME`` and close it; returns ``name``."""
    fig.tight_layout()
    fig.savefig(PLOTS / name, dpi=110)
    plt.close(fig)
    return name


def plot_all(figures: Mapping[str, Any], methods: Sequence[str]) -> list[str]:
    """Draw the PNG plots into ``docs/plots``; their file names (none when matplotlib is missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("note: matplotlib is not installed (pip install '.[bench]'): no plots")
        return []
    PLOTS.mkdir(parents=True, exist_ok=True)
    names = []

    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    sweep = figures["sweep"]
    ax.plot([r["recall"] for r in sweep], [r["precision"] for r in sweep], "o-", color="C0", label="excise (threshold sweep)")
    for r in sweep:
        if r["threshold"] in (0.1, 0.5, 0.9):
            ax.annotate(f"t={r['threshold']}", (r["recall"], r["precision"]), textcoords="offset points", xytext=(6, -10),
                        fontsize=8)
    for i, name in enumerate(methods[1:]):
        row = figures["sets"]["synthetic"][name]
        ax.plot([row["recall"] or 0], [row["precision"] or 0], "s", color=f"C{i + 1}", label=name)
    ax.set_xlabel("recall (spam characters cut)")
    ax.set_ylabel("precision (cut characters that are spam)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="center")  # the baselines sit low and the curve high: the middle is free
    ax.set_title("Synthetic test set: precision against recall")
    names.append(_save(plt, fig, "precision-recall.png"))

    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    families = figures["families"]
    fams = list(families)
    width = 0.8 / len(methods)
    for i, name in enumerate(methods):
        ax.bar(np.arange(len(fams)) + i * width, [families[f].get(name) or 0 for f in fams], width,
               label=name.strip("*"))
    ax.set_xticks(np.arange(len(fams)) + 0.4 - width / 2)
    ax.set_xticklabels(fams)
    ax.set_ylabel("char-F1")
    ax.set_ylim(0, 1.3)  # room above the bars for the legend
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(fontsize=7, ncol=3, loc="upper center")
    ax.set_title("Synthetic test set: F1 by spam family")
    names.append(_save(plt, fig, "family-f1.png"))

    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    rel = figures["reliability"]
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot([r["mean_score"] for r in rel], [r["spam_share"] for r in rel], "o-", color="C0", label="excise spans")
    for r in rel:
        ax.annotate(str(r["spans"]), (r["mean_score"], r["spam_share"]), textcoords="offset points", xytext=(4, 4),
                    fontsize=7)
    ax.set_xlabel("span score")
    ax.set_ylabel("share of the span that is spam")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("Reliability of span scores (threshold 0.05)")
    names.append(_save(plt, fig, "reliability.png"))

    lofo = figures.get("lofo") or {}
    if lofo:
        fig, ax = plt.subplots(figsize=(6.0, 3.8))
        fams = list(lofo)
        ax.bar(fams, [lofo[f]["f1"] or 0 for f in fams], color="C0")
        ax.axhline(0.9, color="C3", linestyle="--", label="target 0.90")
        for i, f in enumerate(fams):
            ax.annotate(f"{lofo[f]['f1']:.3f}", (i, lofo[f]["f1"]), ha="center", textcoords="offset points",
                        xytext=(0, 3), fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("char-F1 on the held-out family")
        ax.legend(fontsize=8, loc="lower right")
        ax.set_title("Leave one family out: a model that never saw the family")
        names.append(_save(plt, fig, "lofo.png"))
    return names


# ---------------------------------------------------------------------------------------------- report


@dataclass
class Bench:
    """Everything measured in one run, and the markdown sections built from it."""

    methods: list[Method]
    sets: dict[str, list[dict[str, Any]]]
    scanners: dict[str, dict[str, Lookup]] = field(default_factory=dict)  # set → method → results
    reports: dict[str, dict[str, Report]] = field(default_factory=dict)

    def scan(self, by: Mapping[str, str | None]) -> None:
        """Run every method on every set and score it (``by``: the gold field to group each set by)."""
        for set_name, records in self.sets.items():
            self.scanners[set_name] = {}
            self.reports[set_name] = {}
            for method in self.methods:
                log(f"{set_name}: {method.name} ...")
                scanner, speed = run(method, records)
                if set_name == "synthetic":
                    method.speed = speed
                self.scanners[set_name][method.name] = scanner
                self.reports[set_name][method.name] = evaluate(scanner, records, by=by.get(set_name))

    def overall(self, set_name: str, method: str) -> Tally:
        """One method's tally on one set."""
        return self.reports[set_name][method].overall


SET_TITLES = {
    "synthetic": "Synthetic test set",
    "obfuscated": "Synthetic test set, obfuscated",
    "in_sentence": "In-sentence anchors and link wraps",
    "spam_pages": "Whole spam pages and clean pages",
    "site_chrome": "Synthetic test set dressed in site chrome",
    "hard_negatives": "Hard negatives (clean, spam-like topics)",
    "real_seed": "Real: the seed article",
    "real_xebia": "Real: hacked blog posts (xebia)",
    "multilingual_clean": "Clean pages in other languages",
    "multilingual_spam": "Spam in other languages, injected",
}


def lofo_rows(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Held-out family → its overall figures, from ``bench/lofo.py`` JSON files (later files win)."""
    rows: dict[str, dict[str, Any]] = {}
    for path in paths:
        path = path.resolve()
        if not path.exists():
            log(f"note: {path} not found: no leave-one-family-out rows from it")
            continue
        payload = json.loads(path.read_text(encoding="utf-8"))
        how = ("models kept by an earlier run, scored again" if "--reuse-models" in payload.get("command", "")
               else f"{payload['docs']} training docs")
        for family in payload["families"]:
            rows[family["family"]] = {**family["overall"], "source": f"{path.relative_to(REPO)} "
                                      f"({how}; {payload['n']} eval docs)"}
    return rows


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--model", help="model file (default: the shipped model)")
    parser.add_argument("--n", type=int, default=3000, help="synthetic test documents (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1234, help="seed of every synthetic set (default: %(default)s)")
    parser.add_argument("--in-sentence", type=int, default=1500, help="in-sentence documents (default: %(default)s)")
    parser.add_argument("--lofo", nargs="*", default=[str(OUT_DIR / "lofo.json")],
                        metavar="JSON", help="bench/lofo.py outputs to take the leave-one-family-out rows from")
    parser.add_argument("--corpus", nargs="*", default=[str(OUT_DIR / n) for n in CORPUS_FILES],
                        help="JSON figures of bench/speed.py and bench/parallel.py for the corpus-scale section "
                             "(default: %(default)s, those that exist)")
    parser.add_argument("--html", nargs="*", default=[str(OUT_DIR / n) for n in HTML_FILES],
                        help="JSON figures of bench/html_bench.py and bench/real_html.py for the hacked-site section "
                             "(default: %(default)s; missing files are left out)")
    parser.add_argument("--memory", nargs="*", default=[str(OUT_DIR / n) for n in MEMORY_FILES],
                        help="JSON figures of bench/memory_bench.py for the corpus-memory section "
                             "(default: %(default)s; missing files are left out)")
    parser.add_argument("--no-baselines", action="store_true", help="excise only (a quick look)")
    parser.add_argument("--replot", action="store_true",
                        help="only draw the plots again from the --json figures of an earlier run")
    parser.add_argument("--out", default=str(DOCS / "benchmarks.md"), help="markdown file (default: %(default)s)")
    parser.add_argument("--json", default=str(OUT_DIR / "report.json"), help="figures as JSON (default: %(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the sets, scan them with every method, write the report, the plots and the JSON."""
    args = parse_args(argv)
    if args.replot:
        figures = json.loads(Path(args.json).read_text(encoding="utf-8"))
        log(f"drew {', '.join(plot_all(figures, list(figures['sets']['synthetic'])))} from {args.json}")
        return 0
    data = data_dir(args.data)
    excisor = load_excisor(args.model)
    started = time.perf_counter()

    log("building the sets ...")
    real = sets.real_dev(data)
    bench_sets: dict[str, list[dict[str, Any]]] = {
        "synthetic": sets.synthetic(data, args.n, args.seed),
        "obfuscated": sets.obfuscated(data, args.n, args.seed),
        "in_sentence": sets.in_sentence(data, args.in_sentence, args.seed),
        "spam_pages": sets.spam_pages(data, args.seed),
        "site_chrome": sets.site_chrome(data, args.n, args.seed),
        "hard_negatives": sets.hard_negatives(data),
        "real_seed": real["seed_gold.jsonl"],
        "real_xebia": real["xebia_gold.jsonl"],
    }
    try:
        import languages

        bench_sets.update(languages.sets(data, args.seed))
        for record in bench_sets["multilingual_spam"]:
            record["direction"] = ("English spam in a page in another language" if record["lang"].startswith("en ")
                                   else "spam in another language in an English page")
    except (ImportError, FileNotFoundError) as error:
        log(f"note: no sets in other languages ({error})")

    methods = [excise_method(excisor)]
    if not args.no_baselines:
        methods += baseline_methods(data)
    bench = Bench(methods, bench_sets)
    bench.scan({"synthetic": "family", "in_sentence": "kind", "obfuscated": None,
                "multilingual_clean": "lang", "multilingual_spam": "direction"})
    names = [m.name for m in methods]

    log("threshold sweep ...")
    sweep = threshold_sweep(bench_sets["synthetic"])
    low = next(r for r in sweep if r["threshold"] == 0.05)
    rel = reliability(bench_sets["synthetic"], low["scanner"])
    pages = {attribute: page_scores(bench_sets["spam_pages"], bench.scanners["spam_pages"][names[0]], attribute)
             for attribute in ("page_score", "score")}
    pages["hard_negatives_flagged"] = {
        c: float(np.mean([bench.scanners["hard_negatives"][names[0]].scan(r["text"]).page_score >= c
                          for r in bench_sets["hard_negatives"]])) for c in (0.5, 0.9)}
    lofo = lofo_rows([Path(p) for p in args.lofo])

    syn = bench.reports["synthetic"]
    families = {fam: {name: syn[name].groups[fam].counts.f1 for name in names}
                for fam in sorted(syn[names[0]].groups) if fam != "clean"}
    figures = {
        "sets": {s: {name: bench.overall(s, name).to_dict() for name in names} for s in bench_sets},
        "speed_mb_s": {m.name: m.speed for m in methods},
        "families": families,
        "sweep": [{"threshold": r["threshold"], **r["tally"].to_dict()} for r in sweep],
        "reliability": rel,
        "ece": expected_calibration_error(rel),
        "pages": pages,
        "lofo": lofo,
        "own_words_lost": own_words_lost(bench_sets["in_sentence"], bench.scanners["in_sentence"][names[0]]),
        "by_group": {s: {k: v.to_dict() for k, v in bench.reports[s][names[0]].groups.items()}
                     for s in bench_sets if bench.reports[s][names[0]].groups},
    }
    plots = plot_all(figures, names)
    markdown = render(args, bench, figures, plots, time.perf_counter() - started, excisor)
    Path(args.out).write_text(markdown, encoding="utf-8")
    log(f"wrote {args.out}")
    write_json(args.json, {"command": command_line(), "revision": revision(), "model": excisor.model.name,
                           **{k: v for k, v in figures.items()}})
    return 0


# ---------------------------------------------------------------------------------------------- markdown


TARGETS = "issue 3"


def targets(bench: Bench, figures: Mapping[str, Any]) -> list[list[str]]:
    """The acceptance checks of the detection issue, each with what this run measured."""
    ex = bench.methods[0].name
    rows = []
    lofo = figures["lofo"]
    if lofo:
        below = [f for f in lofo if lofo[f]["f1"] < 0.90]
        cells = ", ".join(f"{f} {lofo[f]['f1']:.3f}" for f in lofo)
        rows.append(["leave-one-family-out char-F1 ≥ 0.90, every family", cells,
                     f"**no** ({', '.join(below)})" if below else "yes"])
    plain, obf = bench.overall("synthetic", ex).counts.f1, bench.overall("obfuscated", ex).counts.f1
    rows.append(["obfuscated synthetic set: F1 within 0.02 of the plain set", f"{obf:.4f} against {plain:.4f}",
                 "yes" if plain - obf <= 0.02 else "**no**"])
    ins = bench.overall("in_sentence", ex)
    rows.append(["in-sentence anchors: char-F1 ≥ 0.85, the sentence's own words kept",
                 f"F1 {ins.counts.f1:.3f}; {100 * figures['own_words_lost']:.1f} % of the legitimate characters on "
                 "the lines holding spam cut", "yes" if ins.counts.f1 >= 0.85 else "**no**"])
    hard = bench.overall("hard_negatives", ex)
    rate = hard.clean_touched_rate or 0.0
    rows.append(["hard negatives: ≤ 0.3 % of documents touched", touched_cell(hard), "yes" if rate <= 0.003 else "**no**"])
    if "multilingual_clean" in bench.sets:
        ml = bench.overall("multilingual_clean", ex)
        rows.append(["clean non-English documents: ≤ 0.5 % touched", touched_cell(ml),
                     "yes" if (ml.clean_touched_rate or 0) <= 0.005 else "**no**"])
    else:
        rows.append(["clean non-English documents: ≤ 0.5 % touched", "no data found (bench/languages.py)", "**no**"])
    rows.append(["every baseline on the same sets, regenerated by one command", f"{len(bench.methods) - 1} baselines "
                 "× " f"{len(bench.sets)} sets, this file", "yes" if len(bench.methods) > 1 else "**no**"])
    return rows


def render(args: argparse.Namespace, bench: Bench, figures: Mapping[str, Any], plots: Sequence[str], seconds: float,
           excisor: Excisor) -> str:
    """The markdown of docs/benchmarks.md."""
    names = [m.name for m in bench.methods]
    ex = names[0]
    out = ["# Benchmarks", "",
           "<!-- generated by bench/report.py: edit that script, not this file -->", "",
           "excise against the corpus filters people use today, on the same documents, scored the same way: "
           "precision, recall and F1 over the non-whitespace characters a method removes (a removed line, "
           "paragraph or document counts as every character in it), and the share of clean documents that lost "
           "any character. How each set is built: `bench/sets.py`; how each baseline's removals become "
           "character spans: `bench/baselines.py`. Earlier sessions' measurements and what was tried: "
           "[history.md](history.md).", "",
           "Reproduce (from the repository root, after `pip install -e '.[bench]'`; the sets in other languages "
           "need Debian's documentation packages, `bench/languages.py` names them):", "", "```",
           "python bench/baselines.py --install-badwords   # C4's bad-words list from the npm registry, once",
           "python bench/lofo.py --docs 20000 --n 600 --jobs 2 --json bench/out/lofo.json   # about 1.5 h: LOFO rows",
           "python bench/speed.py --mb 50 --core 1 --repeat 3 --json bench/out/speed.json   # corpus scale: one core",
           "python bench/parallel.py --mb 50 --jobs 2 --repeat 5 --json bench/out/parallel.json   # -j 2 against -j 1",
           "python bench/parallel.py --mb 1000 --jobs 2 --repeat 1 --only-jobs --json bench/out/parallel-1gb.json",
           "python bench/html_bench.py --n 600 --json bench/out/html.json   # hacked sites: the synthetic HTML set",
           "python bench/real_html.py --json bench/out/real-html.json   # hacked sites: the real posts as HTML",
           "python bench/lofo.py --families loans adult --keep-models DIR   # models without a family, for:",
           "python bench/memory_bench.py --model DIR/lofo-loans.npz --family loans --json bench/out/memory-loans.json",
           "python bench/memory_bench.py --model DIR/lofo-adult.npz --family adult --json bench/out/memory-adult.json",
           command_line(), "```", "",
           f"- date: {datetime.date.today().isoformat()}; revision {revision()}; model `{excisor.model.name}`",
           f"- machine: {machine()}; the whole run took {seconds / 60:.0f} min", "",
           f"## Targets ({TARGETS})", "",
           markdown_table(("target", "measured", "met?"), targets(bench, figures)), "",
           "## Targets (issue 4: corpus scale; figures from the last section)", "",
           markdown_table(("target", "measured", "met?"), corpus_targets([Path(p) for p in args.corpus])), "",
           "## Targets (issue 5: hacked sites; figures from the section on HTML)", "",
           markdown_table(("target", "measured", "met?"), html_targets([Path(p) for p in args.html])), "",
           "## Targets (issue 6: corpus memory; figures from the section on memory)", "",
           markdown_table(("target", "measured", "met?"), memory_targets([Path(p) for p in args.memory])), "",
           "## All methods on all sets (char-F1; clean sets: documents touched)", ""]
    headers = ["method"]
    cols = []
    for s in bench.sets:
        tally = bench.overall(s, ex)
        headers.append(SET_TITLES.get(s, s))
        cols.append((s, tally.spam_docs == 0))
    headers.append("MB/s (CPU, synthetic set)")
    rows = []
    for m in bench.methods:
        cells = [m.name]
        for s, clean in cols:
            tally = bench.overall(s, m.name)
            cells.append(touched_cell(tally) if clean else f1_cell(tally))
        cells.append("-" if m.speed is None else f"{m.speed:.2f}")
        rows.append(cells)
    out += [markdown_table(headers, rows), ""]
    if "precision-recall.png" in plots:
        out += ["![precision against recall](plots/precision-recall.png) ![F1 by family](plots/family-f1.png)", ""]

    for s, records in bench.sets.items():
        out += [f"### {SET_TITLES.get(s, s)}", "", SET_NOTES.get(s, ""), "",
                markdown_table(("method", "P", "R", "F1", "clean touched"),
                               [[m, *prf_cells(bench.overall(s, m))] for m in names]), ""]
        groups = bench.reports[s][ex].groups
        if groups and s != "synthetic":
            what = {"multilingual_clean": "language", "multilingual_spam": "direction"}.get(s, "kind of injection")
            out += [f"excise by {what}:", "",
                    markdown_table(("group", "docs", "P", "R", "F1", "clean touched"),
                                   [[g, t.docs, *prf_cells(t)] for g, t in sorted(groups.items())]), ""]
    out += ["### Synthetic test set by family (char-F1)", "",
            markdown_table(("family", *names), [[f, *("-" if v is None else f"{v:.3f}" for v in row.values())]
                                               for f, row in figures["families"].items()]), ""]

    out += ["## Leave one family out", "",
            "One model per family, trained as `excise train` trains the shipped one but without a single text or "
            "keyword of that family, then scored on test-split hosts injected with that family only (30 % of the "
            "documents clean). The baselines are not trained, so this row is excise's alone.", ""]
    lofo = figures["lofo"]
    if lofo:
        out += [markdown_table(("held-out family", "docs", "P", "R", "F1", "clean touched", "from"),
                               [[f, r["docs"], f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}",
                                 f"{r['clean_touched']}/{r['clean_docs']}", r["source"]] for f, r in lofo.items()]), ""]
        if "lofo.png" in plots:
            out += ["![leave one family out](plots/lofo.png)", ""]
    else:
        out += ["(no bench/lofo.py output found)", ""]

    out += ["## Threshold: the precision–recall knob", "",
            "`--threshold T` on every command (and `Excisor(threshold=T)`) is the spam probability a passage needs "
            "to be cut. The synthetic test set at each threshold, the pre-screen on as `excise clean` runs:", "",
            markdown_table(("threshold", "P", "R", "F1", "clean touched"),
                           [[r["threshold"], f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}",
                             f"{r['clean_touched']}/{r['clean_docs']} ({100 * r['clean_touched_rate']:.2f} %)"]
                            for r in figures["sweep"]]), ""]
    out += ["## Calibration: span scores", "",
            "Every span excise cuts at threshold 0.05 on the synthetic set, binned by its score, against the share "
            "of its characters that are really spam (the mean over spans, and weighted by characters). Expected "
            f"calibration error (span-weighted mean gap): **{figures['ece']:.3f}**.", "",
            markdown_table(("score", "spans", "mean score", "spam share", "spam share (by characters)"),
                           [[r["bin"], r["spans"], f"{r['mean_score']:.3f}", f"{r['spam_share']:.3f}",
                             f"{r['spam_share_chars']:.3f}"] for r in figures["reliability"]]), ""]
    if "reliability.png" in plots:
        out += ["![reliability of span scores](plots/reliability.png)", ""]
    pages = figures["pages"]
    page, doc = pages["page_score"], pages["score"]
    hard = pages["hard_negatives_flagged"]
    out += ["## Page score: dropping whole spam pages", "",
            "excise cuts what was injected into a page; a page that is spam from end to end has no page around the "
            "spam, and its units look like each other, so few of them are cut (the row \"Whole spam pages\" above). "
            "For those, every result carries `page_score` (the `page_score` of the output's `excise` object): the "
            "probability that the whole document is spam, from its mean content log-odds and the share of its words "
            "that lean to spam, fitted in training on whole training-split spam texts against the training-split "
            "pages. Drop a record when it is high. On "
            f"{page['spam_pages']} whole test-split spam texts against {page['clean_pages']} clean test-split pages, "
            f"ROC AUC **{page['auc']:.3f}** (the injection score `score`: {doc['auc']:.3f}); hard negatives with "
            f"`page_score` ≥ 0.5: {100 * hard[0.5]:.2f} %, ≥ 0.9: {100 * hard[0.9]:.2f} %. Documents the "
            "pre-screen passes over get 0.", "",
            markdown_table(("page_score ≥", "spam pages caught", "clean pages flagged"),
                           [[c["cutoff"], f"{100 * c['spam_pages_caught']:.1f} %", f"{100 * c['clean_pages_flagged']:.2f} %"]
                            for c in page["cutoffs"]]), ""]
    out += ["## Speed", "",
            "The MB/s column above is CPU time in this process on the synthetic set (one document at a time; "
            "excise in batches of 256, pre-screen on). The throughput of `excise clean` end to end is in the "
            "next section.", ""]
    out += corpus_section([Path(p) for p in args.corpus])
    out += html_section([Path(p) for p in args.html])
    out += memory_section([Path(p) for p in args.memory])
    return "\n".join(out) + "\n"


def corpus_figures(paths: Sequence[Path]) -> dict[str, Any]:
    """The figures of bench/speed.py and bench/parallel.py in those of ``paths`` that exist, by file name."""
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in paths if p.exists()}


def corpus_targets(paths: Sequence[Path]) -> list[list[str]]:
    """Issue 4's throughput and memory checks, from the JSON of bench/speed.py and bench/parallel.py."""
    found = corpus_figures(paths)
    rows = []
    speed = next((f for f in found.values() if "excise" in f), None)
    if speed is not None:
        rate = speed["bytes"] / 1e6 / speed["excise"]["cpu_s"]
        ratio = speed.get("excise_over_c4_cpu")
        ok = rate >= 10 and speed["bytes"] >= 50e6 and (ratio or 0) >= 4
        rows.append(["one core, JSONL → JSONL, ≥ 50 MB: ≥ 10 MB/s and ≥ 4× datatrove's C4QualityFilter",
                     f"{rate:.2f} MB/s CPU on {speed['bytes'] / 1e6:.0f} MB; "
                     + (f"{ratio:.1f}× C4" if ratio else "C4 not run"), "yes" if ok else "**no**"])
    runs = [f for f in found.values() if "jobs" in f]
    speedup = next((f for f in runs if f.get("speedup") is not None), None)
    if speedup is not None:
        overhead = speedup.get("cpu_overhead")
        ceiling = speedup.get("machine_ceiling")
        extra = (f"; the process tree spends {100 * overhead:.1f} % more CPU than `-j 1` (on two whole cores: "
                 f"{2 / (1 + overhead):.2f}×); this machine ran two copies of a pure CPU loop {ceiling:.2f}× as fast "
                 "as one in the same call" if overhead is not None and ceiling is not None else "")
        rows.append(["`-j 2` ≥ 1.8× `-j 1` (2 cores)", f"{speedup['speedup']:.2f}× by wall clock on "
                     f"{speedup['corpus_mb']:.0f} MB, outputs identical: {speedup['identical']}{extra}",
                     "yes" if speedup["speedup"] >= 1.8 and speedup["identical"] else "**no**"])
    big = max(runs, key=lambda f: f["corpus_mb"], default=None)
    if big is not None and big["corpus_mb"] >= 1000:
        peak = max(j["peak_pss_mb"] for j in big["jobs"].values())
        rss = max(j["peak_rss_mb"] for j in big["jobs"].values())
        rows.append(["peak RSS ≤ 300 MB on a 1 GB input", f"{peak:.0f} MB PSS summed over the process tree "
                     f"({rss:.0f} MB RSS summed, shared pages counted in every process), "
                     f"{big['corpus_mb']:.0f} MB, `-j {', '.join(big['jobs'])}`", "yes" if peak <= 300 else "**no**"])
    return rows


#: the JSON files of bench/speed.py and bench/parallel.py the corpus-scale section reads, by default
CORPUS_FILES = ("speed.json", "parallel.json", "parallel-1gb.json")


def corpus_section(paths: Sequence[Path]) -> list[str]:
    """The corpus-scale section (issue 4): one core against C4, -j N against -j 1, memory on a big input."""
    found = corpus_figures(paths)
    out = ["## Corpus scale: `excise clean` end to end", ""]
    if not found:
        return out + ["No figures: run `bench/speed.py` and `bench/parallel.py` with `--json` (see their help).", ""]
    rows = []
    for name, fig in found.items():
        if "excise" in fig:  # bench/speed.py
            ex, c4 = fig["excise"], fig.get("c4")
            rate = fig["bytes"] / 1e6 / ex["cpu_s"]
            ratio = f"{fig['bytes'] / 1e6 / c4['cpu_s']:.2f} MB/s; excise {fig['excise_over_c4_cpu']:.1f}x" if c4 else "-"
            runs = ", ".join(f"{r:.2f}" for r in ex.get("runs_mb_s_cpu", []))
            rows.append([f"one core, JSONL → JSONL, {fig['bytes'] / 1e6:.0f} MB ({fig['contaminated_docs']} of "
                         f"{fig['docs']} documents injected)", f"{rate:.2f} MB/s CPU (runs: {runs})",
                         f"C4QualityFilter {ratio}", f"`{fig['command']}`"])
        else:  # bench/parallel.py
            jobs = fig["jobs"]
            for j, f in jobs.items():
                rows.append([f"`-j {j}`, {fig['corpus_mb']:.0f} MB", f"{f['mb_per_s']:.2f} MB/s wall (runs: "
                             f"{', '.join(f'{r:.2f}' for r in f['runs_mb_per_s'])})",
                             f"peak memory of the process tree: RSS {f['peak_rss_mb']:.0f} MB summed, PSS "
                             f"{f['peak_pss_mb']:.0f} MB", f"`{fig.get('command', 'bench/parallel.py')}`"])
            if fig.get("speedup") is not None:
                rows.append([f"`-j {max(jobs, key=int)}` over `-j 1`", f"**{fig['speedup']:.2f}x** (median wall times)",
                             f"outputs identical: {fig['identical']}; CPU of the whole process tree "
                             f"+{100 * fig.get('cpu_overhead', 0):.1f} % over `-j 1`; the machine's own scaling of "
                             f"a pure CPU loop: {fig.get('machine_ceiling')}x (runs {fig.get('machine_ceilings')})", ""])
    return out + [markdown_table(("run", "throughput", "beside it", "command"), rows), ""]


#: the JSON files of bench/html_bench.py and bench/real_html.py the hacked-site section reads, by default
HTML_FILES = ("html.json", "real-html.json")


def html_targets(paths: Sequence[Path]) -> list[list[str]]:
    """Issue 5's element-level checks, from the JSON of bench/html_bench.py and bench/real_html.py."""
    found = corpus_figures(paths)
    rows = []
    synthetic = next((f for f in found.values() if "summary" in f), None)
    if synthetic is not None:
        s = synthetic["summary"]
        rows.append(["synthetic HTML set: element-level recall ≥ 0.95", f"{s['recall']:.3f} of {s['injected_elements']} "
                     f"injected elements ({s['pages']} pages)", "yes" if s["recall"] >= 0.95 else "**no**"])
        rows.append(["legitimate hidden elements flagged ≤ 1 %", f"{s['legit_hidden_flagged']}/{s['legit_hidden']} "
                     f"({100 * s['legit_hidden_flagged_rate']:.2f} %)",
                     "yes" if s["legit_hidden_flagged_rate"] <= 0.01 else "**no**"])
        rows.append(["`excise clean` on HTML: every non-spam byte identical; output parses",
                     f"by construction (the source minus whole ranges; tested by diff in tests/test_site.py); "
                     f"legitimate hidden elements left byte for byte: {100 * s['legit_hidden_bytes_kept']:.2f} %",
                     "yes"])
    real = next((f for f in found.values() if "located" in f), None)
    if real is not None:
        rows.append(["real hacked posts as HTML: found with correct locations",
                     f"{real['located']}/{real['gold_ranges']} gold spans located (line and source range); char-F1 "
                     f"{real['f1']:.3f}; clean posts touched {real['clean_touched']}/{real['clean_docs']}",
                     "yes" if real["located"] == real["gold_ranges"] else "**no**"])
    return rows


def html_section(paths: Sequence[Path]) -> list[str]:
    """The hacked-site section (issue 5): the synthetic HTML set by style and kind, and the real posts as HTML."""
    found = corpus_figures(paths)
    out = ["## Hacked sites: HTML pages", ""]
    synthetic = next((f for f in found.values() if "summary" in f), None)
    if synthetic is None and not found:
        return out + ["No figures: run `bench/html_bench.py` and `bench/real_html.py` with `--json`.", ""]
    if synthetic is not None:
        s = synthetic["summary"]
        out += [f"`{synthetic['command']}`: {s['pages']} pages built by `bench/html_set.py` from test-split hosts and "
                "spam (its docstring gives the recipe), "
                f"{s['injected_elements']} injected elements, {s['legit_hidden']} legitimate hidden elements. An "
                "injected element is found when at least half of its text is cut; a legitimate one is flagged when "
                "any of its text is.", "",
                markdown_table(("injection", "elements", "found", "share of its source removed by clean"),
                               [[k, v["n"], f"{v['recall']:.3f}", f"{v['source_removed']:.3f}"]
                                for k, v in s["recall_by_style"].items()]
                               + [["**all**", s["injected_elements"], f"**{s['recall']:.3f}**", ""]]), "",
                markdown_table(("legitimate hidden element", "elements", "flagged"),
                               [[k, v["n"], v["flagged"]] for k, v in s["flagged_by_kind"].items()]
                               + [["**all**", s["legit_hidden"], f"**{s['legit_hidden_flagged']} "
                                   f"({100 * s['legit_hidden_flagged_rate']:.2f} %)**"]]), "",
                f"Pages without injection touched: {s['clean_pages_touched']}/{s['clean_pages']}; legitimate text "
                f"characters cut: {100 * s['legit_chars_cut_share']:.3f} %.", ""]
    real = next((f for f in found.values() if "located" in f), None)
    if real is not None:
        out += [f"`{real['command']}`: the real hacked posts (`real-dev/xebia_gold.jsonl`) rendered to HTML by "
                "markdown-it, gold spans carried into the source by marks (definitions of reference links, which a "
                "rendered page does not show, are not scored).", "",
                markdown_table(("posts", "gold spans on the page", "located", "P", "R", "F1", "clean posts touched"),
                               [[real["docs"], real["gold_ranges"], real["located"], f"{real['precision']:.3f}",
                                 f"{real['recall']:.3f}", f"{real['f1']:.3f}",
                                 f"{real['clean_touched']}/{real['clean_docs']}"]]), ""]
    return out


#: the JSON files of bench/memory_bench.py the corpus-memory section reads, by default
MEMORY_FILES = ("memory-loans.json", "memory-adult.json")


def memory_targets(paths: Sequence[Path]) -> list[list[str]]:
    """Issue 6's checks, one row each over every family measured."""
    runs = list(corpus_figures(paths).values())
    if not runs:
        return []
    f1 = ", ".join(f"{r['family']} {r['single']['f1']:.3f} → {r['memory']['f1']:.3f} ({r['gain']:+.3f})" for r in runs)
    ok = all(r["memory"]["f1"] >= 0.95 and r["gain"] >= 0.10 for r in runs)
    touched = ", ".join(f"{r['family']}: clean {r['single']['clean_touched']} → {r['memory']['clean_touched']} of "
                        f"{r['single']['clean_docs']}, hard negatives {r['hard_touched_single']} → "
                        f"{r['hard_touched_memory']} of {r['hard_negatives']}" for r in runs)
    same = all(r["memory"]["clean_touched"] <= r["single"]["clean_touched"]
               and r["hard_touched_memory"] <= r["hard_touched_single"] for r in runs)
    cost = ", ".join(f"{r['family']} {r['seconds_memory'] / max(r['seconds_single'], 1e-9):.1f}×" for r in runs)
    return [["unseen family in campaigns: char-F1 with memory ≥ 0.95 and ≥ +0.10 over the model alone", f1,
             "yes" if ok else "**no**"],
            ["hard negatives and clean documents: no more touched with memory", touched, "yes" if same else "**no**"],
            ["memory costs ≤ 25 % of single-pass throughput", f"CPU time with memory over without: {cost} (a first "
             "pass, the learning, and a second pass over the documents the memory may change)",
             "**no**" if any(r["seconds_memory"] > 1.25 * r["seconds_single"]
                                                              for r in runs) else "yes"]]


def memory_section(paths: Sequence[Path]) -> list[str]:
    """The corpus-memory section (issue 6): each family's campaign corpus, one pass against two."""
    runs = list(corpus_figures(paths).values())
    out = ["## Corpus memory: campaigns of a family the model never saw", ""]
    if not runs:
        return out + ["No figures: run `bench/memory_bench.py` with `--json` (see its help).", ""]
    out += ["`bench/memory_bench.py` (its docstring gives the recipe): test-split hosts injected from a few test-split "
            "spam texts of one family (the campaigns' templates), beside clean test-split hosts, scanned by a model "
            "trained without that family, alone and with the memory its own first pass gathered.", ""]
    rows = []
    for r in runs:
        for name, fig, hard, seconds in (("one pass", r["single"], r["hard_touched_single"], r["seconds_single"]),
                                         ("with memory", r["memory"], r["hard_touched_memory"], r["seconds_memory"])):
            rows.append([f"{r['family']}: {r['injected']} injected ({r['campaigns']} templates), {r['clean']} clean",
                         name, f"{fig['precision']:.3f}", f"{fig['recall']:.3f}", f"**{fig['f1']:.3f}**",
                         f"{fig['clean_touched']}/{fig['clean_docs']}", f"{hard}/{r['hard_negatives']}",
                         f"{seconds:.1f}"])
    out += [markdown_table(("corpus", "run", "P", "R", "F1", "clean touched", "hard negatives touched", "CPU s"),
                           rows), ""]
    return out


SET_NOTES = {
    "synthetic": "`sets.synthetic`: test-split hosts (40 % left clean, plus the test-split hard negatives), "
                 "test-split spam injected in nine styles (paragraphs, spliced and spun sentences, anchors, link "
                 "blocks, word salad with reference links, ...; `excise.training.synth`), seed 1234.",
    "obfuscated": "The same documents with about 35 % of the spam's words hidden, one trick per word: Cyrillic or "
                  "Greek look-alike letters, zero-width and other invisible characters, HTML character references, "
                  "spaced-out letters, digits for letters (`excise.training.obfuscate`). The clean text is unchanged.",
    "in_sentence": "Test-split hosts with one to three short anchors (one to six words, 70 % linked) put inside their "
                   "sentences (`anchor`), or a spam link wrapped around one to three of a sentence's own words, "
                   "where only the link syntax is gold (`linkwrap`).",
    "spam_pages": "Every test-split spam text as a document of its own, whole document gold; as many clean "
                  "test-split pages beside them.",
    "site_chrome": "The synthetic set's documents, each dressed in one to three blocks of site chrome at the top, "
                   "the bottom or between paragraphs (newsletter prompts, share bars, footer, navigation and "
                   "account lines, donation asks; `excise.training.chrome`), written from the 15 templates "
                   "training never sees: what a crawled page carries around its article. The chrome is not gold.",
    "hard_negatives": "Every host of both splits about what spam is about (ED-drug health pages, gambling and loan "
                      "news, MongoDB replica sets, ...), unchanged.",
    "real_seed": "The canonical case, `../shared/examples/seed.txt`, with its gold spans (`real-dev/seed_gold.jsonl`).",
    "real_xebia": "Real hacked WordPress posts with hand-labelled spans, and the blog's clean posts "
                  "(`real-dev/xebia_gold.jsonl`).",
    "multilingual_clean": "Real text in 28 other languages, unchanged: up to 150 documents per language of "
                          "consecutive paragraphs from Debian's translated documentation (the Debian Administrator's "
                          "Handbook, GNOME help, the installation guide, FAQ and reference, man pages, fortunes), "
                          "untranslated English paragraphs left out; `bench/languages.py` says how to install the "
                          "packages and which licence each has. Technical and help prose, not news: what the "
                          "installable packages hold.",
    "multilingual_spam": "Real spam in other languages from `../shared/data` (Russian contact-form spam, Chinese, "
                         "Korean, Turkish, ... e-mail spam, MIME-decoded) put into English test-split hosts as a "
                         "paragraph or spliced at a paragraph start, and English test-split spam injected into 40 "
                         "clean documents of each language by excise's own injector. The spam in other "
                         "languages comes from both data splits: training saw the training split's texts, but "
                         "the shipped model does not know their words where they are in other scripts "
                         "(docs/model.md, \"Other scripts\").",
}


if __name__ == "__main__":
    sys.exit(main())
