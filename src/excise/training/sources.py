"""Readers of the real spam and clean text in ``../shared/data``.

Each reader yields :class:`Piece` objects; nothing here is copied into the
repository, only read at training and benchmark time. Every piece gets a stable
``split`` ("train" or "test") from a hash of its id, so the test hosts and test
spam texts are never seen in training.
"""

from __future__ import annotations

import csv
import email
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from pathlib import Path

from ..families import family_of
from ..normalize import fold

__all__ = ["HARD_NEGATIVE_RULES", "Piece", "clean_hosts", "default_data_dir", "spam_pieces", "split_of"]

TEST_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Piece:
    """A real text: a clean host document or a spam text, with its family and split."""

    id: str
    text: str
    source: str
    family: str = ""
    split: str = "train"
    hard_negative: str = ""


def default_data_dir() -> Path:
    """``../shared/data`` relative to the working directory, else beside the repository."""
    here = Path.cwd() / ".." / "shared" / "data"
    if here.is_dir():
        return here.resolve()
    repo = Path(__file__).resolve().parents[3]
    return (repo / ".." / "shared" / "data").resolve()


def split_of(key: str) -> str:
    """A stable train/test assignment from the id alone."""
    h = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big")
    return "test" if (h % 1000) < TEST_SHARE * 1000 else "train"


def _jsonl_gz(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]{0,2000}>", re.S | re.I)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|tr|li|h\d|table|td|center)\b[^>]*>", re.I)
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


def html_to_text(markup: str) -> str:
    """Crude visible text of an HTML e-mail body (training data only)."""
    markup = _BLOCK_TAG.sub("\n", markup)
    return html.unescape(_TAG.sub(" ", markup))


_FOOTER = re.compile(r"^(?:-- ?$|_{5,}|Irish Linux Users|.*mailing list|.*listinfo)", re.M)


def email_body(raw: str) -> str:
    """The readable body of a raw RFC 822 message, tags stripped, list footers dropped."""
    msg = email.message_from_string(raw, policy=policy.default)
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        kind = part.get_content_type() if part is not None else ""
    except (LookupError, KeyError, ValueError, AttributeError, UnicodeError):
        return ""
    if not isinstance(body, str):
        return ""
    if kind == "text/html" or "<html" in body[:2000].lower():
        body = html_to_text(body)
    m = _FOOTER.search(body)
    if m:
        body = body[: m.start()]
    lines = [_WS.sub(" ", line).strip() for line in body.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _spam(id_: str, text: str, source: str) -> Piece | None:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) < 12:
        return None
    low = fold(text)
    if "lorem ipsum" in low or low.startswith(("test", "this is a comment")):
        return None
    family, _ = family_of(low)
    return Piece(id_, text, source, family, split_of(id_))


def spam_pieces(data: Path) -> list[Piece]:
    """Every real spam text in the data folder, with its family by lexicon."""
    out: list[Piece] = []
    for rec in _jsonl_gz(data / "spamassassin" / "spam.jsonl.gz"):
        subject = re.search(r"^Subject: (.*)$", rec["text"], re.M)
        body = email_body(rec["text"])
        text = ((subject.group(1).strip() + "\n") if subject else "") + body
        p = _spam("sa:" + rec["path"], text[:6000], "spamassassin")
        if p:
            out.append(p)
    for rec in _jsonl_gz(data / "comment-spam-sql" / "albertwebs-edition_comments_messages.jsonl.gz"):
        text = ((rec.get("subject") or "") + "\n" + (rec.get("content") or "")).strip()
        p = _spam(f"cs:{rec['table']}:{rec['id']}", text, "comment-spam")
        if p:
            out.append(p)
    for path in sorted((data / "youtube-spam").glob("*.csv")):
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("CLASS") == "1":
                    p = _spam(f"yt:{row['COMMENT_ID']}", html.unescape(row["CONTENT"]), "youtube")
                    if p:
                        out.append(p)
    with open(data / "sms-spam-collection" / "SMSSpamCollection.tsv", encoding="utf-8", errors="replace") as f:
        next(f)
        for i, line in enumerate(f):
            label, _, sms = line.rstrip("\n").partition("\t")
            if label == "spam":
                p = _spam(f"sms:{i}", sms, "sms")
                if p:
                    out.append(p)
    return out


def _bbc_paragraphs(text: str, key: str) -> str:
    """BBC articles come as one block; break them into paragraphs of 1-4 sentences, as pages have."""
    sentences = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", text.strip())
    h = int(hashlib.md5(key.encode()).hexdigest()[:8], 16)
    if h % 5 == 0:
        return text.strip()
    paras: list[str] = []
    i = 0
    while i < len(sentences):
        n = 1 + (h >> (i % 24)) % 4
        paras.append(" ".join(sentences[i : i + n]))
        i += n
    return "\n\n".join(paras)


def _hard_negative(source: str, text: str) -> str:
    low = text.lower()
    for name, (sources, pattern) in HARD_NEGATIVE_RULES.items():
        if source in sources and re.search(pattern, low):
            return name
    return ""


HARD_NEGATIVE_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "ed-drugs": (("medquad",), r"sildenafil|tadalafil|vardenafil|viagra|cialis|erectile"),
    "gambling-news": (("bbc",), r"gambl|casino|betting|bookmaker|lottery"),
    "loans-news": (("bbc",), r"\bloans?\b|mortgage|payday|lender"),
    "replica-tech": (("xebia",), r"replica"),
}


def clean_hosts(data: Path) -> list[Piece]:
    """Every real clean document: BBC, MedQuAD, the tech blog (minus its hacked posts), crawl samples, ham."""
    out: list[Piece] = []

    def add(id_: str, text: str, source: str) -> None:
        text = text.replace("\r\n", "\n")
        if len(text.strip()) >= 200:
            out.append(Piece(id_, text, source, "", split_of(id_), _hard_negative(source, text)))

    for name in ("train.csv.gz", "test.csv.gz"):
        with gzip.open(data / "bbc-news" / name, "rt", encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                key = f"bbc:{name}:{i}"
                add(key, _bbc_paragraphs(row["text"], key), "bbc")
    for rec in _jsonl_gz(data / "medquad" / "medquad_docs.jsonl.gz"):
        add("mq:" + rec["path"], rec["text"], "medquad")
    for rec in _jsonl_gz(data / "xebia-blog" / "posts.jsonl.gz"):
        if not rec.get("contains_injected_pharma_spam"):
            add("xb:" + rec["path"], rec["text"], "xebia")
    for rec in _jsonl_gz(data / "dolma-test-samples" / "dolma_tests_cc_docs.jsonl.gz"):
        add("cc:" + str(rec.get("id")), rec["text"], "commoncrawl")
    for name in ("easy_ham_sample.jsonl.gz", "hard_ham.jsonl.gz"):
        for rec in _jsonl_gz(data / "spamassassin" / name):
            add("ham:" + rec["path"], email_body(rec["text"])[:8000], "ham")
    out.extend(_comment_threads(data))
    return out


def _comment_threads(data: Path) -> list[Piece]:
    """Legitimate comments (YouTube and SMS ham) grouped into comment-section pages."""
    comments: list[tuple[str, str]] = []
    for path in sorted((data / "youtube-spam").glob("*.csv")):
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("CLASS") == "0":
                    comments.append((f"yt:{row['COMMENT_ID']}", html.unescape(row["CONTENT"])))
    with open(data / "sms-spam-collection" / "SMSSpamCollection.tsv", encoding="utf-8", errors="replace") as f:
        next(f)
        for i, line in enumerate(f):
            label, _, sms = line.rstrip("\n").partition("\t")
            if label == "ham":
                comments.append((f"sms:{i}", sms))
    out: list[Piece] = []
    for start in range(0, len(comments), 12):
        group = comments[start : start + 12]
        key = "thread:" + group[0][0]
        text = "\n\n".join(c for _, c in group)
        out.append(Piece(key, text, "comments", "", split_of(key)))
    return out
