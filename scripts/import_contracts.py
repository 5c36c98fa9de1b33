"""Import rules import-linter has no contract type for (registered in pyproject.toml).

`private_names`: no module imports another module's `_private` names
(`from readiness.data.contract import _assemble`), and no module inside the package
imports the package face (`from readiness import __version__`): the face is for
users; inside, names come from the module that defines them. Names starting with
an underscore are private to their module: share them by making them public in a
module both sides may import.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _source(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin in (None, "built-in", "frozen"):
        return None
    return Path(spec.origin)


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    is_package = str(_source(module) or "").endswith("__init__.py")
    base = package if is_package else package[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def violations(graph: grimp.ImportGraph, roots: set[str]) -> list[str]:
    """One line per offending import: `importer:line imports name from module`."""
    found: list[str] = []
    internal = {m for m in graph.modules if m.split(".")[0] in roots}
    for module in sorted(internal):
        path = _source(module)
        if path is None or path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _resolve(module, node)
            if source.split(".")[0] not in roots or source == module:
                continue
            for alias in node.names:
                name = alias.name
                if name.startswith("_") and not name.startswith("__"):
                    found.append(
                        f"{module}:{node.lineno} imports the private name {name} "
                        f"from {source}"
                    )
                elif source in roots and f"{source}.{name}" not in graph.modules:
                    found.append(
                        f"{module}:{node.lineno} imports {name} from the package "
                        f"face {source}; import it from the module that defines it"
                    )
    return found


class PrivateNamesContract(Contract):
    """No `_private` name crosses a module boundary; no import of the package face."""

    type_name = "private_names"

    root_packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots = set(self.root_packages)  # type: ignore[arg-type]
        found = violations(graph, roots)
        return ContractCheck(kept=not found, metadata={"violations": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["violations"]:
            output.print_error(f"- {line}", bold=False)
            output.new_line()
        output.print_error(
            "Make the shared piece public in a module both sides may import.",
            bold=False,
        )
