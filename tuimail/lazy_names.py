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


def lazy_names(
    package: str,
    modules: Mapping[str, str],
    *,
    module: str | None = None,
    namespace: dict[str, Any] | None = None,
) -> Callable[[str], Any]:
    """A module ``__getattr__``: ``name`` from ``package.modules[name]``.

    ``module``: the module whose ``__getattr__`` this is, when not ``package`` itself (a
    module offering names of a sibling); ``namespace``: its globals, where a name found is
    kept, so later look-ups find it as any other name."""
    owner = module or package

    def __getattr__(name: str) -> Any:
        where = modules.get(name)
        if where is None:
            raise AttributeError(f"module {owner!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where}"), name)
        if namespace is not None:
            namespace[name] = value
        return value

    return __getattr__
