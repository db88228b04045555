"""Hacked-site scanning on the synthetic HTML set (``html_set.py``): element-level recall and false flags.

For each page, ``excise.site.scan_page`` scans it and ``clean_html`` cleans it. An
injected element is **found** when at least half of its text (the characters of the
page's text whose source lies inside it) is inside the spans; a legitimate hidden
element is **flagged** when any of its text is. Also counted: pages without
injection that were cut at all, and, after cleaning, how much of each injected
element's source is gone and whether every legitimate element's source is still
there byte for byte.

    python bench/html_bench.py --json bench/out/html.json
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from common import (
    command_line,
    data_dir,
    load_excisor,
    log,
    markdown_table,
    model_facts,
    preamble,
    write_json,
)
from html_set import LEGIT_HIDDEN, STYLES, HtmlCase, html_cases

from excise.htmlpage import HtmlPage
from excise.site import removal_ranges, scan_page


def _text_chars(page: HtmlPage, start: int, end: int) -> list[int]:
    """The characters of the page's text whose source lies inside ``[start, end)``."""
    return [i for i, (a, b) in enumerate(zip(page.starts, page.ends)) if a < b and start <= a and b <= end]


def evaluate_case(excisor: Any, case: HtmlCase) -> dict[str, Any]:
    """What happened to one page's injected and legitimate hidden elements."""
    scan = scan_page(excisor, case.html, case.id)
    page = scan.page
    cut = bytearray(len(page.text))
    for span in scan.result.spans:
        cut[span.start : span.end] = b"\x01" * (span.end - span.start)
    removed = bytearray(len(case.html))
    for a, b in removal_ranges(page, scan.result.spans):
        removed[a:b] = b"\x01" * (b - a)
    injected = []
    for start, end, style in case.injected:
        chars = _text_chars(page, start, end)
        share = sum(cut[i] for i in chars) / len(chars) if chars else 0.0
        injected.append({"style": style, "found": share >= 0.5, "text_share_cut": round(share, 3),
                         "source_share_removed": round(sum(removed[start:end]) / (end - start), 3)})
    legit = []
    for start, end, kind in case.legit_hidden:
        chars = _text_chars(page, start, end)
        legit.append({"kind": kind, "flagged": any(cut[i] for i in chars), "bytes_kept": not any(removed[start:end])})
    # page text outside every injected element that was cut: legitimate text lost
    inside = bytearray(len(page.text))
    for start, end, _ in case.injected:
        for i in _text_chars(page, start, end):
            inside[i] = 1
    wrongly = sum(1 for i in range(len(page.text)) if cut[i] and not inside[i] and not page.text[i].isspace())
    return {"id": case.id, "injected": injected, "legit_hidden": legit, "spam_page": bool(case.injected),
            "touched": bool(scan.result.spans), "legit_chars_cut": wrongly,
            "legit_chars": sum(1 for i in range(len(page.text)) if not inside[i] and not page.text[i].isspace())}


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Recall per style, false flags per kind, clean pages touched, legitimate characters cut."""
    found: defaultdict[str, list[bool]] = defaultdict(list)
    removed: defaultdict[str, list[float]] = defaultdict(list)
    for row in rows:
        for item in row["injected"]:
            found[item["style"]].append(item["found"])
            removed[item["style"]].append(item["source_share_removed"])
    flagged: defaultdict[str, list[bool]] = defaultdict(list)
    kept = []
    for row in rows:
        for item in row["legit_hidden"]:
            flagged[item["kind"]].append(item["flagged"])
            kept.append(item["bytes_kept"])
    all_found = [f for v in found.values() for f in v]
    all_flagged = [f for v in flagged.values() for f in v]
    clean = [r for r in rows if not r["spam_page"]]
    return {
        "pages": len(rows),
        "injected_elements": len(all_found),
        "recall": round(sum(all_found) / max(len(all_found), 1), 4),
        "recall_by_style": {s: {"n": len(found[s]), "recall": round(sum(found[s]) / max(len(found[s]), 1), 4),
                                "source_removed": round(sum(removed[s]) / max(len(removed[s]), 1), 4)}
                            for s in STYLES if found[s]},
        "legit_hidden": len(all_flagged),
        "legit_hidden_flagged": sum(all_flagged),
        "legit_hidden_flagged_rate": round(sum(all_flagged) / max(len(all_flagged), 1), 4),
        "flagged_by_kind": {k: {"n": len(flagged[k]), "flagged": sum(flagged[k])} for k in LEGIT_HIDDEN if flagged[k]},
        "legit_hidden_bytes_kept": round(sum(kept) / max(len(kept), 1), 4),
        "clean_pages": len(clean),
        "clean_pages_touched": sum(r["touched"] for r in clean),
        "legit_chars_cut_share": round(sum(r["legit_chars_cut"] for r in rows) / max(sum(r["legit_chars"]
                                                                                          for r in rows), 1), 5),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=600, help="pages (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1234, help="set seed (default: %(default)s)")
    parser.add_argument("--model", help="model file (default: the shipped one)")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data = data_dir(args.data)
    excisor = load_excisor(args.model)
    log(f"building {args.n} pages ...")
    cases = html_cases(data, args.n, args.seed)
    started = time.perf_counter()
    rows = [evaluate_case(excisor, case) for case in cases]
    seconds = time.perf_counter() - started
    summary = summarise(rows)
    print(preamble("excise on hacked-site HTML", [command_line()], data=data, **model_facts(excisor, args.model),
                   set=f"html_set.html_cases(data, n={args.n}, seed={args.seed}): test-split hosts and spam"))
    print(f"- set: {summary['pages']} pages (seed {args.seed}), {summary['injected_elements']} injected elements, "
          f"{summary['legit_hidden']} legitimate hidden elements, {summary['clean_pages']} pages without injection; "
          f"scanned in {seconds:.1f} s ({summary['pages'] / seconds:.0f} pages/s)\n")
    table = [[s, v["n"], f"{v['recall']:.3f}", f"{v['source_removed']:.3f}"]
             for s, v in summary["recall_by_style"].items()]
    table.append(["**all**", summary["injected_elements"], f"**{summary['recall']:.3f}**", ""])
    print(markdown_table(["injection", "elements", "found (element recall)", "share of its source removed by clean"],
                         table))
    print()
    kinds = [[k, v["n"], v["flagged"]] for k, v in summary["flagged_by_kind"].items()]
    kinds.append(["**all**", summary["legit_hidden"],
                  f"**{summary['legit_hidden_flagged']} ({100 * summary['legit_hidden_flagged_rate']:.2f} %)**"])
    print(markdown_table(["legitimate hidden element", "elements", "flagged"], kinds))
    print(f"\npages without injection touched: {summary['clean_pages_touched']}/{summary['clean_pages']}; "
          f"legitimate text characters cut: {100 * summary['legit_chars_cut_share']:.3f} %; legitimate hidden "
          f"elements left byte for byte by clean: {100 * summary['legit_hidden_bytes_kept']:.2f} %")
    misses = Counter(item["style"] for r in rows for item in r["injected"] if not item["found"])
    if misses:
        log(f"missed: {dict(misses)}")
    if args.json:
        write_json(args.json, {"command": command_line(), "seed": args.seed, "n": args.n, "seconds": round(seconds, 1),
                               "summary": summary, "pages": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
