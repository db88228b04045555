"""The real hacked blog posts (``real-dev/xebia_gold.jsonl``) rendered as HTML pages, scanned as a site.

Each post's markdown (front matter removed) is rendered by markdown-it (CommonMark) into
a page whose canonical link names the blog. Before rendering, a private-use character
marks both ends of every gold span whose text shows on the page; the marks come out in
the HTML source, give each span's source range, and are taken out again. Reference
definitions (``[7]: http://...``) do not show on a rendered page (their targets become
the links' ``href``), so gold spans made only of them are not scored.

Scored: characters of the page's text (not blanks) inside the gold ranges against those
inside excise's spans (precision, recall, F1); each gold range **located** when a span's
source range overlaps it and the span's reported line lies within the range's lines;
clean posts touched.

    python bench/real_html.py --json bench/out/real-html.json
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Sequence
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
from sets import real_dev

from excise.site import scan_page

START, END = "\ue000", "\ue001"
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_DEFINITIONS_ONLY = re.compile(r"\A(?:\s*\[[^\]]+\]:\s*\S+[^\n]*\n?)+\s*\Z")


def render(record: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
    """The post as an HTML page, and the source ranges of its visible gold spans."""
    from markdown_it import MarkdownIt

    text = record["text"]
    marked = []
    at = 0
    for a, b in sorted(record["spans"]):
        if _DEFINITIONS_ONLY.match(text[a:b]):
            continue
        # marks inside the span's first and last non-blank characters, so they stay in the same block
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        marked += [text[at:a], START, text[a:b], END]
        at = b
    marked.append(text[at:])
    body_md = "".join(marked)
    front = _FRONT_MATTER.match(body_md)
    if front:
        body_md = body_md[front.end():]
    body = MarkdownIt("commonmark").render(body_md)
    title = html.escape(record["id"].split(":", 1)[-1])
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title>\n'
            f'<link rel="canonical" href="https://xebia.com/blog/{title}/"></head>\n<body>\n<article>\n{body}'
            "</article>\n</body></html>\n")
    ranges = []
    clean = []
    pos = 0
    start = None
    for char in page:
        if char == START:
            start = pos
        elif char == END:
            if start is not None:
                ranges.append((start, pos))
            start = None
        else:
            clean.append(char)
            pos += 1
    return "".join(clean), ranges


def score(excisor: Any, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    tp = fp = fn = 0
    located = gold_ranges = 0
    clean_docs = clean_touched = 0
    rows = []
    for record in records:
        source, ranges = render(record)
        scan = scan_page(excisor, source, record["id"])
        page = scan.page
        cut = bytearray(len(page.text))
        for span in scan.result.spans:
            cut[span.start : span.end] = b"\x01" * (span.end - span.start)
        gold = bytearray(len(page.text))
        for i, (a, b) in enumerate(zip(page.starts, page.ends)):
            if a < b and any(s <= a and b <= e for s, e in ranges):
                gold[i] = 1
        for i, char in enumerate(page.text):
            if char.isspace():
                continue
            tp += gold[i] and cut[i]
            fp += cut[i] and not gold[i]
            fn += gold[i] and not cut[i]
        lines = [(source.count("\n", 0, s) + 1, source.count("\n", 0, e) + 1) for s, e in ranges]
        found_here = 0
        for (s, e), (first, last) in zip(ranges, lines):
            if any(f.source_start < e and s < f.source_end and first <= f.line <= last for f in scan.findings):
                found_here += 1
        located += found_here
        gold_ranges += len(ranges)
        if not record["spans"]:
            clean_docs += 1
            clean_touched += bool(scan.findings)
        rows.append({"id": record["id"], "gold_ranges": len(ranges), "located": found_here,
                     "findings": [f.to_dict() | {"text": f.text[:120]} for f in scan.findings]})
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"docs": len(records), "gold_ranges": gold_ranges, "located": located, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4), "clean_docs": clean_docs, "clean_touched": clean_touched,
            "pages": rows}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model file (default: the shipped one)")
    parser.add_argument("--data", help="data folder (default: ../shared/data)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON")
    args = parser.parse_args(argv)
    data = data_dir(args.data)
    excisor = load_excisor(args.model)
    records = real_dev(data)["xebia_gold.jsonl"]
    result = score(excisor, records)
    print(preamble("excise on the real hacked posts rendered as HTML", [command_line()], data=data,
                   **model_facts(excisor, args.model)))
    print()
    print(markdown_table(["posts", "gold spans shown on the page", "located", "precision", "recall", "F1",
                          "clean posts touched"],
                         [[result["docs"], result["gold_ranges"], result["located"], f"{result['precision']:.3f}",
                           f"{result['recall']:.3f}", f"**{result['f1']:.3f}**",
                           f"{result['clean_touched']}/{result['clean_docs']}"]]))
    if args.json:
        write_json(args.json, {"command": command_line(), **result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
