"""Sending alerts: a webhook POST (JSON, Slack-compatible `text`) or a JSON line.

Webhooks go through httpx (a runtime dependency for this: typed timeouts and
connection errors, one client reused across alerts). A 2xx is delivered; a 5xx,
a 429, a timeout or a connection error is retried with exponential backoff
(`backoff`, doubling; a 429's Retry-After is honoured up to 60 s); any other 4xx
is final (the request itself is wrong; retrying cannot help). Every request
carries the alert's `Idempotency-Key` so the receiver can drop a repeat.

A destination that stays down after its retries is not tried again in the same
run: its remaining alerts stay pending in the outbox for `readiness alerts
deliver` or the next run, and the batch finishes instead of waiting per alert.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx

from readiness.alerts.outbox import DELIVERED, FAILED, Entry, Outbox
from readiness.alerts.rules import Destination

__all__ = [
    "Delivery",
    "DeliveryReport",
    "append_line",
    "deliver_entries",
    "post_webhook",
]

_MAX_RETRY_AFTER: Final = 60.0


@dataclass(frozen=True)
class Delivery:
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None
    retryable: bool = False  # the destination looked down, not the request wrong


@dataclass
class DeliveryReport:
    """What one delivery pass did, per rule and in total."""

    delivered: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, counts: dict[str, int], rule: str) -> None:
        counts[rule] = counts.get(rule, 0) + 1


def post_webhook(
    destination: Destination,
    payload: dict[str, object],
    key: str,
    *,
    client: httpx.Client,
    sleep: Callable[[float], object] = time.sleep,
    before_attempt: Callable[[], object] | None = None,
) -> Delivery:
    """POST `payload` to the destination's URL, retrying what may pass next time."""
    assert destination.webhook is not None
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": key,
    }
    wait = destination.backoff
    last = Delivery(ok=False, attempts=0)
    for attempt in range(1, destination.retries + 2):
        if before_attempt is not None:
            before_attempt()
        try:
            response = client.post(
                destination.webhook,
                content=body,
                headers=headers,
                timeout=destination.timeout,
            )
        except httpx.TimeoutException as exc:
            last = Delivery(False, attempt, error=f"timeout: {exc}", retryable=True)
        except httpx.TransportError as exc:
            last = Delivery(False, attempt, error=f"connection: {exc}", retryable=True)
        else:
            code = response.status_code
            if 200 <= code < 300:
                return Delivery(True, attempt, status=code)
            retryable = code >= 500 or code == 429
            last = Delivery(
                False, attempt, status=code, error=f"HTTP {code}", retryable=retryable
            )
            if not retryable:
                return last
            if code == 429:
                wait = max(wait, _retry_after(response))
        if attempt <= destination.retries:
            sleep(wait)
            wait *= 2
    return last


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", 0)), _MAX_RETRY_AFTER)
    except ValueError:
        return 0.0


def append_line(
    path: Path, payload: dict[str, object], key: str, *, check: bool
) -> Delivery:
    """Append the alert as one JSON line in a single write (O_APPEND: lines of
    concurrent writers never interleave). With `check` (an earlier attempt may
    have written it before a crash), a line already holding the key is kept."""
    path = Path(path)
    if check and path.exists() and _holds_key(path, key):
        return Delivery(True, 0)
    line = json.dumps(payload, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return Delivery(False, 1, error=f"file: {exc}", retryable=True)
    return Delivery(True, 1)


def _holds_key(path: Path, key: str) -> bool:
    needle = f'"idempotency_key": "{key}"'
    with path.open(encoding="utf-8", errors="replace") as fh:
        return any(needle in line for line in fh)


def deliver_entries(
    outbox: Outbox,
    entries: Iterable[Entry],
    *,
    sleep: Callable[[float], object] = time.sleep,
    client: httpx.Client | None = None,
) -> DeliveryReport:
    """Send each undelivered entry and mark it; see the module for what is retried."""
    report = DeliveryReport()
    down: set[str] = set()
    own = client is None
    http = client or httpx.Client(follow_redirects=False)
    try:
        for entry in entries:
            if entry.state == DELIVERED:
                continue
            dest = entry.destination
            if dest.target in down:
                report.add(report.pending, entry.rule)
                continue
            if dest.file is not None:
                outbox.attempt(entry.key)
                got = append_line(
                    Path(dest.file), entry.payload, entry.key, check=entry.attempts > 0
                )
            else:
                got = post_webhook(
                    dest,
                    entry.payload,
                    entry.key,
                    client=http,
                    sleep=sleep,
                    before_attempt=functools.partial(outbox.attempt, entry.key),
                )
            if got.ok:
                outbox.mark(entry.key, DELIVERED)
                report.add(report.delivered, entry.rule)
                continue
            outbox.mark(entry.key, FAILED, got.error)
            report.add(report.failed, entry.rule)
            report.errors.append(f"{entry.rule} → {dest.shown}: {got.error}")
            if got.retryable:
                down.add(dest.target)
    finally:
        if own:
            http.close()
    return report
