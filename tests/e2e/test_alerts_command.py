"""`readiness score-batch --alerts` as a user runs it: a subprocess on a fresh
directory, a real webhook receiver, a real crash (SIGKILL) in the middle of the
delivery, then the rerun: each alert reaches the receiver once after its dedup,
the outbox shows all delivered, the file destination holds each alert once.

The model is the saved artifact fixture of the current format (no training here),
the world 600 simulated leads: the whole module takes ~45 s.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from alert_receiver import Receiver, receiving
from clean_env import pinned_env

from readiness.alerts.evaluate import previous_from_batch
from readiness.batch.run import BatchOptions
from readiness.model.artifact import FORMAT_VERSION
from readiness.settings import get_settings
from readiness.workflows.batch import run_score_batch

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "tests" / "fixtures" / "artifacts" / f"v{FORMAT_VERSION}" / "model"
COMMAND = [sys.executable, "-c", "from readiness.cli import main; main()"]


def _readiness(home: Path, *args: str | Path) -> str:
    """stdout + stderr of a command that must succeed without a traceback."""
    done = subprocess.run(
        COMMAND + [str(a) for a in args],
        cwd=home,
        env=pinned_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0 and "Traceback" not in out, out
    return out


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh project: 600 simulated leads and the saved model."""
    home = tmp_path_factory.mktemp("alerts")
    _readiness(home, "simulate", "--leads", "600", "--seed", "3", "--out", "data")
    shutil.copytree(MODEL, home / "model")
    return home


def _outbox_states(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / ".readiness" / "alerts-outbox.sqlite") as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM alerts GROUP BY state"))


def test_a_batch_killed_mid_delivery_then_rerun_delivers_each_alert_once(
    home: Path,
) -> None:
    batch = ["score-batch", "data", "--model", "model", "--out", "s.parquet",
             "--timing", "--alerts", "rules.yaml"]  # fmt: skip
    with receiving(Receiver(kill_at=3)) as hook:
        (home / "rules.yaml").write_text(
            "rules:\n"
            "  - name: weak-hand-off\n"
            "    kind: gate_fails\n"
            f"    destination: {{webhook: '{hook.url}', backoff: 0.05}}\n"
            "  - name: weak-hand-off-log\n"
            "    kind: gate_fails\n"
            "    destination: {file: alerts.jsonl}\n",
            encoding="utf-8",
        )
        crashing = subprocess.Popen(
            COMMAND + batch,
            cwd=home,
            env=pinned_env(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        hook.kill_pid = crashing.pid  # the receiver kills it at its 3rd request
        assert crashing.wait(timeout=300) == -9
        assert len(hook.requests) == 3
        assert _outbox_states(home) == {"delivered": 2, "pending": 32}
        assert not (home / "alerts.jsonl").exists()

        out = _readiness(home, *batch)  # the rerun
        tried_again = _readiness(home, "alerts", "deliver", "s.parquet")

    block = json.loads((home / "s.parquet.summary.json").read_text("utf-8"))["alerts"]
    assert block["by_rule"]["weak-hand-off"] == {
        "kind": "gate_fails",
        "destination": hook.url.rsplit("/", 1)[0] + "/…",  # no secret path
        "fired": 17,
        "delivered": 15,
        "already_delivered": 2,
        "pending": 0,
        "failed": 0,
    }
    assert block["by_rule"]["weak-hand-off-log"]["delivered"] == 17
    assert block["retry"] is None
    assert "アラート alerts: 2 rules, 34 fired, 32 delivered now, 2 already" in out
    assert "0 tried" in tried_again

    keys = hook.keys()
    in_flight = keys[2]  # processed by the receiver, never marked by the killed run
    assert len(keys) == 18 and keys.count(in_flight) == 2
    assert len(hook.processed) == 17  # each alert once after the receiver's dedup
    assert _outbox_states(home) == {"delivered": 34}
    lines = (home / "alerts.jsonl").read_text("utf-8").splitlines()
    logged = [json.loads(line) for line in lines]
    assert len(logged) == 17 and len({x["idempotency_key"] for x in logged}) == 17
    assert {x["lead_id"] for x in logged} == {
        b["lead_id"] for b in hook.processed.values()
    }


def test_changes_since_an_earlier_batch_output_fire_where_the_points_moved(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`previous` built from a real earlier batch output (two weeks before)."""
    # two weeks before the export (the batch's default moment is its last event)
    last = pd.read_parquet(home / "data" / "events.parquet")["timestamp"].max()
    before = last - pd.Timedelta(days=14)
    _readiness(home, "score-batch", "data", "--model", "model", "--out",
               "before.parquet", "--timing", "--as-of", before.isoformat())  # fmt: skip
    previous = previous_from_batch(
        pd.read_parquet(home / "before.parquet"), run_id="before"
    )
    (home / "changes.yaml").write_text(
        "destination: {file: changes.jsonl}\n"
        "rules:\n"
        "  - {name: drop, kind: drop, points: 2}\n"
        "  - {name: risk, kind: at_risk}\n"
        "  - {name: rise, kind: crosses, probability: 0.05}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("READINESS_ALERTS", str(home / "changes.yaml"))
    get_settings.cache_clear()  # the rules come from the setting this time
    run = run_score_batch(
        home / "data",
        home / "later" / "now.parquet",
        options=BatchOptions(timing=True),
        model_dir=home / "model",
        previous=previous,
    )
    fired = [json.loads(x) for x in (home / "changes.jsonl").read_text().splitlines()]
    now = pd.read_parquet(home / "later" / "now.parquet")
    both = now.merge(previous, on="lead_id", suffixes=("", "_before"))
    drops = both[(both["probability_before"] - both["probability"]) * 100 >= 2]
    risk = both[(both["timing_action"] == "at_risk")
                & (both["timing_action_before"] != "at_risk")]  # fmt: skip
    rise = both[(both["probability_before"] < 0.05) & (both["probability"] >= 0.05)]
    by_rule = {r: {x["lead_id"] for x in fired if x["rule"] == r} for r in
               ("drop", "risk", "rise")}  # fmt: skip
    assert by_rule["drop"] == set(drops["lead_id"])
    assert by_rule["risk"] == set(risk["lead_id"])
    assert by_rule["rise"] == set(rise["lead_id"])
    assert all(by_rule.values()), by_rule  # each kind fired somewhere
    assert run.result.summary["alerts"]["previous_points"] == len(previous)
    assert run.result.summary["alerts"]["fired"] == len(fired)


def test_the_nightly_command_compares_with_the_history_of_the_night_before(
    home: Path, tmp_path: Path
) -> None:
    """Two `score-batch` runs as a user types them: the second one's alerts come
    from each lead's point in the score history, with no previous file given."""
    shutil.copytree(home / "data", tmp_path / "data",
                    ignore=shutil.ignore_patterns(".readiness"))  # fmt: skip
    shutil.copytree(home / "model", tmp_path / "model")
    last = pd.read_parquet(tmp_path / "data" / "events.parquet")["timestamp"].max()
    before = last - pd.Timedelta(days=14)
    _readiness(tmp_path, "score-batch", "data", "--model", "model", "--out",
               "before.parquet", "--timing", "--as-of", before.isoformat())  # fmt: skip
    (tmp_path / "rules.yaml").write_text(
        "destination: {file: nightly.jsonl}\n"
        "rules:\n"
        "  - {name: drop, kind: drop, points: 2}\n"
        "  - {name: risk, kind: at_risk}\n",
        encoding="utf-8",
    )
    out = _readiness(tmp_path, "score-batch", "data", "--model", "model", "--out",
                     "now.parquet", "--timing", "--alerts", "rules.yaml")  # fmt: skip
    assert "alerts" in out
    fired = [
        json.loads(x) for x in (tmp_path / "nightly.jsonl").read_text().splitlines()
    ]
    old = pd.read_parquet(tmp_path / "before.parquet")
    now = pd.read_parquet(tmp_path / "now.parquet")
    both = now.merge(old, on="lead_id", suffixes=("", "_before"))
    drops = both[(both["probability_before"] - both["probability"]) * 100 >= 2]
    risk = both[(both["timing_action"] == "at_risk")
                & (both["timing_action_before"] != "at_risk")]  # fmt: skip
    by_rule = {r: {x["lead_id"] for x in fired if x["rule"] == r} for r in
               ("drop", "risk")}  # fmt: skip
    assert by_rule["drop"] == set(drops["lead_id"])
    assert by_rule["risk"] == set(risk["lead_id"])
    assert all(by_rule.values()), by_rule
    summary = json.loads((tmp_path / "now.parquet.summary.json").read_text())
    assert summary["alerts"]["previous_points"] == len(old)
    assert summary["history"]["rows"] == len(now)


def test_a_bad_rules_file_stops_the_batch_before_scoring_with_one_error(
    home: Path,
) -> None:
    (home / "bad.yaml").write_text(
        "rules:\n  - {name: x, kind: drop, pionts: 3, destination: {file: a}}\n"
    )
    args = ["score-batch", "data", "--model", "model", "--out", "bad.parquet",
            "--alerts", "bad.yaml"]  # fmt: skip
    done = subprocess.run(
        COMMAND + args,
        cwd=home,
        env=pinned_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert (
        "line 2, rules[0].pionts" in done.stderr
        and "did you mean points?" in done.stderr
    )
    assert not (home / "bad.parquet").exists()
