"""The analyst's notebook runs top to bottom on freshly parsed tables and answers its questions."""

from __future__ import annotations

import os
import shutil

import pytest

from pipeline.batch.runner import run_batch
from tests.support.documents import KNOWN_PDF, WEB_PLANS


def test_explore_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in [KNOWN_PDF, *WEB_PLANS]:
        shutil.copy(f, raw / f.name)
    data = tmp_path / "processed"
    assert not run_batch([raw], data, workers=1).failed

    notebook = nbformat.read("notebooks/explore.ipynb", as_version=4)
    os.environ["PLAN_DATA"] = str(data)
    try:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": "notebooks"}}).execute()
    finally:
        del os.environ["PLAN_DATA"]

    outputs = {i: "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.get("outputs", []))
               for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    assert not any(o.get("output_type") == "error" for cell in notebook.cells for o in cell.get("outputs", []))
    text = "\n".join(outputs.values())
    assert "108/2014/NĐ-CP" in text  # the decree the known plan cites most
    assert "Phòng Nội vụ" in text  # the agency that leads most rows of the known plan
    assert "2021" in text and "2025" in text
    # The citation graph: Nghị quyết 71/NQ-CP is cited by all four 2025 web plans.
    assert "cited by the most documents: Nghị quyết 71 NQ-CP (2025)" in text and " rests on " in text
