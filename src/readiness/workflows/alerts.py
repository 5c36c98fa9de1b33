"""Alerts at the end of a batch (`score-batch --alerts`) and their retry
(`readiness alerts deliver`): evaluate, record in the outbox, deliver, count."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from readiness.alerts.deliver import deliver_entries
from readiness.alerts.evaluate import evaluate_alerts
from readiness.alerts.outbox import DELIVERED, FAILED, PENDING, Outbox
from readiness.alerts.rules import AlertRules

__all__ = [
    "alerts_line",
    "batch_run_id",
    "deliver_outbox",
    "outbox_path",
    "run_alerts",
]


def outbox_path(out: Path) -> Path:
    """The outbox of the batches written into `out`'s folder (shared by its runs,
    so a rerun of the same batch finds what it already sent)."""
    return Path(out).resolve().parent / ".readiness" / "alerts-outbox.sqlite"


def batch_run_id(summary: dict[str, Any]) -> str:
    """A batch's run id from its moment (the same for a rerun of the same batch)."""
    stamp = pd.Timestamp(summary["as_of"]).strftime("%Y%m%dT%H%M%S")
    return f"batch-{stamp}"


def run_alerts(
    rules: AlertRules,
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    *,
    run_id: str,
    outbox: Path,
    retry_hint: str,
    sleep: Callable[[float], object] = time.sleep,
) -> dict[str, Any]:
    """Evaluate, record every alert in the outbox, deliver the undelivered ones; the
    summary's `alerts` block. A destination that is down leaves the batch a
    success: its alerts are counted pending/failed and `retry` says what to run."""
    alerts = evaluate_alerts(rules, current, previous, run_id)
    box = Outbox(outbox)
    box.record(alerts)
    entries = box.entries([a.key for a in alerts])
    already = {r.name: 0 for r in rules.rules}
    for e in entries:
        if e.state == DELIVERED:
            already[e.rule] += 1
    report = deliver_entries(box, entries, sleep=sleep)
    fired = {r.name: 0 for r in rules.rules}
    for a in alerts:
        fired[a.rule] += 1
    by_rule = {
        r.name: {
            "kind": r.kind,
            "destination": rules.destination_of(r).shown,
            "fired": fired[r.name],
            "delivered": report.delivered.get(r.name, 0),
            "already_delivered": already[r.name],
            "pending": report.pending.get(r.name, 0),
            "failed": report.failed.get(r.name, 0),
        }
        for r in rules.rules
    }
    block = _totals(by_rule)
    undelivered = block["pending"] + block["failed"]
    return {
        "rules": len(rules.rules),
        "run_id": run_id,
        "previous_points": 0 if previous is None else len(previous),
        **block,
        "by_rule": by_rule,
        "outbox": str(outbox),
        "errors": report.errors[:5],
        "retry": retry_hint if undelivered else None,
    }


def _totals(by_rule: dict[str, dict[str, Any]]) -> dict[str, int]:
    keys = ("fired", "delivered", "already_delivered", "pending", "failed")
    return {k: sum(int(v[k]) for v in by_rule.values()) for k in keys}


def deliver_outbox(
    outbox: Path, *, sleep: Callable[[float], object] = time.sleep
) -> dict[str, Any]:
    """Send every alert of the outbox not yet delivered (pending or failed)."""
    box = Outbox(outbox)
    todo = [e for e in box.entries() if e.state in (PENDING, FAILED)]
    report = deliver_entries(box, todo, sleep=sleep)
    counts = box.counts()
    return {
        "tried": len(todo),
        "delivered": sum(report.delivered.values()),
        "failed": sum(report.failed.values()),
        "left_pending": sum(report.pending.values()),
        "outbox": {**counts, "path": str(outbox)},
        "errors": report.errors[:5],
    }


def alerts_line(block: dict[str, Any]) -> str:
    """The summary's alerts block in one line for a terminal."""
    line = (
        f"アラート alerts: {block['rules']} rules, {block['fired']} fired, "
        f"{block['delivered']} delivered now, {block['already_delivered']} already "
        f"delivered, {block['pending']} pending, {block['failed']} failed"
    )
    if block.get("retry"):
        line += f" — retry: {block['retry']}"
    return line
