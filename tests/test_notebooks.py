"""The notebooks run top to bottom on a small world and are stored without outputs.

They are executed here with nbclient (what `pytest --nbmake notebooks` uses too), in
a fresh kernel with this checkout's sources first on the path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="dev extra: pip install -e .[dev]")
nbclient = pytest.importorskip("nbclient", reason="dev extra: pip install -e .[dev]")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_issue_s_notebooks_exist() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {"01_world.ipynb", "02_model_vs_rubric.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name} cell {i} has outputs; clear them"
            assert cell.execution_count is None, f"{path.name} cell {i} was run"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = nbformat.read(path, as_version=4)
    src = str(ROOT / "src")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])
    )
    monkeypatch.delenv("READINESS_NB_WORLD", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": tmp_path}},
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
