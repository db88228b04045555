"""``python -m excise``: the same as the ``excise`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
