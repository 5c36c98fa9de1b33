"""The notebooks run top to bottom on a small world and are stored without outputs.

They are executed here with nbclient (what `pytest --nbmake notebooks` uses too), in
a fresh kernel with this checkout's sources first on the path.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="dev extra: pip install -e .[dev]")
nbclient = pytest.importorskip("nbclient", reason="dev extra: pip install -e .[dev]")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_issue_s_notebooks_exist() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {
        "01_world.ipynb",
        "02_model_vs_rubric.ipynb",
        "03_recalibrate_rubric.ipynb",
    } <= names


def _code(nb: Any) -> list[tuple[int, ast.Module]]:
    return [
        (i, ast.parse(cell.source))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_calls_readiness_and_defines_no_logic_of_its_own(path: Path) -> None:
    """Functions and classes belong in `readiness`; a notebook only calls them."""
    nb = nbformat.read(path, as_version=4)
    imported: set[str] = set()
    for i, tree in _code(nb):
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                pytest.fail(f"{path.name} cell {i} defines {node.name!r}; move it")
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "readiness" in imported, f"{path.name} does not import readiness"


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
