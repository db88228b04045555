"""``excise.__all__`` is honest: sorted, complete, importable and documented."""

from __future__ import annotations

import importlib
import inspect
import re
import types

import excise


def isort_key(name: str) -> tuple[int, list[object]]:
    """Ruff's RUF022 order: SCREAMING_SNAKE_CASE, then CamelCase, then the rest; natural sort within."""
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        category = 0
    elif name[:1].isupper():
        category = 1
    else:
        category = 2
    natural = [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
    return category, natural


def test_all_is_sorted() -> None:
    assert excise.__all__ == sorted(excise.__all__, key=isort_key)
    assert len(set(excise.__all__)) == len(excise.__all__)


def test_every_exported_name_is_importable() -> None:
    module = importlib.import_module("excise")
    for name in excise.__all__:
        assert hasattr(module, name), name
    namespace: dict[str, object] = {}
    exec("from excise import *", namespace)  # noqa: S102 - exercising star-import is the point
    assert set(excise.__all__) <= set(namespace)


def test_every_public_name_is_exported() -> None:
    public = {
        name
        for name, value in vars(excise).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and type(value).__name__ != "_Feature"  # from __future__ import annotations
    }
    assert public <= set(excise.__all__)


def test_every_exported_class_and_function_is_documented() -> None:
    for name in excise.__all__:
        value = getattr(excise, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (inspect.getdoc(value) or "").strip(), f"{name} has no docstring"
            if inspect.isclass(value):
                for attr, member in vars(value).items():
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        assert (inspect.getdoc(member) or "").strip(), f"{name}.{attr} has no docstring"


def test_the_package_has_a_docstring_and_a_version() -> None:
    assert (excise.__doc__ or "").strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", excise.__version__)
