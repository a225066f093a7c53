"""Themes as TOML files, loaded into :class:`textual.theme.Theme` objects.

A theme file looks like::

    name = "tuimail-dark"
    dark = true
    primary = "#7aa2f7"
    accent = "#ff9e64"           # flagged mail
    background = "#1a1b26"
    # secondary, warning, error, success, foreground, surface, panel, boost optional

    [variables]                  # any Textual theme variable, plus tuimail's own:
    message-unread = "#7dcfff"   # unread rows and the unread dot
    message-flagged = "#ff9e64"  # the flagged star and subject

Themes come from the project's ``themes/`` folder (the source of truth), which
ships inside the package as ``tuimail/themes`` (a link to ``../themes`` in the
checkout, copied as package data into wheels), from the user's config folder
(``$XDG_CONFIG_HOME/tuimail/themes``) and from any extra folders given; a later
file with the same ``name`` replaces an earlier one.  A bad file gives a
:class:`ThemeError` naming the file and the problem, never a traceback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

import tuimail

__all__ = ["ThemeError", "bundled_theme_dirs", "load_theme_file", "load_themes", "user_theme_dir"]

_COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "success",
    "warning",
    "error",
)
_FLOAT_KEYS = ("luminosity_spread", "text_alpha")
_KNOWN_KEYS = {"name", "dark", "variables", *_COLOUR_KEYS, *_FLOAT_KEYS}


class ThemeError(ValueError):
    """A theme file that cannot be used; ``str()`` names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"theme file {path}: {problem}")
        self.path = path
        self.problem = problem


def project_theme_dir() -> Path:
    """The project's top-level ``themes/`` folder (a source checkout or editable install)."""
    return Path(tuimail.__file__).resolve().parent.parent / "themes"


def bundled_theme_dirs() -> list[Path]:
    """Folders of themes that ship with tuimail: the project's and the package's copy."""
    dirs: list[Path] = []
    project = project_theme_dir()
    if project.is_dir():
        dirs.append(project)
    packaged_here = Path(tuimail.__file__).parent / "themes"  # an install on the file system
    if packaged_here.is_dir():  # importlib.resources (7 ms to import and ask) is then not needed
        if packaged_here not in dirs:
            dirs.append(packaged_here)
        return dirs
    try:
        import importlib.resources  # a package in a zip file

        packaged = importlib.resources.files("tuimail") / "themes"
        if packaged.is_dir():
            path = Path(str(packaged))
            if path not in dirs:
                dirs.append(path)
    except (ModuleNotFoundError, NotADirectoryError, TypeError):
        pass
    return dirs


def user_theme_dir() -> Path:
    """The user's theme folder: ``<user config dir>/tuimail/themes``."""
    import platformdirs

    return Path(platformdirs.user_config_dir("tuimail")) / "themes"


def _colour(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ThemeError(path, f"{key!r} must be a colour string such as \"#1e1e2e\", not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(path, f"{key!r}: {value!r} is not a colour") from None
    return value


def theme_from_mapping(path: Path, data: dict[str, Any]) -> Theme:
    """Check a parsed theme file and build its Theme."""
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ThemeError(path, f"unknown key(s) {', '.join(map(repr, unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeError(path, "'name' (a non-empty string) is required")
    if "primary" not in data:
        raise ThemeError(path, "'primary' (a colour) is required")
    kwargs: dict[str, Any] = {key: _colour(path, key, data[key]) for key in _COLOUR_KEYS if key in data}
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(path, f"'dark' must be true or false, not {dark!r}")
    for key in _FLOAT_KEYS:
        if key in data:
            value = data[key]
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ThemeError(path, f"{key!r} must be a number, not {value!r}")
            kwargs[key] = float(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeError(path, "[variables] must be a table of name = \"value\"")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeError(path, f"variable {key!r} must be a string, not {value!r}")
    return Theme(name=name.strip(), dark=dark, variables=dict(variables), **kwargs)


def load_theme_file(path: Path) -> Theme:
    """Read one ``.toml`` theme file; raises :class:`ThemeError` naming the file."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as error:
        raise ThemeError(path, f"cannot read it ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(path, f"not valid TOML ({error})") from None
    return theme_from_mapping(path, data)


def load_themes(
    extra_dirs: Iterable[Path] = (),
    *,
    include_user_dir: bool = True,
    errors: list[ThemeError] | None = None,
) -> list[Theme]:
    """All themes: bundled, then the user's config folder, then ``extra_dirs``.

    A later theme with the same name replaces an earlier one.  A bad file raises
    :class:`ThemeError` (naming the file); pass a list as ``errors`` to collect the
    errors instead and skip those files.
    """
    dirs = bundled_theme_dirs()
    if include_user_dir:
        dirs.append(user_theme_dir())
    dirs.extend(Path(d) for d in extra_dirs)
    themes: dict[str, Theme] = {}
    seen: set[Path] = set()
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            try:
                theme = load_theme_file(path)
            except ThemeError as error:
                if errors is None:
                    raise
                errors.append(error)
                continue
            themes[theme.name] = theme
    return list(themes.values())
