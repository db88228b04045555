"""Worker processes: ``excise clean -j N`` against ``-j 1`` on the speed corpus, and the memory it takes.

The corpus is the one ``bench/speed.py`` builds (test-split clean hosts repeated
with light variation, about 5 % injected), cached under ``bench/out/``. Each
``-j`` value runs ``--repeat`` times, interleaved (1, N, 1, N, ...) so that a
drift of the shared host hits both alike; the table shows medians. While a run
goes, its process tree (the command and its workers) is sampled every 50 ms
from ``/proc``: the peak of the summed RSS (shared pages counted in every
process that maps them, so an upper bound) and of the summed PSS (shared pages
divided among the processes that share them: what the run really holds).
After each round, ``--jobs`` copies of a pure-Python CPU loop run together and
alone: what the machine itself gives that many processes (a shared virtual
machine's cores are not always whole), the ceiling for the speed-up.

    python bench/parallel.py --mb 50 --jobs 2 --json bench/out/parallel.json
    python bench/parallel.py --mb 1000 --jobs 2 --repeat 1 --only-jobs   # memory on a 1 GB input
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import OUT_DIR, command_line, data_dir, log, markdown_table, preamble, write_json
from speed import build_corpus, excise_command


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; zeros once it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return fields.get("Rss", 0), fields.get("Pss", 0)


class Sampler(threading.Thread):
    """Samples a process tree's summed RSS and PSS until it ends; keeps the peaks (MB)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = self.peak_pss = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sizes = [memory_kb(p) for p in tree(self.pid)]
            self.peak_rss = max(self.peak_rss, sum(r for r, _ in sizes) / 1024)
            self.peak_pss = max(self.peak_pss, sum(p for _, p in sizes) / 1024)
            time.sleep(0.05)


def run_clean(corpus: Path, out: Path, jobs: int, model: str | None) -> dict[str, float]:
    """One ``excise clean -j JOBS`` run: wall seconds and peak memory."""
    cmd = [*excise_command(), "clean", str(corpus), "-o", str(out), "-j", str(jobs), "--quiet",
           *(["--model", model] if model else [])]
    log("running " + " ".join(cmd))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    sampler = Sampler(proc.pid)
    sampler.start()
    status = proc.wait()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if status:
        raise SystemExit(f"error: `excise clean` failed with exit status {status}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers, all waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": sampler.peak_rss, "peak_pss_mb": sampler.peak_pss}


_BURN = "x = 0\nfor i in range(20_000_000):\n    x += i\n"


def machine_scaling(jobs: int) -> float:
    """What this machine gives ``jobs`` processes at once: ``jobs`` × the time of one pure-Python CPU loop
    over the time of ``jobs`` copies of it run together (``jobs`` on a machine with that many idle cores)."""
    def together(n: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _BURN]) for _ in range(n)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - start

    return jobs * together(1) / together(jobs)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=50, help="corpus size in MB of text (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes to compare with -j 1 (default: 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default: %(default)s)")
    parser.add_argument("--only-jobs", action="store_true", help="run -j JOBS only (for memory on a big input)")
    parser.add_argument("--contaminated", type=float, default=0.05, help="share of injected documents")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default: %(default)s)")
    parser.add_argument("--model", help="model file for excise (default: the shipped model)")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = OUT_DIR / f"speed-corpus-{args.mb:g}mb-{args.contaminated:g}-seed{args.seed}.jsonl"
    if not corpus.exists():
        build_corpus(data_dir(args.data), corpus, args.mb, args.seed, args.contaminated)
    size = corpus.stat().st_size
    settings = [args.jobs] if args.only_jobs else [1, args.jobs]
    runs: dict[int, list[dict[str, float]]] = {jobs: [] for jobs in settings}
    outputs = {jobs: OUT_DIR / f"parallel-out-j{jobs}.jsonl" for jobs in settings}
    ceilings = []
    for _ in range(args.repeat):
        for jobs in settings:
            runs[jobs].append(run_clean(corpus, outputs[jobs], jobs, args.model))
        if not args.only_jobs:
            ceilings.append(machine_scaling(args.jobs))
    ceiling = round(statistics.median(ceilings), 2) if ceilings else None
    same = len(settings) == 1 or outputs[1].read_bytes() == outputs[args.jobs].read_bytes()
    rows, figures = [], {}
    for jobs in settings:
        wall = statistics.median(r["wall_s"] for r in runs[jobs])
        figures[jobs] = {"wall_s": round(wall, 2), "mb_per_s": round(size / 1e6 / wall, 2),
                         "cpu_s": round(statistics.median(r["cpu_s"] for r in runs[jobs]), 2),
                         "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs[jobs]), 1),
                         "peak_pss_mb": round(max(r["peak_pss_mb"] for r in runs[jobs]), 1),
                         "runs_mb_per_s": [round(size / 1e6 / r["wall_s"], 2) for r in runs[jobs]]}
        f = figures[jobs]
        rows.append([f"-j {jobs}", f"{f['wall_s']:.2f}", f"{f['mb_per_s']:.2f}", f"{f['cpu_s']:.2f}",
                     f"{f['peak_rss_mb']:.0f}",
                     f"{f['peak_pss_mb']:.0f}", ", ".join(f"{r:.2f}" for r in f["runs_mb_per_s"])])
    speedup = None if args.only_jobs else round(figures[1]["wall_s"] / figures[args.jobs]["wall_s"], 2)
    # the CPU the parallel run spends beyond the serial one (reading, pickling, the pool): with whole cores,
    # the speed-up is jobs / (1 + overhead)
    overhead = None if args.only_jobs else round(figures[args.jobs]["cpu_s"] / figures[1]["cpu_s"] - 1, 3)
    print(preamble("excise clean with worker processes", [command_line()],
                   corpus=f"{corpus.name}: {size / 1e6:.1f} MB", runs=f"{args.repeat} of each, interleaved"))
    print(markdown_table(("run", "wall s (median)", "MB/s (wall)", "CPU s, all processes (median)",
                          "peak RSS MB (sum)", "peak PSS MB (sum)",
                          "every run, MB/s"), rows))
    if speedup is not None:
        print(f"\n-j {args.jobs} / -j 1: {speedup}x by median wall time; outputs identical: {same}")
        print(f"CPU spent beyond -j 1: {100 * overhead:.1f} % (on {args.jobs} whole cores: "
              f"{args.jobs / (1 + overhead):.2f}x)")
        print(f"this machine's own ceiling: {args.jobs} copies of a pure-Python CPU loop run together go "
              f"{ceiling}x as fast as one (median of {len(ceilings)}: {', '.join(f'{c:.2f}' for c in ceilings)})")
    if args.json:
        write_json(args.json, {"command": command_line(), "corpus_mb": round(size / 1e6, 1), "jobs": {str(k): v for k, v in figures.items()},
                                     "speedup": speedup, "identical": same, "cpu_overhead": overhead,
                                 "machine_ceiling": ceiling, "machine_ceilings": [round(c, 2) for c in ceilings]})
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
