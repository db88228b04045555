"""The data types shared by the engine, the CLI and the integrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAMILIES", "Result", "Span", "remove_spans"]

#: Labels a span can carry. ``other`` is commercial spam of no listed family.
FAMILIES: tuple[str, ...] = (
    "pharma",
    "gambling",
    "loans",
    "adult",
    "essay",
    "replica",
    "crypto",
    "seo",
    "other",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A cut: ``text[start:end]`` of the ORIGINAL text is injected spam.

    ``score`` is the calibrated probability that the span is spam; ``reasons`` are
    short evidence tags such as ``lexicon:cialis``, ``off-topic`` or ``inline-url``.
    """

    start: int
    end: int
    label: str = "other"
    score: float = 1.0
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The span as the JSON object of the output schema."""
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Result:
    """What :meth:`excise.Excisor.scan` found in one document.

    ``spans`` are sorted, disjoint and index the original text; ``score`` is the
    probability that the document contains injected spam at all; ``page_score`` is
    the probability that the whole document is spam (a spam page, not a page with
    spam in it), for dropping such pages: excise cuts what was injected into a page,
    and a page that is spam from end to end has no page around the spam to keep.
    """

    spans: tuple[Span, ...] = ()
    score: float = 0.0
    model: str = ""
    length: int = field(default=0, compare=False)
    page_score: float = 0.0

    @property
    def removed_chars(self) -> int:
        """Number of original characters covered by the spans."""
        return sum(s.end - s.start for s in self.spans)

    def apply(self, text: str) -> str:
        """Return ``text`` with the spans cut out and the seams tidied."""
        return remove_spans(text, [(s.start, s.end) for s in self.spans])

    def to_dict(self) -> dict[str, Any]:
        """The ``excise`` object of the JSONL output schema."""
        return {
            "spans": [s.to_dict() for s in self.spans],
            "score": round(self.score, 4),
            "page_score": round(self.page_score, 4),
            "removed_chars": self.removed_chars,
            "model": self.model,
        }


_CLOSING_PUNCT = frozenset(".,;:!?)]}’”")


def _join(left: str, right: str) -> str:
    """Join two kept pieces, replacing the whitespace around the seam by one tidy gap."""
    core_left = left.rstrip()
    core_right = right.lstrip()
    if not core_left:
        return core_right if core_right else ""
    if not core_right:
        # a whitespace-only piece between two cuts: keep it for the next seam to tidy
        return left + right
    lws = left[len(core_left) :]
    rws = right[: len(right) - len(core_right)]
    ws = lws + rws
    if "\n" in ws:
        joint = "\n\n" if max(lws.count("\n"), rws.count("\n")) >= 2 else "\n"
        if "\n" in rws:
            joint += rws[rws.rfind("\n") + 1 :]  # keep the right-hand line's indentation
    elif ws and core_right[0] not in _CLOSING_PUNCT:
        joint = " "
    else:
        joint = ""
    return core_left + joint + core_right


def remove_spans(text: str, spans: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> str:
    """Cut ``text[start:end]`` for each span and tidy whitespace at the seams.

    The result equals the original minus the spans, up to whitespace at the seams:
    the whitespace on both sides of a cut becomes one space (none before closing
    punctuation), one newline, or one blank line if a paragraph went, and a cut at
    the start or end of the document leaves no dangling whitespace.
    """
    if not spans:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start > pos:
            pieces.append(text[pos:start])
        elif not pieces:
            pieces.append("")
        pos = max(pos, end)
    tail = text[pos:]
    out = pieces[0]
    for piece in pieces[1:]:
        out = _join(out, piece)
    if tail.strip():
        out = _join(out, tail) if out.strip() else tail.lstrip()
    else:
        out = out.rstrip()
        if out and text.endswith("\n"):
            out += "\n"
    if pieces[0] and not pieces[0].strip():
        out = out.lstrip()
    return out
