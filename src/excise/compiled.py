"""The optional C extensions of the hot path, and the switch that turns them off.

``excise._segment``, ``_words``, ``_shape``, ``_screen`` and ``_topics`` each do, in C, work that a Python reference in
this package defines (see DEVELOPERS.md) and must return exactly what it returns. They are optional parts of
the install: where one was not built, or where ``EXCISE_PURE_PYTHON`` is set to anything but empty or "0",
excise runs the Python reference instead, with the same results, more slowly.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["extension", "pure_python"]


def pure_python() -> bool:
    """Whether ``EXCISE_PURE_PYTHON`` asks for the Python references even where the extensions are built."""
    return os.environ.get("EXCISE_PURE_PYTHON", "0") not in ("", "0")


def extension(name: str) -> ModuleType | None:
    """The C extension ``excise.<name>``, or None where it was not built or ``EXCISE_PURE_PYTHON`` is set."""
    if pure_python():
        return None
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ImportError:  # optional: the install may lack it
        return None
