"""A read-only install parses plain-text plans (issue 27).

numba keeps the flattened reader's compiled kernels beside the module (`__pycache__`) or in the user's
cache folder; where it can write to neither (a read-only checkout, a service account, a container) it
refused to compile at all: `RuntimeError: cannot cache function 'emissions_k': no locator available`.

The `parsers` and `pipeline` packages are copied into a folder no one may write to and run from there by
an account that cannot write to it either, its home that folder: `nobody`, or where `nobody` cannot reach
the interpreter (a Python installed under root's home), root stripped of the capabilities that let it
pass over permission bits. The known plan's text must give its 35 appendix rows, the kernels cached in
the one writable place offered (the temporary folder).
"""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import numba
import pytest
from numba.core.caching import NullCache

import parsers.tables.flattened.kernels as flattened
from tests.support.documents import KNOWN_TXT, ROOT

PACKAGES = ("parsers", "pipeline")
PR_CAPBSET_DROP = 24  # prctl(2)
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2  # capabilities(7): read, write and search past permission bits
READ_ONLY_DIR, READ_ONLY_FILE = 0o555, 0o444

CHILD = """
import json, sys
import parsers
from pipeline.run import parse_document
rows = parse_document(sys.argv[1])["appendix_rows"]
print(json.dumps({"package": parsers.__file__, "rows": len(rows), "first": rows[0]["task"]}, ensure_ascii=False))
"""


def _reachable_by_others(path: Path) -> bool:
    """May an account that owns none of it read `path` and search every folder above it?"""
    return all(p.stat().st_mode & stat.S_IXOTH for p in path.parents) and bool(path.stat().st_mode & stat.S_IROTH)


def _nobody_can_run_python() -> bool:
    needed = [Path(sys.executable).resolve(), Path(os.__file__).resolve(), Path(numba.__file__).resolve()]
    return all(_reachable_by_others(p) for p in needed)


def _as_nobody() -> None:
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


def _as_root_without_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:  # gone from the process the child executes
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _make_read_only(top: Path) -> None:
    for folder, _, files in os.walk(top):
        for name in files:
            os.chmod(os.path.join(folder, name), READ_ONLY_FILE)
        os.chmod(folder, READ_ONLY_DIR)


def _make_writable(top: Path) -> None:
    for folder, _, _ in os.walk(top):
        os.chmod(folder, 0o755)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root: to run as another account, and because root passes over permission bits")
def test_known_plan_parses_from_a_read_only_install():
    work = Path(tempfile.mkdtemp(prefix="readonly-install-"))  # not under pytest's folder: that is root's alone
    install, temp = work / "install", work / "tmp"
    try:
        for package in PACKAGES:
            shutil.copytree(ROOT / package, install / package, ignore=shutil.ignore_patterns("__pycache__"))
        plan = install / KNOWN_TXT.name
        shutil.copyfile(ROOT / KNOWN_TXT, plan)
        temp.mkdir()
        as_nobody = _nobody_can_run_python()
        if as_nobody:
            os.chown(temp, pwd.getpwnam("nobody").pw_uid, -1)
        os.chmod(work, 0o755)
        _make_read_only(install)
        env = {"PATH": os.defpath, "HOME": str(install), "PYTHONPATH": str(install), "TMPDIR": str(temp),
               "LANG": "C.UTF-8"}
        done = subprocess.run([sys.executable, "-c", CHILD, str(plan)], cwd=install, env=env, capture_output=True,
                              text=True, timeout=900, preexec_fn=_as_nobody if as_nobody else _as_root_without_override)
        assert done.returncode == 0, done.stderr[-3000:]
        out = json.loads(done.stdout)
        assert out["package"].startswith(str(install))  # the copy ran, not the checkout
        assert out["rows"] == 35
        assert out["first"].startswith("Triển khai quy định chi tiết nội dung được giao tại Luật")
        assert not list(install.rglob("*.nbi"))  # nothing was written into the install
        assert list(temp.rglob("*.nbi")), "the kernels were not cached in the writable temporary folder"
    finally:
        _make_writable(work)
        shutil.rmtree(work, ignore_errors=True)


def test_without_any_writable_folder_the_kernels_compile_uncached(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the private temporary folder is made
    monkeypatch.setattr(flattened, "_writable", lambda folder: False)
    monkeypatch.setattr(flattened, "KERNEL_CACHE", flattened._kernel_cache())
    assert flattened.KERNEL_CACHE == (False, None)
    add = flattened._kernel()(lambda a, b: a + b)
    assert add(2, 3) == 5
    assert isinstance(add._cache, NullCache)  # compiled in the process, nothing cached
