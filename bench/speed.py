"""Throughput on one core: ``excise clean`` JSONL → JSONL, with datatrove's C4 line filter for reference.

The corpus (built once, cached under ``bench/out/``) is every test-split clean
host of every source, repeated with light variation (one paragraph dropped)
until it reaches ``--mb`` megabytes, shuffled, with about 5 % of the documents
injected with test-split spam by the synthetic injector (gold spans kept in a
``spans`` field). Both tools run pinned to one core with BLAS/OpenMP threads
set to 1:

- ``excise clean CORPUS -o OUT`` as a subprocess: the real CLI, reading,
  decoding, scanning and writing JSONL, model loading included;
- ``C4QualityFilter()`` with its defaults, in this process, over the same
  texts already in memory (``Document`` construction and ``filter(doc)`` only:
  no reading or writing, which favours it).

MB/s are megabytes (10^6 bytes) of the input JSONL file per second, by wall
clock and by CPU time (the CPU figure is steadier on a busy machine).

    python bench/speed.py --json bench/out/speed.json

``excise clean`` runs ``--repeat`` times (default 5): the table shows the run with the median CPU time, and
every run's MB/s is printed under it.

A shared host's speed drifts by a quarter from minute to minute, which swamps a change of a few per cent.
``--instructions`` also runs ``excise clean`` once under valgrind's callgrind and reports how many
instructions it executed: the same count for the same code, model and corpus whatever else the host is
doing, so two revisions or two models (``--model``) can be compared by it.
"""

from __future__ import annotations

import os

# Before numpy is imported (through excise): one thread per library, one core in all.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from common import OUT_DIR, command_line, data_dir, log, markdown_table, preamble, write_json  # noqa: E402

from excise.training.sources import Piece, clean_hosts, spam_pieces  # noqa: E402
from excise.training.synth import STYLES, Doc, Injector, keyword_anchors  # noqa: E402

INSTALL_HINT = "the speed benchmark needs datatrove and spaCy: pip install '.[bench]'"
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Timing:
    """One tool's run over the corpus."""

    wall_s: float
    cpu_s: float

    def rates(self, size: int) -> tuple[float, float]:
        """MB/s of ``size`` input bytes by wall clock and by CPU time."""
        return size / 1e6 / self.wall_s, size / 1e6 / self.cpu_s


def vary(text: str, rng: random.Random) -> str:
    """A light variant of a host for the repeated rounds: one paragraph (not the first) dropped."""
    paragraphs = _PARAGRAPH.split(text)
    if len(paragraphs) < 3:
        return text
    del paragraphs[rng.randrange(1, len(paragraphs))]
    return "\n\n".join(paragraphs)


def corpus_records(hosts: Sequence[Piece], injector: Injector, target_bytes: int, contaminated: float,
                   rng: random.Random) -> Iterator[dict[str, Any]]:
    """Shuffled rounds over the hosts until ``target_bytes`` of text; some documents get injected spam."""
    size = 0
    for round_ in range(10_000):
        order = list(hosts)
        rng.shuffle(order)
        for host in order:
            text = host.text if round_ == 0 else vary(host.text, rng)
            doc = Doc(f"{host.id}#{round_}", text, [], host.id)
            if rng.random() < contaminated:
                doc = injector.inject(doc, rng.choice(injector.spam), rng.choice(STYLES))
            size += len(doc.text.encode("utf-8"))
            yield {"id": doc.id, "source": host.source, "text": doc.text, "spans": [list(s) for s in doc.spans],
                   "style": doc.style or "clean"}
            if size >= target_bytes:
                return


def build_corpus(data: Path, path: Path, mb: float, seed: int, contaminated: float) -> None:
    """Write the mixed test-split corpus to ``path`` (JSONL)."""
    log(f"building a {mb:g} MB corpus at {path} ...")
    hosts = [h for h in clean_hosts(data) if h.split == "test"]
    spam = [p for p in spam_pieces(data) if p.split == "test"]
    anchors = keyword_anchors(str(data / "smokedetector" / "bad_keywords.txt"))
    injector = Injector(spam, anchors, seed=seed)
    records = corpus_records(hosts, injector, int(mb * 1e6), contaminated, random.Random(seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)


def read_texts(path: Path) -> list[dict[str, Any]]:
    """The corpus records."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def pin(core: int) -> list[str]:
    """Pin this process (and so its children) to ``core``; the ``taskset`` prefix for subprocesses."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    return ["taskset", "-c", str(core)] if shutil.which("taskset") else []


def excise_command() -> list[str]:
    """The installed ``excise`` console script: beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("excise")
    found = str(beside) if beside.exists() else shutil.which("excise")
    if not found:
        sys.exit("error: the `excise` command is not installed (pip install -e .)")
    return [found]


def time_excise(corpus: Path, out: Path, prefix: list[str], model: str | None) -> Timing:
    """Run ``excise clean`` on the corpus as a subprocess; wall and child CPU time."""
    cmd = [*prefix, *excise_command(), "clean", str(corpus), "-o", str(out), *(["--model", model] if model else [])]
    log("running " + " ".join(cmd))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        subprocess.run(cmd, check=True)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"error: `excise clean` failed with exit status {exc.returncode} (its message is above)")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def count_instructions(corpus: Path, out: Path, model: str | None) -> int:
    """Instructions that one run of ``excise clean`` on the corpus executes, counted by callgrind."""
    valgrind = shutil.which("valgrind")
    if not valgrind:
        sys.exit("error: --instructions needs valgrind (on Debian: apt-get install valgrind)")
    cmd = [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "excise", "clean",
           str(corpus), "-o", str(out), *(["--model", model] if model else [])]
    log("running " + " ".join(cmd) + " (about 50 times slower than without valgrind)")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode or not found:
        sys.exit(f"error: `excise clean` under callgrind failed with exit status {proc.returncode}:\n"
                 + proc.stderr[-2000:])
    return int(found.group(1))


def solid(text: str) -> int:
    """Non-whitespace characters of ``text``: what both tools are compared on (C4 also re-joins lines)."""
    return len(text) - sum(len(m) for m in _SPACE.findall(text))


def excise_summary(out: Path, records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """What ``excise clean`` changed: documents that lost non-whitespace characters, and how many."""
    changed = removed = 0
    with open(out, encoding="utf-8") as f:
        for record, line in zip(records, f):
            lost = solid(record["text"]) - solid(json.loads(line)["text"])
            changed += lost > 0
            removed += lost
    return {"docs_changed": changed, "solid_chars_removed": removed}


def c4_filter() -> Any:
    """datatrove's ``C4QualityFilter`` with its defaults, warmed up (its spaCy sentence splitter loads lazily)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter

        step = C4QualityFilter()
        step.filter(Document(text="A warm-up line with enough words. " * 6, id="warm-up"))
    except ImportError as exc:
        sys.exit(f"error: {INSTALL_HINT} ({exc})")
    return step


def time_c4(texts: Sequence[str]) -> tuple[Timing, dict[str, Any]]:
    """Apply the C4 filter to every text in this process; timing, and what it dropped or removed."""
    from datatrove.data import Document

    step = c4_filter()
    outcomes: Counter[str] = Counter()
    changed = removed = 0
    start, cpu = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts):
        doc = Document(text=text, id=str(i))
        kept = step.filter(doc)
        if kept is True:
            outcomes["kept"] += 1
            lost = solid(text) - solid(doc.text)
        else:
            outcomes["dropped: " + (kept[1] if isinstance(kept, tuple) else "filtered")] += 1
            lost = solid(text)
        changed += lost > 0
        removed += lost
    timing = Timing(time.perf_counter() - start, time.process_time() - cpu)
    return timing, {"outcomes": dict(outcomes), "docs_changed": changed, "solid_chars_removed": removed}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=25, help="corpus size in MB of text (default: %(default)s)")
    parser.add_argument("--contaminated", type=float, default=0.05,
                        help="share of documents with injected spam (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default: %(default)s)")
    parser.add_argument("--core", type=int, default=0, help="the CPU core to run on (default: %(default)s)")
    parser.add_argument("--model", help="model file for excise (default: the shipped model)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached corpus")
    parser.add_argument("--skip-c4", action="store_true", help="time excise only")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of excise; the table shows the one with the median CPU time (default: %(default)s)")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of one excise run with valgrind's callgrind")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build or reuse the corpus, time both tools on one core, print the table."""
    args = parse_args(argv)
    if not args.skip_c4:
        c4_filter()  # fail before the long excise run, not after it
    corpus = OUT_DIR / f"speed-corpus-{args.mb:g}mb-{args.contaminated:g}-seed{args.seed}.jsonl"
    if args.rebuild or not corpus.exists():
        build_corpus(data_dir(args.data), corpus, args.mb, args.seed, args.contaminated)
    records = read_texts(corpus)
    size = corpus.stat().st_size
    n_spam = sum(bool(r["spans"]) for r in records)
    sources = Counter(r["source"] for r in records)

    prefix = pin(args.core)
    excise_out = OUT_DIR / "speed-excise-out.jsonl"
    rows: list[list[Any]] = []
    figures: dict[str, Any] = {}
    # a shared machine's speed drifts from run to run: the median of several runs, and all of them
    runs = [time_excise(corpus, excise_out, prefix, args.model) for _ in range(max(args.repeat, 1))]
    excise = sorted(runs, key=lambda t: t.cpu_s)[len(runs) // 2]
    figures["excise"] = {"wall_s": excise.wall_s, "cpu_s": excise.cpu_s, **excise_summary(excise_out, records),
                         "runs_mb_s_cpu": [round(t.rates(size)[1], 2) for t in runs]}
    rows.append(["`excise clean` (subprocess, JSONL → JSONL)", *_cells(excise, size, figures["excise"])])
    if not args.skip_c4:
        log("running C4QualityFilter ...")
        c4, c4_info = time_c4([r["text"] for r in records])
        figures["c4"] = {"wall_s": c4.wall_s, "cpu_s": c4.cpu_s, **c4_info}
        rows.append(["datatrove `C4QualityFilter()` (in-process, filter only)", *_cells(c4, size, figures["c4"])])

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print(preamble("excise speed (one core)", [command_line()],
                   corpus=f"{corpus.relative_to(OUT_DIR.parents[1])}: {size / 1e6:.1f} MB, {len(records)} docs, "
                          f"{n_spam} contaminated ({100 * n_spam / len(records):.1f} %); "
                          + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())),
                   pinning=f"core {args.core} ({'taskset + ' if prefix else ''}sched_setaffinity), "
                           "OMP/OpenBLAS/MKL threads = 1",
                   load_average_at_end=" ".join(f"{x:.2f}" if isinstance(x, float) else x for x in load)))
    print()
    print(markdown_table(("tool", "wall s", "MB/s (wall)", "CPU s", "MB/s (CPU)", "docs changed",
                          "non-space chars removed"),
                         rows))
    if len(runs) > 1:
        print(f"\n`excise clean`, {len(runs)} runs, MB/s (CPU): "
              + ", ".join(f"{x:.2f}" for x in figures["excise"]["runs_mb_s_cpu"]) + " (the table shows the median run)")
    screen = screen_pass_rates(records, args.model)
    figures["screen_pass"] = screen
    print(f"\npre-screen: {100 * screen['clean']:.1f} % of clean and {100 * screen['contaminated']:.1f} % of "
          "contaminated documents go on to the unit pipeline")
    if args.instructions:
        count = count_instructions(corpus, excise_out, args.model)
        figures["excise_instructions"] = count
        print(f"\n`excise clean` under callgrind: {count / 1e9:.3f} × 10⁹ instructions, {count / size:.0f} per input byte")
    if "c4" in figures:
        ratio = excise.rates(size)[1] / c4.rates(size)[1]
        figures["excise_over_c4_cpu"] = ratio
        print(f"\nexcise / C4 throughput: {ratio:.2f}× by CPU time, "
              f"{excise.rates(size)[0] / c4.rates(size)[0]:.2f}× by wall clock")
    write_json(args.json, {"command": command_line(), "corpus": str(corpus), "bytes": size, "docs": len(records),
                           "contaminated_docs": n_spam, "sources": dict(sources), **figures})
    return 0


def screen_pass_rates(records: Sequence[dict[str, Any]], model: str | None) -> dict[str, float]:
    """Share of clean and of contaminated documents that the pre-screen sends on to the unit pipeline."""
    from excise import Excisor

    screen = Excisor(model).model.screen
    passed = {True: [0, 0], False: [0, 0]}
    for r in records:
        tally = passed[bool(r["spans"])]
        tally[0] += screen.passes(r["text"])
        tally[1] += 1
    return {"clean": passed[False][0] / max(passed[False][1], 1),
            "contaminated": passed[True][0] / max(passed[True][1], 1)}


def _cells(timing: Timing, size: int, figures: dict[str, Any]) -> list[str]:
    """Wall seconds, wall MB/s, CPU seconds, CPU MB/s, documents changed, share of text removed."""
    wall_rate, cpu_rate = timing.rates(size)
    return [f"{timing.wall_s:.1f}", f"{wall_rate:.2f}", f"{timing.cpu_s:.1f}", f"{cpu_rate:.2f}",
            str(figures["docs_changed"]), f"{figures['solid_chars_removed'] / 1e6:.3f} M"]


if __name__ == "__main__":
    sys.exit(main())
