"""Every README command as a user runs it: a real subprocess on a fresh directory.

A command that exits non-zero, or prints a traceback, fails the test; where a part
cannot be learned (timing without an event log) the command says so in one line
and goes on. Settings are pinned to the test's directory: nothing from the
developer's environment (READINESS_*, MLFLOW_*) is read, nothing is written into
the repository.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from clean_env import pinned_env
from uvicorn_server import running_server

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "examples" / "bank-marketing"
BANK_EXPORT = ROOT / "data" / "external" / "bank-additional-full.csv.gz"

# Few trees and a small text encoder: the commands are under test, not the model.
FAST_YAML = "n_estimators: 40\ntext_components: 4\nmin_toss_ups: 300\nmin_wins: 40\n"


class Cli:
    """`readiness …` in a subprocess with settings pinned to one directory."""

    def __init__(self, home: Path) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = pinned_env(home)

    def run(self, *args: str | Path, ok: bool = True) -> str:
        """stdout + stderr of the command; fails on a traceback, and unless `ok` is
        False on a non-zero exit (then a one-line `Error:` reason is required)."""
        done = subprocess.run(
            [sys.executable, "-c", "from readiness.cli import main; main()"]
            + [str(a) for a in args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.stdout = done.stdout
        out = done.stdout + done.stderr
        command = " ".join(str(a) for a in args[:2])
        assert "Traceback" not in out, f"`readiness {command}` crashed:\n{out}"
        if ok:
            assert done.returncode == 0, f"`readiness {command}` failed:\n{out}"
        else:
            assert done.returncode != 0, f"`readiness {command}` should refuse:\n{out}"
            errors = [ln for ln in done.stderr.splitlines() if ln.startswith("Error:")]
            assert len(errors) == 1, f"no one-line reason from {command}:\n{out}"
        return out


def _ends_with_where_things_are(stdout: str) -> None:
    """`readiness train` ends naming the bundle, the report and the MLflow run."""
    tail = "\n".join(stdout.strip().splitlines()[-3:])
    assert "bundle: " in tail and "MLflow run" in tail, tail
    report = re.search(r"report: (\S+)", tail)
    assert report is not None, tail
    assert Path(report.group(1)).is_file()


def _one_line(out: str, needle: str) -> None:
    lines = [ln for ln in out.splitlines() if needle in ln]
    assert len(lines) == 1, f"expected one line with {needle!r}:\n{out}"


# --- the API through a real server -------------------------------------------------


def _server(cli: Cli, model: Path, data: Path) -> AbstractContextManager[str]:
    env = {
        **cli.env,
        "READINESS_MODEL_DIR": str(model),
        "READINESS_DATA_DIR": str(data),
    }
    return running_server(env, timeout=120, inherit=False, log=cli.home / "uvicorn.log")


def _score_one_lead(cli: Cli, model: Path, data: Path, lead_id: str) -> dict:
    """GET /v1/leads/{id} posted as is to /v1/score, through uvicorn."""
    with _server(cli, model, data) as url:
        lead = httpx.get(f"{url}/v1/leads/{lead_id}", timeout=30)
        assert lead.status_code == 200, lead.text
        scored = httpx.post(f"{url}/v1/score", json=lead.json(), timeout=60)
        assert scored.status_code == 200, scored.text
        timing = httpx.post(
            f"{url}/v1/score", json={**lead.json(), "timing": True}, timeout=60
        )
        assert timing.status_code == 200, timing.text
    result: dict = scored.json()
    assert 0 < result["probability"] < 1
    return result


# --- (a) the shipped bank-marketing example ----------------------------------------


@pytest.mark.slow
def test_the_bank_example_runs_from_import_to_a_served_score(tmp_path: Path) -> None:
    """import → validate → train (shipped mapping and train.yaml) → evaluate →
    score-batch → serve. Every 4th call of the export (still in time order) keeps
    it quick; the commands see exactly what the full export gives them."""
    cli = Cli(tmp_path)
    export = tmp_path / "bank.csv.gz"
    with gzip.open(BANK_EXPORT, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    with gzip.open(export, "wt", encoding="utf-8") as f:
        f.write("\n".join([lines[0], *lines[1::4]]) + "\n")
    data, model = tmp_path / "data", tmp_path / "model"

    out = cli.run("import", "--mapping", BANK / "mapping.yaml", export, "--out", data)
    assert "10,297 leads" in out
    cli.run("validate", data)
    out = cli.run("train", data, "--config", BANK / "train.yaml", "--out", model)
    _one_line(out, "no event log")
    _ends_with_where_things_are(cli.stdout)
    cli.run("evaluate", data, "--model", model)
    out = cli.run(
        "score-batch", data, "--model", model, "--out", tmp_path / "s.parquet",
        "--timing",
    )  # fmt: skip
    _one_line(out, "no timing advice")
    assert "nothing open to score" in out
    out = cli.run(
        "score-batch", data, "--model", model, "--out", tmp_path / "all.parquet",
        "--include-closed", "--explain", "none",
    )  # fmt: skip
    scores = pd.read_parquet(tmp_path / "all.parquet").set_index("lead_id")
    assert len(scores) == 10_297
    cli.run("timing", data, "--model-dir", model, ok=False)
    cli.run("recalibrate", data, "--out", tmp_path / "recal", ok=False)
    _one_line(cli.run("rubric", "--handoffs", data), "every hand-off memo")

    served = _score_one_lead(cli, model, data, "bank-00005")
    # The API reads the same attributes as the batch: the same probability.
    assert served["probability"] == pytest.approx(
        scores.loc["bank-00005", "probability"], abs=1e-6
    )
    assert not [w for w in served["warnings"] if "attributes" in w]


# --- (b) a flat export without events or memos -------------------------------------

FLAT_MAPPING = """\
id: {column: customer_no}
time: {column: signed_up}
leads:
  company_name: company
  industry: industry
  region: {constant: 東京都}
  lead_source:
    column: channel
    values: {web: inquiry, fair: trade_show, call: outbound}
  employees: staff
handoffs:
  is_rep: rep
  memo: {constant: ""}
outcomes:
  meeting_held: {constant: true}
  won: {column: result, values: {"won": true, "lost": false}}
extra_lead_columns:
  site_visits: {column: site_visits, kind: numeric}
  plan: {column: plan, kind: category}
"""


def _flat_export(path: Path, n: int = 3_000, seed: int = 11) -> None:
    """A CRM-like flat table: one row per customer, a time, a label with signal."""
    rng = np.random.default_rng(seed)
    visits = rng.poisson(3, n)
    plan = rng.choice(["free", "basic", "pro"], n, p=[0.5, 0.3, 0.2])
    staff = rng.lognormal(4, 1.2, n).round().astype(int)
    logit = (
        -1.6
        + 0.25 * visits
        + np.where(plan == "pro", 1.0, 0.0)
        - 0.1 * (np.log(staff) - 4)
    )
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    start = pd.Timestamp("2025-01-06 09:00")
    pd.DataFrame(
        {
            "customer_no": [f"C{i:05d}" for i in range(n)],
            "signed_up": [
                (start + pd.Timedelta(hours=3 * i)).strftime("%Y-%m-%d %H:%M")
                for i in range(n)
            ],
            "company": [f"株式会社テスト{i}" for i in range(n)],
            "industry": rng.choice(["製造業", "小売", "IT"], n),
            "channel": rng.choice(["web", "fair", "call"], n),
            "staff": staff,
            "rep": rng.choice(["佐藤", "鈴木", "高橋"], n),
            "site_visits": visits,
            "plan": plan,
            "result": np.where(won, "won", "lost"),
        }
    ).to_csv(path, index=False)


@pytest.mark.slow
def test_an_export_without_events_or_memos_imports_trains_and_scores(
    tmp_path: Path,
) -> None:
    """A flat CRM table (one row per customer, two declared attributes): what the
    bank example does not cover is its own mapping, a real time column and
    employees; the commands that only refuse are covered there."""
    cli = Cli(tmp_path)
    export, mapping = tmp_path / "crm.csv", tmp_path / "mapping.yaml"
    _flat_export(export)
    mapping.write_text(FLAT_MAPPING, encoding="utf-8")
    (tmp_path / "fast.yaml").write_text(FAST_YAML)
    data, model = tmp_path / "data", tmp_path / "model"

    cli.run("import", "--mapping", mapping, export, "--out", data)
    cli.run("validate", data)
    out = cli.run("train", data, "--config", "fast.yaml", "--out", model)
    _one_line(out, "no event log")
    _ends_with_where_things_are(cli.stdout)
    cli.run("evaluate", data, "--model", model)
    cli.run("score-batch", data, "--out", "s.csv", "--include-closed", "--timing")
    scores = pd.read_csv(tmp_path / "s.csv")
    assert len(scores) == 3_000
    assert scores["probability"].nunique() > 100  # the attributes are used


# --- (c) and (d) a simulated world, and it without its event log ---------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("world")
    Cli(home).run("simulate", "--leads", "1500", "--seed", "3", "--out", "data")
    return home / "data"


@pytest.mark.slow
def test_the_synthetic_world_trains_evaluates_scores_and_advises(
    tmp_path: Path, world: Path
) -> None:
    cli = Cli(tmp_path)
    (tmp_path / "fast.yaml").write_text(FAST_YAML)
    model = tmp_path / "model"

    cli.run("validate", world)
    out = cli.run("train", world, "--config", "fast.yaml", "--out", model)
    assert "timing model: " in out
    _one_line(out, "adjusted element effects")
    # each memo's reading is kept beside the data for the next commands
    assert (world / ".readiness" / "memo_cache.sqlite").stat().st_size > 0
    _ends_with_where_things_are(cli.stdout)
    cli.run("evaluate", world, "--model", model)
    cli.run("evaluate", world, "--model", model, "--all")
    out = cli.run("score-batch", world, "--out", "s.parquet", "--timing")
    assert "no timing advice" not in out
    _exports_to_both_crms(cli, tmp_path / "s.parquet")
    out = cli.run("timing", world, "--model-dir", model, "--out", "advice.csv")
    assert len(pd.read_csv(tmp_path / "advice.csv")) > 0
    cli.run("recalibrate", world, "--out", "recal", "--bootstrap", "5",
            "--bundle", model)  # fmt: skip

    # One lead, handed off and closed: scored at its toss-up; training refuses.
    one = tmp_path / "one"
    one.mkdir()
    lead = pd.read_parquet(world / "outcomes.parquet")["lead_id"].iloc[0]
    for table in ("leads", "events", "handoffs", "outcomes"):
        frame = pd.read_parquet(world / f"{table}.parquet")
        frame[frame["lead_id"] == lead].to_parquet(one / f"{table}.parquet")
    out = cli.run(
        "score-batch", one, "--model", model, "--out", "one.csv", "--include-closed"
    )
    assert len(pd.read_csv(tmp_path / "one.csv")) == 1
    cli.run("train", one, "--out", tmp_path / "one-model", ok=False)


def _exports_to_both_crms(cli: Cli, scores_path: Path) -> None:
    """`export-scores` writes every scored lead, in rank order, for each CRM."""
    scores = pd.read_parquet(scores_path)
    for crm, key in (("salesforce", "Id"), ("hubspot", "Record ID")):
        out = cli.run("export-scores", scores_path, "--crm", crm, "--out", f"{crm}.csv")
        assert f"{len(scores)} rows" in out
        path = cli.home / f"{crm}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        assert table[key].tolist() == scores["lead_id"].tolist()
    out = cli.run("export-scores", "missing.parquet", "--crm", "hubspot",
                  "--out", "x.csv", ok=False)  # fmt: skip
    assert "score-batch" in out  # the fix: where a scores file comes from


@pytest.mark.slow
def test_a_memo_only_export_trains_and_says_timing_cannot_be_learned(
    tmp_path: Path, world: Path
) -> None:
    cli = Cli(tmp_path)
    data = tmp_path / "data"
    shutil.copytree(world, data, ignore=shutil.ignore_patterns("events.*", "truth"))
    (tmp_path / "fast.yaml").write_text(FAST_YAML)
    model = tmp_path / "model"

    cli.run("validate", data)
    out = cli.run("train", data, "--config", "fast.yaml", "--out", model)
    _one_line(out, "no event log")
    _ends_with_where_things_are(cli.stdout)
    cli.run("evaluate", data, "--model", model)
    out = cli.run("score-batch", data, "--out", "s.parquet", "--timing")
    _one_line(out, "no timing advice")
    out = cli.run("timing", data, "--model-dir", model, ok=False)
    assert "no event log" in out
    cli.run("rubric", "--handoffs", data)
    lead = pd.read_parquet(data / "handoffs.parquet")["lead_id"].iloc[-1]
    _score_one_lead(cli, model, data, str(lead))
