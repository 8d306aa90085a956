"""`python -m parsers.tables.flattened` (run by `make setup`) compiles and caches every kernel a parse calls, so
that the first parse on a new machine finds them compiled: what it caches holds what parsing the known plan's
text (a flattened appendix of 35 rows) caches from an empty cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.documents import KNOWN_TXT, ROOT

PARSE = "import sys; from pipeline.run import parse_document; parse_document(sys.argv[1])"


def _cached(folder: Path) -> set[str]:
    return {p.name.split("-")[0] for p in folder.rglob("*.nbi")}  # `kernels.lattice_k-376.py311.nbi`


def test_setup_compiles_every_kernel_a_parse_calls(tmp_path):
    warm, parse = tmp_path / "warm", tmp_path / "parse"
    done = subprocess.run([sys.executable, "-m", "parsers.tables.flattened"], cwd=ROOT, check=True, text=True,
                          capture_output=True, env={**os.environ, "NUMBA_CACHE_DIR": str(warm)})
    assert "kernels ready" in done.stdout and str(warm) in done.stdout
    subprocess.run([sys.executable, "-c", PARSE, str(KNOWN_TXT)], cwd=ROOT, check=True,
                   env={**os.environ, "NUMBA_CACHE_DIR": str(parse)})
    assert _cached(parse) and _cached(parse) <= _cached(warm)
