"""The outbox: every alert is recorded here before it is sent, marked after.

A SQLite file (`.readiness/alerts-outbox.sqlite` beside the batch output). An
alert's idempotency key is its primary key, so a rerun or resume of the same batch
finds the alerts it already recorded and sends only the undelivered ones; each
attempt is counted before the request goes out, so a delivery that may have
happened (a crash after the receiver's 2xx, before the mark) is known: the webhook
receiver dedups it by `Idempotency-Key`, a file destination is checked for the key.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from readiness.alerts.evaluate import Alert
from readiness.alerts.rules import Destination

__all__ = ["DELIVERED", "FAILED", "PENDING", "Entry", "Outbox"]

PENDING: Final = "pending"  # recorded, not (yet) delivered
DELIVERED: Final = "delivered"  # the destination took it (2xx, or the line is written)
FAILED: Final = (
    "failed"  # the last run gave up on it; `readiness alerts deliver` retries
)

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS alerts (
    key TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    lead_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
)
"""


@dataclass(frozen=True)
class Entry:
    """An alert as the outbox holds it: enough to send it again without the batch."""

    key: str
    rule: str
    destination: Destination
    payload: dict[str, Any]
    state: str
    attempts: int
    last_error: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Outbox:
    """One SQLite file; every change is committed at once (a crash loses nothing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            with db:
                yield db

    def record(self, alerts: Iterable[Alert]) -> None:
        """Record alerts not yet known; a known key keeps its state."""
        now = _now()
        rows = [
            (
                a.key,
                a.rule,
                a.lead_id,
                a.run_id,
                a.destination.model_dump_json(),
                json.dumps(a.payload(), ensure_ascii=False),
                PENDING,
                now,
            )
            for a in alerts
        ]
        with self._db() as db:
            db.executemany(
                "INSERT OR IGNORE INTO alerts (key, rule, lead_id, run_id, "
                "destination, payload, state, created_at) VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )

    def entries(self, keys: Iterable[str] | None = None) -> list[Entry]:
        """The entries of `keys` in that order (all, oldest first, when None)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT key, rule, destination, payload, state, attempts, last_error "
                "FROM alerts ORDER BY rowid"
            ).fetchall()
        found = {
            r[0]: Entry(
                key=r[0],
                rule=r[1],
                destination=Destination.model_validate_json(r[2]),
                payload=json.loads(r[3]),
                state=r[4],
                attempts=int(r[5]),
                last_error=r[6],
            )
            for r in rows
        }
        if keys is None:
            return list(found.values())
        return [found[k] for k in keys if k in found]

    def attempt(self, key: str) -> None:
        """Count an attempt before the request goes out."""
        with self._db() as db:
            db.execute(
                "UPDATE alerts SET attempts = attempts + 1 WHERE key = ?", (key,)
            )

    def mark(self, key: str, state: str, error: str | None = None) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE alerts SET state = ?, last_error = ?, delivered_at = ? "
                "WHERE key = ?",
                (state, error, _now() if state == DELIVERED else None, key),
            )

    def counts(self) -> dict[str, int]:
        """Alerts per state over the whole outbox."""
        with self._db() as db:
            rows = db.execute("SELECT state, COUNT(*) FROM alerts GROUP BY state")
            got = {str(s): int(n) for s, n in rows}
        return {s: got.get(s, 0) for s in (DELIVERED, PENDING, FAILED)}
