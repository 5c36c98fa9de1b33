"""Batch scoring of the backlog: accounting, rejects, resume, drift, API parity."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from clean_env import scrubbed_env
from click.testing import CliRunner

from readiness.batch.backlog import BatchError
from readiness.batch.run import BatchOptions, run_batch
from readiness.batch.summary import DRIFT_SHOWN, summary_text
from readiness.cli import main
from readiness.data.contract import Dataset, write_tables
from readiness.model.bundle import Bundle, load_bundle, save_bundle
from readiness.model.drift import open_lead_points

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


@pytest.fixture(scope="module")
def backlog_dir(
    tmp_path_factory: pytest.TempPathFactory, scoring_dataset: Dataset
) -> Path:
    out = tmp_path_factory.mktemp("backlog")
    write_tables(scoring_dataset, out)
    return out


@pytest.fixture(scope="module")
def bundle_dir(
    tmp_path_factory: pytest.TempPathFactory, scoring_bundle: Bundle
) -> Path:
    return save_bundle(scoring_bundle, tmp_path_factory.mktemp("model") / "bundle")


@pytest.fixture(scope="module")
def broken_dir(
    tmp_path_factory: pytest.TempPathFactory, scoring_dataset: Dataset
) -> Path:
    """The backlog as CSV with one defect each in a few leads (ids in `BROKEN`)."""
    out = tmp_path_factory.mktemp("broken")
    tables = {n: f.astype(object) for n, f in scoring_dataset.tables().items()}
    leads, events = tables["leads"], tables["events"]
    open_ids = sorted(set(leads["lead_id"]) - set(tables["handoffs"]["lead_id"]))
    picks = dict(zip(BROKEN, open_ids[:4], strict=True))
    leads.loc[leads["lead_id"] == picks["employees"], "employees"] = "many"
    leads.loc[leads["lead_id"] == picks["lead_source"], "lead_source"] = (
        "carrier_pigeon"
    )
    leads.loc[leads["lead_id"] == picks["created_at"], "created_at"] = "yesterday-ish"
    row = events.index[events["lead_id"] == picks["event"]][0]
    events.loc[row, "timestamp"] = "2026-13-45 99:99"
    orphan = events.iloc[[0]].assign(lead_id="NOT-A-LEAD")
    tables["events"] = pd.concat([events, orphan], ignore_index=True)
    write_tables(tables, out, fmt="csv")
    (out / "picks.json").write_text(json.dumps(picks))
    return out


BROKEN = ("employees", "lead_source", "created_at", "event")


def _run(data: Path, out: Path, bundle: Bundle, **kw: Any) -> Any:
    options = BatchOptions(
        **{"chunk_size": 700, "explain": "top:20", **kw.pop("options", {})}
    )
    return run_batch(data, out, bundle=bundle, options=options, **kw)


def test_every_lead_is_scored_rejected_or_skipped_and_the_counts_add_up(
    broken_dir: Path, scoring_bundle: Bundle, scoring_dataset: Dataset, tmp_path: Path
) -> None:
    result = _run(broken_dir, tmp_path / "scores.csv", scoring_bundle)
    s = result.summary
    scores = pd.read_csv(result.out, dtype={"lead_id": "str"})
    rejects = pd.read_csv(result.rejects, dtype={"lead_id": "str"})
    lead_rejects = rejects[rejects["table"] == "leads"]
    closed = set(scoring_dataset.outcomes["lead_id"])
    assert s["rows_in"] == len(scoring_dataset.leads)
    assert (
        s["rows_in"] == s["rows_scored"] + s["rows_rejected"] + s["rows_closed_skipped"]
    )
    assert s["rows_balance"] is True
    assert len(scores) == s["rows_scored"] and len(lead_rejects) == s["rows_rejected"]
    assert s["rows_closed_skipped"] == len(closed)
    everyone = set(scores["lead_id"]) | set(lead_rejects["lead_id"]) | closed
    assert everyone == set(scoring_dataset.leads["lead_id"])
    assert not set(scores["lead_id"]) & set(lead_rejects["lead_id"])
    assert scores["rank"].tolist() == list(range(1, len(scores) + 1))
    assert scores["probability"].is_monotonic_decreasing


def _untimed(summary: dict) -> dict:
    """A summary without its stage seconds and finishing time, which differ
    between any two runs."""
    return {k: v for k, v in summary.items() if k not in ("seconds", "finished_at")}


def test_the_summary_says_where_the_time_went(
    broken_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    seconds = _run(broken_dir, tmp_path / "scores.csv", scoring_bundle).summary[
        "seconds"
    ]
    stages = seconds["stages"]
    for name in ("read", "validate", "event features", "memo features", "predict",
                 "design matrix", "write output"):  # fmt: skip
        assert name in stages, name
    assert all(v >= 0 for v in stages.values())
    assert sum(stages.values()) <= seconds["total"] + 0.05
    assert seconds["other"] >= 0


def test_bad_rows_go_to_the_rejects_file_with_column_and_reason(
    broken_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    picks = json.loads((broken_dir / "picks.json").read_text())
    result = _run(broken_dir, tmp_path / "scores.parquet", scoring_bundle)
    rejects = pd.read_csv(result.rejects, dtype={"lead_id": "str"})
    leads = rejects[rejects["table"] == "leads"].set_index("lead_id")
    assert set(leads.index) == set(picks.values())
    assert "leads.employees" in leads.loc[picks["employees"], "reason"]
    assert "'many'" in leads.loc[picks["employees"], "reason"]
    assert (
        "leads.lead_source: value not allowed"
        in leads.loc[picks["lead_source"], "reason"]
    )
    assert "unparsable timestamp" in leads.loc[picks["created_at"], "reason"]
    assert "events.timestamp" in leads.loc[picks["event"], "reason"]
    event_rows = rejects[rejects["table"] == "events"]
    assert set(event_rows["lead_id"]) == {picks["event"], "NOT-A-LEAD"}
    assert event_rows["reason"].str.contains("fix:").all()
    assert (rejects["row"] >= 1).all()
    scored = pd.read_parquet(result.out)
    assert not set(scored["lead_id"]) & set(picks.values())


def test_chunks_scored_in_worker_processes_give_the_same_output(
    broken_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    one = _run(broken_dir, tmp_path / "one" / "s.parquet", scoring_bundle,
               options={"chunk_size": 150})  # fmt: skip
    seen: list[int] = []
    two = _run(broken_dir, tmp_path / "two" / "s.parquet", scoring_bundle,
               options={"chunk_size": 150}, workers=2,
               progress=lambda done, total: seen.append(done))  # fmt: skip
    assert two.out.read_bytes() == one.out.read_bytes()
    assert two.rejects.read_bytes() == one.rejects.read_bytes()
    assert _untimed(two.summary) == _untimed(one.summary)
    assert two.summary["seconds"]["workers"] == 2
    assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 2
    assert "event features" in two.summary["seconds"]["stages"]  # from the workers


def test_a_crashed_run_resumes_to_the_same_output(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    whole = _run(backlog_dir, tmp_path / "whole" / "scores.parquet", scoring_bundle)

    class Crash(Exception):
        pass

    def crash_after_two(done: int, total: int) -> None:
        if done == 2:
            raise Crash

    out = tmp_path / "resumed" / "scores.parquet"
    with pytest.raises(Crash):
        _run(backlog_dir, out, scoring_bundle, progress=crash_after_two)
    assert not out.exists()  # never a half-written output
    assert (out.parent / f".{out.name}.parts" / "manifest.json").exists()
    again = _run(backlog_dir, out, scoring_bundle, resume=True)
    assert again.reused_chunks == 2
    assert out.read_bytes() == whole.out.read_bytes()
    assert again.rejects.read_bytes() == whole.rejects.read_bytes()
    assert _untimed(again.summary) == _untimed(whole.summary)
    assert not (out.parent / f".{out.name}.parts").exists()


def test_resume_refuses_parts_made_with_other_options(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    def crash(done: int, total: int) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "scores.parquet"
    with pytest.raises(KeyboardInterrupt):
        _run(backlog_dir, out, scoring_bundle, progress=crash)
    with pytest.raises(BatchError, match="cannot resume: options changed"):
        _run(backlog_dir, out, scoring_bundle, resume=True, options={"top_k": 2})


@pytest.mark.slow
@pytest.mark.e2e  # the real command in a subprocess
def test_a_run_killed_with_sigkill_resumes_to_the_same_output(
    backlog_dir: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    def cli(out: Path, *extra: str) -> list[str]:
        return [sys.executable, "-c", "from readiness.cli import main; main()",
                "score-batch", str(backlog_dir), "--out", str(out), "--model",
                str(bundle_dir), "--chunk-size", "300", "--explain", "top:10",
                *extra]  # fmt: skip

    env = scrubbed_env(PYTHONPATH=str(SRC))
    whole = tmp_path / "whole.parquet"
    subprocess.run(cli(whole), env=env, check=True, capture_output=True)
    out = tmp_path / "killed.parquet"
    manifest = tmp_path / f".{out.name}.parts" / "manifest.json"
    proc = subprocess.Popen(cli(out), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if manifest.exists() and len(json.loads(manifest.read_text())["parts"]) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    done = subprocess.run(
        cli(out, "--resume"), env=env, check=True, capture_output=True, text=True
    )
    assert "resumed:" in done.stdout
    assert out.read_bytes() == whole.read_bytes()


def test_drift_warns_on_a_shifted_backlog(
    scoring_dataset: Dataset, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    assert scoring_bundle.meta.get("reference"), "bundles carry a training reference"
    leads = scoring_dataset.leads.copy()
    leads["employees"] = (leads["employees"] * 50).astype("Int64")
    leads["lead_source"] = "outbound"
    shifted = Dataset(**{**scoring_dataset.tables(), "leads": leads})
    write_tables(shifted, tmp_path / "shifted")
    write_tables(scoring_dataset, tmp_path / "same")
    opts = {"include_closed": True, "explain": "none"}
    same = _run(tmp_path / "same", tmp_path / "a.parquet", scoring_bundle, options=opts)
    moved = _run(
        tmp_path / "shifted", tmp_path / "b.parquet", scoring_bundle, options=opts
    )

    def psi(result: Any) -> dict[tuple[str, str], tuple[float, str]]:
        return {
            (f["population"], f["feature"]): (f["psi"], f["level"])
            for f in result.summary["drift"]["features"]
        }

    before, after = psi(same), psi(moved)
    for population in ("handed_off", "open"):
        for name in ("log_employees", "lead_source"):
            key = (population, name)
            assert after[key][1] == "warning" and after[key][0] >= 0.2
            assert before[key][0] < 0.1 and before[key][1] == "ok"


def test_only_the_top_rows_are_explained(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    result = _run(
        backlog_dir,
        tmp_path / "s.parquet",
        scoring_bundle,
        options={"explain": "top:15"},
    )
    scores = pd.read_parquet(result.out)
    assert scores["explained"].head(15).all()
    assert not scores["explained"].iloc[15:].any()
    assert (scores["top_factors"].head(15) != "").all()
    assert (scores["top_factors"].iloc[15:] == "").all()
    # each explained row's missing elements, with their adjusted effects
    with_missing = scores.head(15)[scores["top_missing"].head(15) != ""]
    assert len(with_missing)
    for listed, effects in zip(
        with_missing["top_missing"], with_missing["top_missing_effects"], strict=True
    ):
        keys = [part.split(" (")[0] for part in listed.split("; ")]
        assert [part.split(" (")[0] for part in effects.split("; ")] == keys
    shown = r"pt \[[-+]\d+\.\d, [-+]\d+\.\d\] (≈0|told|robust)\)"
    assert any(re.search(shown, e) for e in with_missing["top_missing_effects"])
    assert (scores["top_missing_effects"].iloc[15:] == "").all()


def test_the_cli_prints_the_summary_and_the_capacity_cut(
    backlog_dir: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scores.csv"
    args = ["score-batch", str(backlog_dir), "--out", str(out), "--model",
            str(bundle_dir), "--fs-capacity", "7", "--explain", "none",
            "--chunk-size", "1000"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "FS capacity 7" in result.output and "expected wins" in result.output
    summary = json.loads(out.with_name("scores.csv.summary.json").read_text())
    cap = summary["fs_capacity"]
    scores = pd.read_csv(out, dtype={"lead_id": "str"})
    top_open = scores[scores["status"] == "open"].head(7)
    assert cap["lead_ids"] == top_open["lead_id"].tolist()
    assert cap["expected_wins"] == pytest.approx(
        top_open["probability"].sum(), abs=0.01
    )
    bad = CliRunner().invoke(main, [*args[:6], "--explain", "top:many"])
    assert bad.exit_code != 0 and "top:N" in bad.output


def test_the_api_and_the_batch_give_the_same_probability(
    backlog_dir: Path, bundle_dir: Path, scoring_bundle: Bundle,
    scoring_dataset: Dataset, tmp_path: Path,
) -> None:  # fmt: skip
    from api.app import create_app
    from readiness.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    result = _run(backlog_dir, tmp_path / "s.parquet", scoring_bundle,
                  options={"explain": "none"})  # fmt: skip
    scores = pd.read_parquet(result.out).set_index("lead_id")
    picked = [
        scores.index[scores["status"] == "open"][0],
        scores.index[scores["status"] == "handed_off"][0],
    ]
    d = scoring_dataset
    with TestClient(create_app(Settings(model_dir=bundle_dir))) as client:
        for lead_id in picked:
            lead = d.leads[d.leads["lead_id"] == lead_id].iloc[0]
            events = d.events[d.events["lead_id"] == lead_id]
            body: dict[str, Any] = {
                "lead": {k: _json(v) for k, v in lead.items() if _json(v) is not None},
                "events": [
                    {
                        k: _json(v)
                        for k, v in e.items()
                        if k != "lead_id" and _json(v) is not None
                    }
                    for e in events.to_dict("records")
                ],
                "as_of": scores.loc[lead_id, "as_of"].isoformat(),
                "explain": False,
            }
            hand = d.handoffs[d.handoffs["lead_id"] == lead_id]
            if len(hand):
                h = hand.iloc[0]
                body |= {
                    "memo": h["memo"],
                    "is_rep": h["is_rep"],
                    "fs_rep": _json(h["fs_rep"]),
                }
            response = client.post("/v1/score", json=body)
            assert response.status_code == 200, response.text
            api = response.json()
            assert api["probability"] == scores.loc[lead_id, "probability"]
            for end in ("probability_low", "probability_high"):  # its interval too
                assert api[end] == pytest.approx(scores.loc[lead_id, end], abs=1e-9)
            assert api["grade"] == scores.loc[lead_id, "grade"]
            assert api["rubric_total"] == scores.loc[lead_id, "rubric_total"]


def _json(value: Any) -> Any:
    if (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and np.isnan(value))
    ):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def test_a_bundle_without_a_reference_scores_without_the_drift_check(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    meta = {k: v for k, v in scoring_bundle.meta.items() if k != "reference"}
    old = Bundle(meta, scoring_bundle.estimator, scoring_bundle.rubric_model,
                 scoring_bundle.scale, scoring_bundle.rubric)  # fmt: skip
    result = _run(backlog_dir, tmp_path / "s.parquet", old, options={"explain": "none"})
    assert result.summary["drift"] is None
    assert result.summary["rows_scored"] > 0


def test_an_unusable_output_name_or_table_says_what_to_do(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    with pytest.raises(BatchError, match=r"\.parquet or \.csv"):
        _run(backlog_dir, tmp_path / "scores.xlsx", scoring_bundle)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BatchError, match=r"no leads\.csv or leads\.parquet"):
        _run(tmp_path / "empty", tmp_path / "s.parquet", scoring_bundle)
    leads = pd.read_parquet(backlog_dir / "leads.parquet").drop(columns="region")
    write_tables({"leads": leads}, tmp_path / "noregion")
    with pytest.raises(BatchError, match="region"):
        _run(tmp_path / "noregion", tmp_path / "s.parquet", scoring_bundle)


def test_resuming_a_run_made_at_now_keeps_its_moment(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    def crash(done: int, total: int) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "scores.parquet"
    first = pd.Timestamp("2026-07-01 06:00").to_pydatetime()
    with pytest.raises(KeyboardInterrupt):
        _run(backlog_dir, out, scoring_bundle, progress=crash, as_of_is_now=True,
             options={"as_of": first})  # fmt: skip
    later = pd.Timestamp("2026-07-01 06:05").to_pydatetime()
    again = _run(backlog_dir, out, scoring_bundle, resume=True, as_of_is_now=True,
                 options={"as_of": later})  # fmt: skip
    assert again.reused_chunks == 1
    assert again.summary["as_of"] == first.isoformat()


def test_memo_drafts_are_read_for_leads_not_yet_handed_off(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    plain = _run(backlog_dir, tmp_path / "a.parquet", scoring_bundle,
                 options={"explain": "none"})  # fmt: skip
    scores = pd.read_parquet(plain.out)
    lead = scores.loc[scores["status"] == "open", "lead_id"].iloc[0]
    memo = (ROOT / "tests" / "unit" / "golden" / "01_complete_template.txt").read_text(
        "utf-8"
    )
    pd.DataFrame({"lead_id": [lead], "memo": [memo]}).to_csv(
        tmp_path / "drafts.csv", index=False
    )
    drafts = tmp_path / "drafts.csv"
    drafted = _run(backlog_dir, tmp_path / "b.parquet", scoring_bundle,
                   options={"explain": "none"}, drafts=drafts)  # fmt: skip
    after = pd.read_parquet(drafted.out).set_index("lead_id")
    before = scores.set_index("lead_id")
    assert before.loc[lead, "rubric_total"] == 0
    assert after.loc[lead, "rubric_total"] >= 80
    others = before.index.drop(lead)
    assert (after.loc[others, "probability"] == before.loc[others, "probability"]).all()


def test_timing_advice_joins_the_open_leads_and_needs_a_timing_model(
    backlog_dir: Path, scoring_bundle: Bundle, scoring_dataset: Dataset, tmp_path: Path
) -> None:
    from readiness.scoring.timing_model import TimingModel

    timing = TimingModel().fit(scoring_dataset)
    out = tmp_path / "advised.parquet"
    _run(backlog_dir, out, scoring_bundle, options={"timing": True}, timing=timing)
    frame = pd.read_parquet(out)
    opened = frame[frame["status"] == "open"]
    assert len(opened) and set(opened["timing_action"]) <= {
        "toss_up_now",
        "keep_nurturing",
        "at_risk",
        "recycle",  # dormant open leads
    }
    assert (opened["timing_action_ja"] != "").all()
    assert (frame.loc[frame["status"] != "open", "timing_action"] == "").all()
    with pytest.raises(BatchError, match="timing model"):
        _run(
            backlog_dir,
            tmp_path / "x.parquet",
            scoring_bundle,
            options={"timing": True},
        )


def _flagged(summary: dict[str, Any], population: str) -> dict[str, str]:
    return {
        f["feature"]: f["level"]
        for f in summary["drift"]["features"]
        if f["population"] == population and f["level"] != "ok"
    }


def test_open_leads_are_compared_with_past_open_leads_not_with_toss_ups(
    backlog_dir: Path, scoring_bundle: Bundle, tmp_path: Path
) -> None:
    assert scoring_bundle.meta.get("reference_open"), "bundles carry open leads"
    new = _run(backlog_dir, tmp_path / "a.parquet", scoring_bundle,
               options={"explain": "none"})  # fmt: skip
    drift = new.summary["drift"]
    assert drift["by_population"] and drift["note"] is None
    assert set(drift["populations"]) == {"handed_off", "open"}
    assert drift["populations"]["open"]["rows"] > 0
    # what an open lead lacks by design (memo, reps, IS activity) is no drift
    expected = {"is_rep", "fs_rep", "memo_format", "rubric_total", "memo_length"}
    assert not expected & set(_flagged(new.summary, "open"))

    meta = {k: v for k, v in scoring_bundle.meta.items() if k != "reference_open"}
    old = Bundle(meta, scoring_bundle.estimator, scoring_bundle.rubric_model,
                 scoring_bundle.scale, scoring_bundle.rubric)  # fmt: skip
    before = _run(backlog_dir, tmp_path / "b.parquet", old,
                  options={"explain": "none"})  # fmt: skip
    assert before.summary["rows_scored"] == new.summary["rows_scored"]
    fallback = before.summary["drift"]
    assert not fallback["by_population"] and set(fallback["populations"]) == {"all"}
    assert "no open-lead reference" in fallback["note"]
    assert expected <= set(_flagged(before.summary, "all"))
    assert sum(f["level"] == "warning" for f in drift["features"]) < sum(
        f["level"] == "warning" for f in fallback["features"]
    )
    assert "no open-lead reference" in summary_text(before.summary)


def test_the_open_lead_reference_survives_saving_the_bundle(
    bundle_dir: Path, scoring_bundle: Bundle
) -> None:
    loaded = load_bundle(bundle_dir)
    assert loaded.meta["reference_open"] == scoring_bundle.meta["reference_open"]
    assert loaded.meta["reference_open"]["n"] > 100


def test_open_lead_points_are_leads_open_at_their_moment(
    scoring_dataset: Dataset,
) -> None:
    d = scoring_dataset
    times = d.handoffs["tossed_up_at"].sort_values().reset_index(drop=True)
    t0, t1 = times[len(times) // 2], times[len(times) * 9 // 10]
    points = open_lead_points(d, moments=[t0, t1], sample=400, seed=3)
    assert 0 < len(points) <= 400
    assert set(points["as_of"]) <= {t0, t1}
    created = points["lead_id"].map(d.leads.set_index("lead_id")["created_at"])
    tossed = points["lead_id"].map(d.handoffs.groupby("lead_id")["tossed_up_at"].min())
    assert (created <= points["as_of"]).all()
    assert not (tossed <= points["as_of"]).any()
    again = open_lead_points(d, moments=[t0, t1], sample=400, seed=3)
    pd.testing.assert_frame_equal(points, again)
    assert not len(open_lead_points(d, moments=[], sample=400))


def test_the_summary_text_leads_with_the_highest_drifts_and_counts_the_rest() -> None:
    features = [
        {"feature": f"f{i}", "psi": 1.0 - i / 20, "n": 50, "group": "lead",
         "population": "open" if i % 2 else "handed_off",
         "level": "warning" if i < 7 else "notice" if i < 9 else "ok"}
        for i in range(12)
    ]  # fmt: skip
    drift = {
        "reference_rows": 900,
        "by_population": True,
        "populations": {
            "handed_off": {"rows": 120, "reference_rows": 900},
            "open": {"rows": 4000, "reference_rows": 3000},
        },
        "notice_at": 0.1,
        "warn_at": 0.2,
        "note": None,
        "features": features,
    }
    summary = {
        "as_of": "2026-07-01T00:00:00", "rows_in": 10, "rows_scored": 10,
        "rows_rejected": 0, "rows_closed_skipped": 0, "rows_balance": True,
        "expected_wins": 1.0, "other_rows_rejected": 0, "by_status": {},
        "by_grade": {}, "by_band": {}, "drift": drift,
    }  # fmt: skip
    text = summary_text(summary)
    lines = [ln for ln in text.splitlines() if ln.startswith("  ") and "PSI" in ln]
    assert len(lines) == DRIFT_SHOWN
    assert lines[0].startswith("  warning: f0 (hand-off) PSI 1.000")
    assert "7 warnings" in text and "2 notices" in text
    assert "… and 4 more (2 warnings, 2 notices" in text
    assert "open 4,000 vs 3,000 past open leads" in text
    assert "hand-off 120 vs 900 training hand-offs" in text
