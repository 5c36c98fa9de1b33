"""The custom import rule (scripts/import_contracts.py) catches what it promises."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

from scripts.import_contracts import violations


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "toyhouse"
    (root / "stage").mkdir(parents=True)
    (root / "__init__.py").write_text("from toyhouse.stage.a import shown\n")
    (root / "stage" / "__init__.py").write_text("")
    (root / "stage" / "a.py").write_text(
        "def shown():\n    return 1\n\n\ndef _hidden():\n    return 2\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield root
    for name in [m for m in sys.modules if m.startswith("toyhouse")]:
        del sys.modules[name]


def _found(root: Path, source: str) -> list[str]:
    (root / "stage" / "b.py").write_text(source)
    graph = grimp.build_graph("toyhouse", cache_dir=None)
    return violations(graph, {"toyhouse"})


def test_a_public_import_is_kept(package: Path) -> None:
    assert _found(package, "from toyhouse.stage.a import shown\n") == []


def test_a_private_name_from_another_module_is_reported(package: Path) -> None:
    found = _found(package, "from toyhouse.stage.a import shown, _hidden\n")
    assert len(found) == 1
    assert "toyhouse.stage.b:1" in found[0] and "_hidden" in found[0]


def test_a_relative_private_import_is_reported(package: Path) -> None:
    found = _found(package, "from .a import _hidden\n")
    assert found and "from toyhouse.stage.a" in found[0]


def test_the_package_face_is_reported_but_a_submodule_import_is_not(
    package: Path,
) -> None:
    assert _found(package, "from toyhouse import stage\n") == []
    found = _found(package, "from toyhouse import shown\n")
    assert found and "package face" in found[0]
