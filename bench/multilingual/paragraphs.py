"""Prose paragraphs out of documentation HTML, man pages and fortune files.

Only running prose is kept: ``<pre>``, tables, navigation, option lists, synopses
and examples are not the kind of text excise is meant to leave alone, and would
make the clean set easy.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from typing import ClassVar

__all__ = ["html_paragraphs", "man_paragraphs", "reflow_fortune"]

MAN_SENTENCE_END = re.compile(r"[.!?。！？:;)»”\"']$")
SKIPPED_DIV = re.compile(r"nav(header|footer)|toc|titlepage|legalnotice")


class _Paragraphs(HTMLParser):
    """Collects the text of ``<p>``, ``<blockquote>``, ``<dd>`` and ``div.para``, outside skipped elements."""

    PARA: ClassVar[frozenset[str]] = frozenset({"p", "blockquote", "dd"})
    SKIP: ClassVar[frozenset[str]] = frozenset({"script", "style", "pre", "table", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[str] = []
        self.buf: list[str] | None = None
        self.tag = ""
        self.depth = 0
        self.skipping: list[str] = []  # open skipped elements (a nested one of the same tag deepens it)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag in self.SKIP or (tag == "div" and SKIPPED_DIV.search(cls)):
            self.skipping.append(tag)
            return
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        is_para = tag in self.PARA or (tag == "div" and cls.split()[:1] in (["para"], ["paragraph"]))
        if self.buf is None:
            if is_para:
                self.buf, self.depth, self.tag = [], 1, tag
        elif tag == self.tag:
            self.depth += 1
        elif tag == "br":
            self.buf.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if self.buf is not None and tag == self.tag:
            self.depth -= 1
            if self.depth <= 0:
                text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
                if text:
                    self.paras.append(text)
                self.buf = None

    def handle_data(self, data: str) -> None:
        if not self.skipping and self.buf is not None:
            self.buf.append(data)


def html_paragraphs(markup: str) -> list[str]:
    """The prose paragraphs of an HTML (or Mallard ``.page``) file, whitespace collapsed."""
    parser = _Paragraphs()
    with contextlib.suppress(Exception):  # broken markup: keep what was read before it broke
        parser.feed(markup)
        parser.close()
    return parser.paras


def render_man(path: str, timeout: float = 20) -> str:
    """A man page as text, each filled paragraph on one long line (``man -l``; crude roff stripping without it)."""
    if shutil.which("man"):
        env = dict(os.environ, MANWIDTH="10000", LANG="C.UTF-8", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="0")
        try:
            out = subprocess.run(["man", "-E", "UTF-8", "-l", path], env=env, capture_output=True, check=False,
                                 timeout=timeout).stdout
            return re.sub(r".\x08", "", out.decode("utf-8", errors="replace"))  # overstrikes, as col -b
        except (OSError, subprocess.SubprocessError):
            pass
    return crude_roff(path)


def _unescape_roff(line: str) -> str:
    """A roff text line without its font changes and escapes."""
    line = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", line)
    line = re.sub(r"\\\(em|\\\(en", "—", line)
    line = re.sub(r"\\\(..|\\\[[^\]]*\]", "", line)
    return line.replace("\\-", "-").replace("\\&", "").replace("\\ ", " ").replace("\\e", "\\").replace("\\|", "")


def crude_roff(path: str) -> str:
    """A man page's filled text without groff: paragraphs indented on one line, tables and examples dropped."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        source = f.read()
    out: list[str] = []
    cur: list[str] = []
    nofill = table = False

    def flush() -> None:
        if cur:
            out.append("       " + " ".join(cur))
            cur.clear()
        out.append("")

    for line in source.splitlines():
        if line.startswith(('.\\"', "'\\\"", '.\\\\"')):
            continue
        if line.startswith((".TS", ".TE")):
            table = line.startswith(".TS")
            if table:
                flush()
            continue
        if table:
            continue
        if line.startswith((".nf", ".EX", ".fi", ".EE")):
            nofill = line.startswith((".nf", ".EX"))
            if nofill:
                flush()
            continue
        if nofill:
            continue
        if line.startswith((".SH", ".SS")):
            flush()
            out += [re.sub(r"^\.S[HS]\s*", "", line).strip('"'), ""]
            continue
        if re.match(r"^\.(PP|P|LP|TP|IP|sp|br|RS|RE|HP)\b", line):
            flush()
            continue
        if line.startswith((".B ", ".I ", ".BR ", ".IR ", ".RB ", ".RI ", ".BI ", ".IB ")):
            line = re.sub(r"^\.\w+\s+", "", line).replace('"', "")
        elif line.startswith("."):
            continue
        cur.append(_unescape_roff(line).strip())
    flush()
    return "\n".join(out)


def man_paragraphs(path: str, min_len: int = 100) -> list[str]:
    """The prose paragraphs of a man page: indented one-line blocks that end like a sentence."""
    paras = []
    for block in re.split(r"\n\s*\n", render_man(path)):
        lines = [line for line in block.split("\n") if line.strip()]
        while lines and not lines[0].startswith(" "):  # a section heading glued to the paragraph
            lines.pop(0)
        if len(lines) != 1 or not lines[0].startswith(" "):
            continue
        text = re.sub(r"\s+", " ", lines[0]).strip()
        if len(text) >= min_len and MAN_SENTENCE_END.search(text) and not text.startswith(("-", "*")):
            paras.append(text)
    return paras


def reflow_fortune(fortune: str) -> str:
    """A fortune with its hard-wrapped lines joined; dialogue, list items and attributions keep their own lines."""
    fortune = re.sub(r"\x1b\[[0-9;]*m", "", fortune)
    out: list[str] = []
    for line in fortune.split("\n"):
        s = line.strip()
        if not s:
            out.append("\n")
        elif out and out[-1] != "\n" and not re.match(r"^(-|—|–|<|\*|\d+[.)]|[A-ZА-Я][\w ]{0,15}:)", s) \
                and not re.match(r"^\s*--\s", line):
            out[-1] += ("" if re.search(r"[\u3000-\u9fff]$", out[-1]) else " ") + s
        else:
            out.append(s)
    return re.sub(r"\n{2,}", "\n", "\n".join(out)).strip()
