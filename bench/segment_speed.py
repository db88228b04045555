"""Throughput of segment() alone: the pure-Python reference against the compiled excise._segment.

Reads the texts of a JSONL corpus (``text`` field) into memory, then segments all of them with each
implementation in turn, ``--rounds`` times back to back (A, B, A, B, ...), and reports megabytes
(10^6 bytes of UTF-8 text) per CPU second, the best round of each. It also checks that both give
the same units for every document.

    taskset -c 1 python bench/segment_speed.py bench/out/speed-corpus-25mb-0.05-seed0.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence

from excise.segment import Unit, segment_python

try:
    from excise._segment import segment as compiled
except ImportError:
    sys.exit("excise._segment is not built: pip install -e . with a C compiler (see DEVELOPERS.md)")


def cpu_seconds(segment: Callable[[str], list[Unit]], texts: Sequence[str]) -> float:
    """CPU time of segmenting every text once."""
    start = time.process_time()
    for text in texts:
        segment(text)
    return time.process_time() - start


def main(argv: Sequence[str] | None = None) -> int:
    """Time both segmenters on the corpus and print MB/s."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", help="JSONL file with a text field")
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds (default 3)")
    args = parser.parse_args(argv)
    with open(args.corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    mb = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6
    implementations = {"python": segment_python, "c": lambda text: compiled(text, Unit)}
    differ = sum(implementations["c"](t) != segment_python(t) for t in texts)
    best = dict.fromkeys(implementations, float("inf"))
    for _ in range(args.rounds):
        for name, segment in implementations.items():
            best[name] = min(best[name], cpu_seconds(segment, texts))
    print(f"{len(texts)} documents, {mb:.1f} MB of text, {differ} with different units")
    for name, seconds in best.items():
        print(f"{name:>6}: {mb / seconds:7.1f} MB/s CPU ({seconds:.2f} s)")
    print(f"speed-up: {best['python'] / best['c']:.1f}x")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
