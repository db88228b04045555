"""Real spam in other languages (and real non-English ham) from ``../shared/data``.

- ``spamassassin/spam.jsonl.gz``: MIME-decoded (:mod:`multilingual.mime`), the
  subject on the first line; lines that lost their bytes to U+FFFD when the corpus
  was converted are dropped, Turkish mail declared Latin-1 but written in
  Windows-1254 is recoded.
- ``comment-spam-sql/albertwebs-edition_comments_messages.jsonl.gz``: contact-form
  and blog-comment spam, mostly Russian (with Latin and Greek look-alike letters;
  raw HTML kept).
- ``spamassassin/hard_ham.jsonl.gz``: the non-English hard ham, for the clean side.

English texts, and texts too short or too garbled to be sure of, are skipped.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .detect import detect
from .documents import CJK
from .mime import message_text

__all__ = ["LICENSES", "SOURCES", "comment_spam", "dedup", "hard_ham", "spam_texts", "spamassassin"]

LICENSES = {
    "spamassassin": "PDDL-1.0 / CC0-1.0 (stdlib-js/datasets-spam-assassin)",
    "comment-spam-sql": "none stated (AlbertWebs/edition SQL dump)",
}
# the files read, relative to the data folder
SOURCES = ("spamassassin/spam.jsonl.gz", "spamassassin/hard_ham.jsonl.gz",
           "comment-spam-sql/albertwebs-edition_comments_messages.jsonl.gz")
GARBLED_LINE = 0.15  # share of U+FFFD that makes a line unreadable
GARBLED_TEXT = 0.02  # share of U+FFFD left that makes a whole text unreadable

Record = dict[str, Any]


def _jsonl_gz(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a gzipped JSONL file (none when it is missing)."""
    if not path.exists():
        return
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def drop_garbled_lines(text: str, max_ratio: float = GARBLED_LINE) -> tuple[str, int]:
    """The text without its lines that are mostly U+FFFD, and how many were dropped."""
    keep, dropped = [], 0
    for line in text.split("\n"):
        s = line.strip()
        if s and line.count("\ufffd") > max_ratio * len(s):
            dropped += 1
        else:
            keep.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip(), dropped


def fix_turkish_mojibake(text: str) -> tuple[str, bool]:
    """Turkish declared Latin-1 but written in Windows-1254 (``bulunduðumuz`` -> ``bulunduğumuz``); whether fixed."""
    if len(re.findall(r"[ýþðÝÞÐ]", text)) >= 5 and re.search(r"\b(ve|bir|bu|için|ile)\b", text):
        try:
            return text.encode("cp1252").decode("cp1254"), True
        except UnicodeError:
            pass
    return text, False


def _letters(text: str) -> int:
    """How many letters ``text`` holds."""
    return sum(1 for ch in text if ch.isalpha())


def spamassassin(data: Path, name: str = "spam.jsonl.gz", label: str = "spam") -> Iterator[Record]:
    """The non-English messages of a SpamAssassin file, decoded: ``{"lang", "source", "text", "meta"}``."""
    for rec in _jsonl_gz(data / "spamassassin" / name):
        msg = message_text(rec["text"])
        body, dropped = drop_garbled_lines(msg["text"])
        subject = msg["subject"].strip()
        readable = subject and subject.count("\ufffd") <= GARBLED_LINE * len(subject)
        text = (subject + "\n\n" + body).strip() if readable else body
        text, recoded = fix_turkish_mojibake(text)
        lang = detect(text)[0]
        if lang in ("en", "und"):
            continue
        garbled = text.count("\ufffd")
        if _letters(text) < (20 if lang in CJK else 60) or garbled > GARBLED_TEXT * len(text):
            continue
        yield {"lang": lang, "source": f"spamassassin/{name}:{rec['path']}", "text": text,
               "meta": {"label": label, "mime_parts": [list(map(str, p)) for p in msg["parts"]],
                        "fffd_chars": garbled, "dropped_garbled_lines": dropped, "recoded_cp1252_to_cp1254": recoded,
                        "license": LICENSES["spamassassin"]}}


def comment_spam(data: Path) -> Iterator[Record]:
    """The non-English contact-form and comment spam of the AlbertWebs dump, subject first."""
    for rec in _jsonl_gz(data / "comment-spam-sql" / "albertwebs-edition_comments_messages.jsonl.gz"):
        content = (rec.get("content") or "").replace("\r\n", "\n").strip()
        subject = (rec.get("subject") or rec.get("name") or "").strip()
        text = (subject + "\n\n" + content).strip() if subject and subject not in content else content
        lang = detect(text)[0]
        if lang in ("en", "und") or _letters(text) < 30:
            continue
        yield {"lang": lang, "source": f"comment-spam-sql/{rec.get('table')}:{rec.get('id')}", "text": text,
               "meta": {"label": "spam", "table": rec.get("table"), "created_at": rec.get("created_at"),
                        "license": LICENSES["comment-spam-sql"]}}


def dedup(records: Iterable[Record]) -> list[Record]:
    """The records without repeats (same letters, case, digits and punctuation aside, in the first 2,000)."""
    seen: set[str] = set()
    out = []
    for record in records:
        key = re.sub(r"[\W\d_]+", "", record["text"].lower())[:2000]
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


def spam_texts(data: Path) -> list[Record]:
    """Every non-English spam text of the data folder, de-duplicated."""
    return dedup([*spamassassin(data, "spam.jsonl.gz", "spam"), *comment_spam(data)])


def hard_ham(data: Path) -> list[Record]:
    """The non-English SpamAssassin hard ham, as clean records (``meta.hard_negative``)."""
    return [dict(r, meta=dict(r["meta"], hard_negative=True, label="ham"))
            for r in dedup(spamassassin(data, "hard_ham.jsonl.gz", "ham"))]
