"""Options of the engine, validated once and shared by the API, the CLI and integrations."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConfigError

__all__ = ["Config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """How aggressively excise cuts.

    ``threshold`` is the posterior spam probability a unit needs to be cut: lower
    cuts more (recall), higher cuts less (precision). ``switch_cost`` is how much
    evidence the decoder needs to open a span inside a line (at a sentence, a link
    or an anchor), in nats; it is what keeps a single weak hit in a legitimate
    document from being cut. ``paragraph_switch_cost`` is the same at the start of
    a paragraph (but the document's first), where hacked pages most often put their
    text, ``link_switch_cost`` at a link inside a line (where an injected anchor
    starts), and ``line_switch_cost`` at any other line break (wrapped lines and
    list items of one text); see ``excise.decode``.
    ``screen`` skips the unit-level pipeline for documents whose cheap whole-document
    pre-screen finds nothing spam-like (see ``excise.screen``). ``second_look`` splits
    the units beside a cut or spam-like unit at their capitalised seams and scores
    the pieces again (an unpunctuated injected sentence running into the page's next
    one; see ``excise.engine``): only documents with such a unit pay for it.
    """

    threshold: float = 0.5
    switch_cost: float = 4.0
    paragraph_switch_cost: float = 2.5
    link_switch_cost: float = 3.0
    line_switch_cost: float = 5.0
    screen: bool = True
    second_look: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be between 0 and 1 (exclusive), got {self.threshold!r}")
        for name in ("switch_cost", "paragraph_switch_cost", "link_switch_cost", "line_switch_cost"):
            value = getattr(self, name)
            if not 0.0 <= value < float("inf"):
                raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}")
