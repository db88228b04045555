"""excise: find spam injected into legitimate web text and cut exactly that out.

>>> from excise import Excisor
>>> excisor = Excisor()
>>> result = excisor.scan(text)            # doctest: +SKIP
>>> cleaned = result.apply(text)           # doctest: +SKIP
"""

from __future__ import annotations

import logging

from .config import Config
from .engine import Excisor
from .errors import ConfigError, ExciseError, InputError, ModelError, WorkerError
from .types import FAMILIES, Result, Span, remove_spans

__version__ = "0.1.0"

# the library never configures logging; applications (and the CLI) do
logging.getLogger("excise").addHandler(logging.NullHandler())

__all__ = [
    "FAMILIES",
    "Config",
    "ConfigError",
    "ExciseError",
    "Excisor",
    "InputError",
    "ModelError",
    "Result",
    "Span",
    "WorkerError",
    "__version__",
    "remove_spans",
]
