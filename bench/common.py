"""Helpers shared by the benchmark scripts: the model, the data, tables and JSON output.

The scripts import this module as ``common`` (``python bench/NAME.py`` puts
``bench/`` first on ``sys.path``). Scoring itself lives in :mod:`excise.evaluate`;
nothing here re-implements it.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import excise
from excise import Excisor
from excise.evaluate import Tally
from excise.training.sources import default_data_dir
from excise.types import Result

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "bench" / "out"
TALLY_HEADERS = ("docs", "spam docs", "P", "R", "F1", "clean touched")


def command_line() -> str:
    """The command that ran this script, relative to the repository root, for the reproduce line."""
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(REPO)
    except ValueError:
        pass
    return shlex.join(["python", str(script), *sys.argv[1:]])


def machine() -> str:
    """CPU model, core count and Python version: enough to compare figures across runs."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def revision() -> str:
    """The repository commit, with ``-dirty`` when the working tree has changes (figures depend on both)."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True,
                             check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def preamble(title: str, commands: Sequence[str], **facts: Any) -> str:
    """The heading every script prints first: how to reproduce, when, where and with what."""
    lines = [f"# {title}", "", "Reproduce:", "", "```"]
    lines += commands
    lines += ["```", "", f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
              f"- machine: {machine()}", f"- revision: {revision()}",
              f"- excise imported from: {Path(excise.__file__).parent}"]
    lines += [f"- {key.replace('_', ' ')}: {value}" for key, value in facts.items()]
    return "\n".join(lines)


def data_dir(path: str | None) -> Path:
    """The ``--data`` folder, or ``../shared/data`` found the way training finds it."""
    return Path(path).resolve() if path else default_data_dir()


def load_excisor(path: str | None) -> Excisor:
    """An excisor for ``--model`` (the shipped model when ``None``), loaded now so timings exclude it."""
    excisor = Excisor(path)
    excisor.model  # noqa: B018 - load eagerly
    return excisor


def model_facts(excisor: Excisor, path: str | None) -> dict[str, str]:
    """The model's name and where it came from, for the preamble."""
    meta = excisor.model.meta
    trained = ", ".join(f"{k}={meta[k]}" for k in ("docs", "n_docs", "seed", "excluded_families") if k in meta)
    return {"model": f"{excisor.model.name} ({path or 'shipped'}; {trained})"}


class MemoScanner:
    """Wraps a scanner so each distinct text is scanned once, however many reports score it."""

    def __init__(self, scanner: Excisor) -> None:
        self.scanner = scanner
        self.cache: dict[str, Result] = {}

    def scan(self, text: str) -> Result:
        """The scanner's result for ``text``, computed on first request."""
        result = self.cache.get(text)
        if result is None:
            result = self.cache[text] = self.scanner.scan(text)
        return result


def merged(tallies: Iterable[Tally]) -> Tally:
    """One tally summing several (for collapsing small groups into one row)."""
    total = Tally()
    for tally in tallies:
        total.counts += tally.counts
        for name in ("docs", "spam_docs", "spam_docs_hit", "clean_docs", "clean_touched"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    return total


def _rate(value: float | None) -> str:
    """A rate to three decimals, ``-`` where undefined."""
    return "-" if value is None else f"{value:.3f}"


def tally_cells(tally: Tally) -> list[str]:
    """The :data:`TALLY_HEADERS` cells of one tally."""
    counts = tally.counts
    touched = f"{tally.clean_touched}/{tally.clean_docs}"
    if tally.clean_docs:
        touched += f" ({100 * tally.clean_touched / tally.clean_docs:.2f} %)"
    return [str(tally.docs), str(tally.spam_docs), _rate(counts.precision), _rate(counts.recall),
            _rate(counts.f1), touched]


def tally_table(first: str, rows: Iterable[tuple[str, Tally]]) -> str:
    """A markdown table of tallies, one row per ``(name, tally)``."""
    return markdown_table((first, *TALLY_HEADERS), [[name, *tally_cells(tally)] for name, tally in rows])


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured markdown table; the first column left-aligned, the others right-aligned."""
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(headers) - 1)) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(path: str | None, payload: Mapping[str, Any]) -> None:
    """Write the figures as JSON when ``--json`` was given."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\n(figures written to {path})", file=sys.stderr)


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write records one per line (written to a temporary name, then renamed); returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    tmp.replace(path)
    return n


def log(message: str) -> None:
    """Progress for the person waiting, on stderr so stdout stays a clean markdown report."""
    print(message, file=sys.stderr, flush=True)
