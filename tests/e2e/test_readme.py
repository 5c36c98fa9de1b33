"""The README stays true: its contract section is the contract in the code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _updater() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_readme", ROOT / "docs" / "update_readme.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_contract_section_matches_the_code() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _updater().render(text) == text, "run `make readme` and commit README.md"


def test_readme_names_exactly_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^(make \w+)", setup, flags=re.M)
    assert commands == ["make run", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_public_surface_resolves_every_name() -> None:
    import readiness

    for name in readiness.__all__:
        assert getattr(readiness, name) is not None, name
