"""The layers' dependencies point down only (HACKING.md):

    ui -> session -> mail -> imap

tuimail.imap and tuimail.mail never import Textual (checked by importing
them in a fresh interpreter), and no layer imports a layer above it
(checked by reading every import statement with ``ast``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "tuimail"

#: For each layer, the tuimail packages it must not import.
FORBIDDEN = {
    "imap": ["tuimail.mail", "tuimail.session", "tuimail.ui", "tuimail.demo", "tuimail.cli"],
    "mail": ["tuimail.session", "tuimail.ui", "tuimail.demo", "tuimail.cli"],
    "session": ["tuimail.ui", "tuimail.cli"],
}

_IMPORT_ALL = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = [package.__name__]
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
    names.append(info.name)
textual = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"imported": names, "textual": textual}))
"""


def _import_in_fresh_interpreter(package: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, package],
        capture_output=True,
        text=True,
        check=False,
        cwd=PACKAGE_ROOT.parent,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_every_imap_module_imports_without_textual() -> None:
    data = _import_in_fresh_interpreter("tuimail.imap")
    assert "tuimail.imap.parser" in data["imported"]
    assert data["textual"] == []


def test_every_mail_module_imports_without_textual() -> None:
    data = _import_in_fresh_interpreter("tuimail.mail")
    assert "tuimail.mail.sanitize" in data["imported"]
    assert data["textual"] == []


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names of every module an import statement in ``source`` names.

    ``module`` is the dotted name of the file (for relative imports);
    ``from a import b`` yields both ``a`` and ``a.b`` (b may be a submodule).
    """
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _violations(layer: str) -> list[str]:
    problems = []
    for path in sorted((PACKAGE_ROOT / layer).rglob("*.py")):
        relative = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
        is_package = relative.name == "__init__"
        parts = relative.parts[:-1] if is_package else relative.parts
        module = ".".join(parts)
        for name in imported_modules(path.read_text(encoding="utf-8"), module, is_package=is_package):
            for forbidden in FORBIDDEN[layer]:
                if name == forbidden or name.startswith(forbidden + "."):
                    problems.append(f"{path.relative_to(PACKAGE_ROOT.parent)} imports {name}")
    return problems


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_layers_above_it(layer: str) -> None:
    assert (PACKAGE_ROOT / layer).is_dir()
    assert _violations(layer) == []


def test_import_reader_resolves_relative_and_absolute_imports() -> None:
    source = "from ..mail import sanitize\nfrom . import parser\nimport tuimail.ui.app\nfrom .x.y import z\n"
    names = imported_modules(source, "tuimail.imap.client")
    assert "tuimail.mail.sanitize" in names
    assert "tuimail.imap.parser" in names
    assert "tuimail.ui.app" in names
    assert "tuimail.imap.x.y.z" in names


def test_import_reader_resolves_relative_imports_in_package_init() -> None:
    names = imported_modules(
        "from .errors import IMAPError\nfrom .. import ui\n", "tuimail.imap", is_package=True
    )
    assert "tuimail.imap.errors" in names
    assert "tuimail.ui" in names
