"""`readiness score-batch` twice, then `readiness history LEAD_ID`, as users do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from factory import Factory
from test_commands import Cli


@pytest.fixture(scope="module")
def home(factory: Factory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history-cli")
    shutil.copytree(factory.world_dir("tiny"), root / "world")
    shutil.copytree(factory.model_dir("medium"), root / "model")
    return root


def test_two_nightly_runs_show_as_two_points_with_their_change(home: Path) -> None:
    cli = Cli(home)
    for day in ("2026-12-01T06:00:00", "2026-12-08T06:00:00"):
        out = cli.run(
            "score-batch", "world", "--model", "model", "--out", f"s-{day[:10]}.csv",
            "--as-of", day, "--explain", "none",
        )  # fmt: skip
        assert "history: " in out and "rows appended to sqlite:///" in out
    assert (home / "world" / ".readiness" / "history.sqlite").exists()
    scores = pd.read_csv(home / "s-2026-12-08.csv")
    assert {"event_counts", "last_event_at", "memo_elements"} <= set(scores.columns)
    lead = str(scores.loc[scores["status"] == "open", "lead_id"].iloc[0])
    out = cli.run("history", lead, "--data", "world", "--lang", "en")
    assert f"{lead}: 2 points" in out
    assert "win probability" in out
    got = json.loads(cli.run("history", lead, "--data", "world", "--json"))
    assert len(got["points"]) == 2 and len(got["changes"]) == 1
    assert got["changes"][0]["model_changed"] is False


def test_no_history_skips_the_store_and_a_bad_url_is_one_line(home: Path) -> None:
    cli = Cli(home / "other")
    shutil.copytree(
        home / "world",
        home / "other" / "w",
        ignore=shutil.ignore_patterns(".readiness"),
    )
    out = cli.run(
        "score-batch", "w", "--model", home / "model", "--out", "s.csv",
        "--explain", "none", "--no-history",
    )  # fmt: skip
    assert "history: " not in out
    assert not (home / "other" / "w" / ".readiness" / "history.sqlite").exists()
    out = cli.run("history", "L1", "--url", "nosuchdialect://x", ok=False)
    assert "history" in out
    out = cli.run("history", "L1", "--data", "w", ok=False)
    assert "no history for lead L1" in out
