"""Exceptions raised by excise.

The hierarchy::

    ExciseError            base class: catch this to catch everything excise raises
    ├── InputError         a document, record or file cannot be read as asked
    ├── ModelError         the model file is missing, corrupt or of another version
    ├── ConfigError        an option has a value that makes no sense
    └── WorkerError        a worker process (-j N) died on the same documents again and again

The CLI turns each into one line naming the file and record, and a non-zero exit.
"""

from __future__ import annotations

__all__ = ["ConfigError", "ExciseError", "InputError", "ModelError", "WorkerError"]


class ExciseError(Exception):
    """Base class of every error excise raises on purpose."""


class InputError(ExciseError):
    """Input that cannot be processed: names the source and, where known, the line."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source if self.line is None else f"{self.source}:{self.line}"
            where += ": "
        return f"{where}{self.message}"


class ModelError(ExciseError):
    """The model file cannot be loaded or does not match this version of excise."""


class ConfigError(ExciseError):
    """An option or configuration value is invalid."""


class WorkerError(ExciseError):
    """A worker process died on the same batch of documents again and again (see ``excise.parallel``)."""
