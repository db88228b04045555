"""The site report: one self-contained HTML page that a site owner can read.

``excise scan SITE/ --report report.html`` writes it: a summary of the pages (how
many have spam, of which families, hidden how, linking where), a table of every
page, and for each page with spam its spans in context, highlighted, each with
where it is in the source (line, column, element), how it was hidden, the evidence
behind the cut and the links it carries. No script, no style sheet or font from
elsewhere: the file opens anywhere, offline, as it is.
"""

from __future__ import annotations

import datetime
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .htmlpage import link_host
from .site import Finding, PageScan
from .types import Result

__all__ = ["ReportPage", "render_report"]

#: characters of the page's text shown on each side of a span
CONTEXT = 160

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 70em;
       padding: 0 1em; color: #1d2430; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccd; }
.meta { color: #566; font-size: .9em; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
.card { border: 1px solid #ccd; border-radius: 6px; padding: .6em 1em; min-width: 9em; }
.card b { display: block; font-size: 1.6em; }
.card.alert b { color: #b00020; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { background: #f3f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.spam td:first-child { border-left: 4px solid #b00020; }
.finding { border: 1px solid #e3e6ea; border-radius: 6px; padding: .6em 1em; margin: .8em 0; }
.where { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; color: #334; }
.tag { display: inline-block; border-radius: 3px; padding: 0 .4em; margin: 0 .2em .2em 0; font-size: .82em;
       background: #eef1f5; }
.tag.hidden { background: #fde7c8; } .tag.label { background: #f8d0d6; font-weight: 600; }
.context { white-space: pre-wrap; background: #fafbfc; border-left: 3px solid #ccd; padding: .4em .7em;
           font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .82em; overflow-wrap: anywhere; }
mark.cut { background: #ffd6db; color: #7a0014; text-decoration: line-through; text-decoration-color: #b00020; }
ul.links { margin: .3em 0; padding-left: 1.2em; font-size: .85em; overflow-wrap: anywhere; }
"""


@dataclass(frozen=True, slots=True)
class ReportPage:
    """What the report shows of a scanned page (the page's source map is not kept: a site has many pages)."""

    path: str
    result: Result
    findings: tuple[Finding, ...]
    outbound: list[tuple[str, int]]
    text: str

    @classmethod
    def of(cls, scan: PageScan) -> ReportPage:
        """The report's part of ``scan``."""
        return cls(scan.path, scan.result, scan.findings, scan.outbound, scan.page.text)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_report(scans: Sequence[ReportPage], *, title: str = "excise site report", unreadable: Sequence[str] = (),
                  generated: datetime.datetime | None = None) -> str:
    """The report of ``scans`` (every page scanned, with or without spam) as one HTML document."""
    when = (generated or datetime.datetime.now().astimezone()).isoformat(timespec="seconds")
    spam_pages = [s for s in scans if s.findings]
    findings = [f for s in scans for f in s.findings]
    labels = Counter(f.span.label for f in findings)
    hiding = Counter(reason.split(":")[0] for f in findings for reason in f.hidden)
    domains: Counter[str] = Counter()
    for scan in spam_pages:
        spam_hosts = {link_host(link) for f in scan.findings for link in f.links}
        for domain, count in scan.outbound:
            if domain in spam_hosts:
                domains[domain] += count
    models = sorted({s.result.model for s in scans if s.result.model})
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{_e(title)}</h1>",
           f'<p class="meta">generated {_e(when)} by {_e(", ".join(models) or "excise")}</p>',
           '<section id="summary"><div class="cards">',
           _card("pages scanned", len(scans)),
           _card("pages with spam", len(spam_pages), alert=bool(spam_pages)),
           _card("spans", len(findings), alert=bool(findings)),
           _card("hidden spans", sum(bool(f.hidden) for f in findings), alert=any(f.hidden for f in findings)),
           _card("unreadable files", len(unreadable), alert=bool(unreadable)),
           "</div>"]
    if labels:
        out.append("<p>Families: " + " ".join(f'<span class="tag label">{_e(k)} × {v}</span>'
                                               for k, v in labels.most_common()) + "</p>")
    if hiding:
        out.append("<p>Hidden by: " + " ".join(f'<span class="tag hidden">{_e(k)} × {v}</span>'
                                              for k, v in hiding.most_common()) + "</p>")
    if domains:
        out.append("<p>Spam links to: " + " ".join(f'<span class="tag">{_e(k)} × {v}</span>'
                                                  for k, v in domains.most_common(20)) + "</p>")
    out.append("</section>")
    out.append('<section id="pages"><h2>Pages</h2><table><thead><tr><th>page</th><th>spans</th>'
               "<th>families</th><th>hidden by</th><th>score</th></tr></thead><tbody>")
    for k, scan in enumerate(scans):
        page_labels = sorted({f.span.label for f in scan.findings})
        page_hiding = sorted({r.split(":")[0] for f in scan.findings for r in f.hidden})
        name = f'<a href="#page-{k}">{_e(scan.path)}</a>' if scan.findings else _e(scan.path)
        out.append(f'<tr class="{"spam" if scan.findings else "clean"}"><td>{name}</td>'
                   f'<td class="num">{len(scan.findings)}</td><td>{_e(", ".join(page_labels))}</td>'
                   f'<td>{_e(", ".join(page_hiding))}</td><td class="num">{scan.result.score:.2f}</td></tr>')
    for path in unreadable:
        out.append(f'<tr class="unreadable"><td>{_e(path)}</td><td colspan="4">could not be read</td></tr>')
    out.append("</tbody></table></section>")
    for k, scan in enumerate(scans):
        if scan.findings:
            out.append(_page_section(k, scan))
    out.append("</body></html>\n")
    return "\n".join(out)


def _card(label: str, value: int, *, alert: bool = False) -> str:
    return f'<div class="card{" alert" if alert else ""}"><b>{value}</b>{_e(label)}</div>'


def _page_section(k: int, scan: ReportPage) -> str:
    parts = [f'<section class="page" id="page-{k}"><h2>{_e(scan.path)}</h2>',
             (f'<p class="meta">{len(scan.findings)} spans · injection score {scan.result.score:.2f} · '
              f"whole-page spam score {scan.result.page_score:.2f}</p>")]
    if scan.outbound:
        parts.append("<p>Outbound domains: " + " ".join(f'<span class="tag">{_e(d)} × {n}</span>'
                                                       for d, n in scan.outbound[:30]) + "</p>")
    text = scan.text
    for finding in scan.findings:
        parts.append(_finding(text, finding))
    parts.append("</section>")
    return "\n".join(parts)


def _finding(text: str, f: Finding) -> str:
    span = f.span
    before = text[max(0, span.start - CONTEXT) : span.start]
    after = text[span.end : span.end + CONTEXT]
    where = f"line {f.line}, column {f.column} · {f.element or '(page)'} · " + (
        "the whole element" if f.whole_element else "text inside the element")
    tags = [f'<span class="tag label">{_e(span.label)} {span.score:.2f}</span>']
    tags += [f'<span class="tag hidden">hidden: {_e(r)}</span>' for r in f.hidden]
    tags += [f'<span class="tag">{_e(r)}</span>' for r in span.reasons]
    links = ""
    if f.links:
        links = '<ul class="links">' + "".join(f"<li>{_e(link)}</li>" for link in f.links[:20]) + "</ul>"
    return (f'<div class="finding"><div class="where">{_e(where)}</div><div>{"".join(tags)}</div>'
            f'<div class="context">{"…" if span.start > CONTEXT else ""}{_e(before)}'
            f'<mark class="cut">{_e(text[span.start:span.end])}</mark>{_e(after)}'
            f'{"…" if span.end + CONTEXT < len(text) else ""}</div>{links}</div>')
