"""The lock file and pyproject.toml agree, and this environment is the one the lock describes.

`make setup` installs the versions of requirements.lock, so that a machine set up next month gets the
pdfplumber, numba and pandas the goldens were made with; `make lock` writes it from pyproject.toml.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from pipeline.version import VERSION
from tests.support.documents import ROOT

EXTRAS = ("test", "cluster")  # the extras `make setup` installs, and `make lock` locks


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _declared() -> list[Requirement]:
    project = _project()
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in EXTRAS:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, pinned = line.partition("==")
            assert pinned, f"requirements.lock: {line!r} is not pinned to one version"
            pins[canonicalize_name(name.split("[")[0])] = pinned.split(";")[0].strip()
    return pins


def test_every_dependency_is_pinned_to_a_version_it_allows():
    pins = _pins()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is in pyproject.toml but not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            (f"requirements.lock pins {name}=={pins[name]}, which pyproject.toml's {requirement} excludes: "
             "run `make lock`")


def test_the_extras_of_pyproject_are_those_the_lock_was_made_with():
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert set(_project()["optional-dependencies"]) >= set(EXTRAS)
    for extra in EXTRAS:
        assert f"--extra={extra}" in header


def test_this_environment_has_the_locked_versions():
    for name, pinned in _pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            pytest.fail(f"{name} is locked but not installed: run `make setup`")
        assert installed == pinned, f"{name} {installed} is installed, the lock says {pinned}: run `make setup`"


def test_the_package_and_the_parser_share_one_version():
    assert version("vn-plan-pipeline") == VERSION
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {VERSION}\n" in changelog  # the newest version says what it changed
