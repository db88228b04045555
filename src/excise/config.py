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
    evidence the decoder needs to open a span inside a document, in nats;
    it is what keeps a single weak hit in a legitimate document from being cut.
    ``screen`` skips the unit-level pipeline for documents whose cheap whole-document
    pre-screen finds nothing spam-like (see ``excise.screen``).
    """

    threshold: float = 0.5
    switch_cost: float = 4.0
    screen: bool = True

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be between 0 and 1 (exclusive), got {self.threshold!r}")
        if self.switch_cost < 0.0:
            raise ConfigError(f"switch_cost must be >= 0, got {self.switch_cost!r}")
