"""The adopted rubric: one active YAML, every replaced version kept to revert to.

`readiness rubric adopt FILE` validates FILE and installs it as
`<rubric_dir>/active.yaml` (atomically); the file it replaces goes to
`<rubric_dir>/history/<UTC time>.yaml`. `revert` puts the newest history entry
back (or, with no history, removes the active file so the default applies again).
The model's features keep the rubric it was trained with; the adopted rubric is
what the scorer *shows* (total, band, gate, items) and what `readiness rubric`
scores with.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from readiness.data.write import atomic_write_bytes
from readiness.rubric.config import Rubric, RubricError, load_rubric

__all__ = ["active_rubric", "adopt_rubric", "revert_rubric", "rubric_history"]

ACTIVE: Final = "active.yaml"
HISTORY: Final = "history"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def active_rubric(rubric_dir: Path) -> Rubric | None:
    """The adopted rubric, or None when none is adopted (RubricError if unreadable)."""
    path = Path(rubric_dir) / ACTIVE
    return load_rubric(path) if path.exists() else None


def adopt_rubric(source: Path, rubric_dir: Path) -> tuple[Rubric, Path | None]:
    """Validate `source` and make it the active rubric; returns (rubric, where the
    previous active version was kept, or None if there was none)."""
    source = Path(source)
    rubric = load_rubric(source)  # refuses a broken file before touching anything
    text = source.read_text(encoding="utf-8-sig")
    root = Path(rubric_dir)
    active = root / ACTIVE
    kept: Path | None = None
    (root / HISTORY).mkdir(parents=True, exist_ok=True)
    if active.exists():
        kept = root / HISTORY / f"{_stamp()}.yaml"
        atomic_write_bytes(kept, active.read_bytes())
    atomic_write_bytes(active, text.encode("utf-8"))
    return rubric, kept


def rubric_history(rubric_dir: Path) -> list[Path]:
    """Replaced versions, oldest first."""
    folder = Path(rubric_dir) / HISTORY
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


def revert_rubric(rubric_dir: Path) -> Rubric | None:
    """Restore the previous active rubric; None means the default applies again."""
    root = Path(rubric_dir)
    active = root / ACTIVE
    history = rubric_history(root)
    if not history:
        if not active.exists():
            raise RubricError(
                f"nothing to revert: no rubric is adopted in {root} "
                "(adopt one with `readiness rubric adopt FILE`)"
            )
        active.unlink()
        return None
    previous = history[-1]
    rubric = load_rubric(previous)
    atomic_write_bytes(active, previous.read_bytes())
    previous.unlink()
    return rubric
