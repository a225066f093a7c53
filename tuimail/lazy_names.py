"""A package's names imported from their modules on first use (PEP 562).

A package ``__init__`` that imports its modules makes importing any one of them load them
all (``tuimail.mail.sanitize`` would bring the IMAP library, ``tuimail.ui.widgets.row_format``
Textual).  Instead it maps each name to its module and sets
``__getattr__ = lazy_names(__name__, names)``; type checkers see the names through imports
under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``name`` from ``package.modules[name]``."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
