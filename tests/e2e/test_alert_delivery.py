"""Alerts delivered to a real local webhook receiver and to a JSON-lines file:
once, retried where a retry can help, kept in the outbox when the receiver is down."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
from alert_receiver import Receiver, receiving
from uvicorn_server import free_port

from readiness.alerts.deliver import append_line
from readiness.alerts.evaluate import evaluate_alerts
from readiness.alerts.outbox import Outbox
from readiness.alerts.rules import AlertRules
from readiness.alerts.rules_file import rules_from_yaml
from readiness.workflows.alerts import deliver_outbox, run_alerts

FAILED_HAND_OFFS = pd.DataFrame(
    {
        "lead_id": [f"L{i:03d}" for i in range(4)],
        "status": "handed_off",
        "as_of": pd.Timestamp("2026-11-30 06:00"),
        "probability": [0.4, 0.3, 0.2, 0.1],
        "grade": "B",
        "gate_passed": False,
        "gate_failures": "only 1 of 4 BANT elements confirmed (at least 3 needed)",
        "timing_action": "",
        "model_version": "3",
    }
)


def _rules(destination: str) -> AlertRules:
    return rules_from_yaml(
        "rules:\n  - name: weak-hand-off\n    kind: gate_fails\n"
        f"    destination: {destination}\n"
    )


def _run(rules: AlertRules, outbox: Path, waits: list[float] | None = None) -> dict:
    sleep: Any = waits.append if waits is not None else (lambda s: None)
    return run_alerts(
        rules,
        FAILED_HAND_OFFS,
        None,
        run_id="batch-test",
        outbox=outbox,
        retry_hint="readiness alerts deliver s.parquet",
        sleep=sleep,
    )


def _states(outbox: Path) -> dict[str, int]:
    with sqlite3.connect(outbox) as db:
        return dict(db.execute("SELECT state, COUNT(*) FROM alerts GROUP BY state"))


def test_each_alert_reaches_the_webhook_once_even_when_the_batch_runs_again(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox.sqlite"
    with receiving() as hook:
        rules = _rules(f"{{webhook: {hook.url}}}")
        first = _run(rules, outbox)
        again = _run(rules, outbox)
    keys = hook.keys()
    assert len(keys) == 4 and len(set(keys)) == 4
    assert (first["fired"], first["delivered"], first["pending"]) == (4, 4, 0)
    assert (again["fired"], again["delivered"], again["already_delivered"]) == (4, 0, 4)
    assert first["retry"] is None
    request = hook.requests[0]
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["body"]["idempotency_key"] == request["key"]
    assert request["body"]["lead_id"] == "L000"
    assert "ゲートを通過していません" in request["body"]["text"]
    assert "fails the gate" in request["body"]["text"]
    assert _states(outbox) == {"delivered": 4}


def test_a_webhook_failing_at_first_is_retried_with_doubling_waits(
    tmp_path: Path,
) -> None:
    waits: list[float] = []
    with receiving(Receiver(fail_first=2, fail_status=503)) as hook:
        block = _run(
            _rules(f"{{webhook: {hook.url}, backoff: 0.5}}"), tmp_path / "o", waits
        )
    assert block["delivered"] == 4
    assert hook.keys()[:3] == [hook.keys()[0]] * 3  # the first alert, 3 attempts
    assert len(hook.keys()) == 6
    assert waits == [0.5, 1.0]


def test_a_429_is_retried_but_another_client_error_is_not(tmp_path: Path) -> None:
    with receiving(Receiver(fail_first=1, fail_status=429)) as hook:
        block = _run(_rules(f"{{webhook: {hook.url}}}"), tmp_path / "a")
    assert block["delivered"] == 4 and len(hook.requests) == 5
    with receiving(Receiver(fail_first=1, fail_status=400)) as hook:
        block = _run(_rules(f"{{webhook: {hook.url}}}"), tmp_path / "b")
    assert (block["delivered"], block["failed"]) == (3, 1)
    assert len(hook.requests) == 4  # the 400 was not repeated; the rest went on
    assert "HTTP 400" in block["errors"][0]
    assert block["retry"] == "readiness alerts deliver s.parquet"


def test_a_timed_out_request_is_retried_and_the_receiver_keeps_one(
    tmp_path: Path,
) -> None:
    slow = Receiver(slow_first=1, slow_seconds=2.0)
    with receiving(slow) as hook:
        block = _run(_rules(f"{{webhook: {hook.url}, timeout: 0.5}}"), tmp_path / "o")
    assert block["delivered"] == 4
    assert hook.keys().count(hook.keys()[0]) == 2  # sent twice, the slow one arrived
    assert len(hook.processed) == 4  # processed once each after the receiver's dedup


def test_an_unreachable_webhook_leaves_the_alerts_pending_for_alerts_deliver(
    tmp_path: Path,
) -> None:
    port = free_port()  # nothing listens there yet
    outbox = tmp_path / "outbox.sqlite"
    rules = _rules(f"{{webhook: 'http://127.0.0.1:{port}/hook', retries: 1}}")
    block = _run(rules, outbox)
    assert (block["fired"], block["delivered"], block["failed"], block["pending"]) == (
        4, 0, 1, 3,
    )  # fmt: skip
    assert "connection" in block["errors"][0]
    assert block["retry"] == "readiness alerts deliver s.parquet"
    with receiving(port=port) as hook:
        done = deliver_outbox(outbox, sleep=lambda s: None)
        nothing_left = deliver_outbox(outbox, sleep=lambda s: None)
    assert (done["tried"], done["delivered"]) == (4, 4)
    assert nothing_left["tried"] == 0
    assert len(hook.keys()) == 4 and len(set(hook.keys())) == 4
    assert _states(outbox) == {"delivered": 4}


def test_the_file_destination_gets_one_line_per_alert_across_reruns(
    tmp_path: Path,
) -> None:
    lines = tmp_path / "out" / "alerts.jsonl"
    outbox = tmp_path / "outbox.sqlite"
    rules = _rules(f"{{file: '{lines}'}}")
    assert _run(rules, outbox)["delivered"] == 4
    assert _run(rules, outbox)["already_delivered"] == 4
    written = [json.loads(line) for line in lines.read_text("utf-8").splitlines()]
    assert [w["lead_id"] for w in written] == list(FAILED_HAND_OFFS["lead_id"])
    assert len({w["idempotency_key"] for w in written}) == 4


def test_a_line_written_just_before_a_crash_is_not_written_again(
    tmp_path: Path,
) -> None:
    lines = tmp_path / "alerts.jsonl"
    outbox = tmp_path / "outbox.sqlite"
    rules = _rules(f"{{file: '{lines}'}}")
    # what a run does for the first alert up to the crash: record, count, write
    alerts = evaluate_alerts(rules, FAILED_HAND_OFFS, None, "batch-test")
    box = Outbox(outbox)
    box.record(alerts)
    box.attempt(alerts[0].key)
    append_line(lines, alerts[0].payload(), alerts[0].key, check=False)
    block = _run(rules, outbox)  # the rerun
    assert (block["delivered"], block["already_delivered"]) == (4, 0)
    keys = [json.loads(x)["idempotency_key"] for x in lines.read_text().splitlines()]
    assert sorted(keys) == sorted(a.key for a in alerts)
