"""Run a bench/ script as users run it: a subprocess, a fresh directory, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.clean_env import scrubbed_env

ROOT = Path(__file__).resolve().parents[1]


def run_bench(script: str, *args: str, cwd: Path) -> dict[str, Any]:
    """The last stdout line of `bench/SCRIPT ARGS` as JSON; fails on a non-zero exit."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=cwd,
        env=scrubbed_env(PYTHONPATH=f"{ROOT / 'src'}:{ROOT}"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out
