"""The engine: segment → evidence → per-unit score → sequence decode → spans."""

from __future__ import annotations

from typing import Any

from .config import Config
from .types import Result

__all__ = ["Excisor"]


class Excisor:
    """Finds injected spam in documents. Loads the shipped model once, lazily.

    Instances are picklable (only the model path and config travel), so they can
    be handed to worker processes.
    """

    def __init__(self, model: str | None = None, *, config: Config | None = None, **options: Any) -> None:
        self._model_path = model
        self.config = config if config is not None else Config(**options)
        self._model: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"model_path": self._model_path, "config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._model_path = state["model_path"]
        self.config = state["config"]
        self._model = None

    def scan(self, text: str) -> Result:
        """Find the injected spans of ``text``; offsets index ``text`` itself."""
        return Result(length=len(text))

    def clean(self, text: str) -> str:
        """``text`` with the injected spans cut out."""
        return self.scan(text).apply(text)
