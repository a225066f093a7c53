"""Themes are found after a normal (non-editable) install, not only in a source checkout (issue 4).

``tuimail/themes`` is a link to the top-level ``themes/`` folder and package data,
so setuptools copies the files into the built package.  The test runs setuptools'
``build_py`` (what a wheel is made of; ``pip wheel`` needs the ``wheel`` package,
which the venv does not have) into a temporary folder, then imports tuimail from
there alone and loads the bundled themes through ``importlib.resources``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tuimail

PROJECT = Path(tuimail.__file__).resolve().parent.parent
SETUP = "import setuptools; setuptools.setup()"  # reads pyproject.toml
OURS = {"tuimail-dark", "tuimail-light", "tuimail-solarized"}


def built_package(build_lib: Path) -> Path:
    """Run ``setup.py build_py`` (from pyproject's configuration) into ``build_lib``."""
    subprocess.run(
        [sys.executable, "-c", SETUP, "-q", "build_py", "--build-lib", build_lib],
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )
    return build_lib / "tuimail"


def test_built_package_holds_the_theme_files_as_files(tmp_path: Path) -> None:
    package = built_package(tmp_path / "lib")
    shipped = package / "themes"
    source = PROJECT / "themes"
    assert {path.name for path in shipped.glob("*.toml")} == {path.name for path in source.glob("*.toml")}
    assert not shipped.is_symlink()
    for path in shipped.glob("*.toml"):
        assert path.read_bytes() == (source / path.name).read_bytes()


def test_installed_package_loads_its_themes_through_importlib_resources(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    built_package(lib)
    script = (
        "import json, tuimail\n"
        "from tuimail.ui.themes import bundled_theme_dirs, load_themes\n"
        "print(json.dumps({'file': tuimail.__file__, 'dirs': [str(d) for d in bundled_theme_dirs()],\n"
        "  'themes': sorted(t.name for t in load_themes(include_user_dir=False))}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(lib), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(result.stdout)
    assert Path(found["file"]).is_relative_to(lib)  # the built copy, not the checkout
    assert found["dirs"] == [str(lib / "tuimail" / "themes")]
    assert OURS <= set(found["themes"])
