"""Where the time of a long run goes: seconds per named stage, off by default.

A run that wants its breakdown (the nightly batch, a benchmark) activates a
`Stopwatch`; the stages mark their work with `stage("features")`. Time is charged
to the innermost open stage only, so nested stages never count twice and the
stages' seconds add up to at most the wall time. Without an active stopwatch
`stage` costs one context-variable lookup.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Stopwatch", "stage", "use_stopwatch"]


class Stopwatch:
    """Exclusive seconds per stage name, in the order stages were first seen."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._open: list[str] = []
        self._since = 0.0

    def _charge(self, now: float) -> None:
        if self._open:
            name = self._open[-1]
            self.seconds[name] = self.seconds.get(name, 0.0) + now - self._since
        self._since = now

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._charge(time.perf_counter())
        self.seconds.setdefault(name, 0.0)
        self._open.append(name)
        try:
            yield
        finally:
            self._charge(time.perf_counter())
            self._open.pop()

    def add(self, seconds: Mapping[str, float]) -> None:
        """Add stage seconds measured elsewhere (another process's stopwatch)."""
        for name, sec in seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + sec

    def rounded(self, digits: int = 2) -> dict[str, float]:
        return {k: round(v, digits) for k, v in self.seconds.items()}


_ACTIVE: ContextVar[Stopwatch | None] = ContextVar("readiness_stopwatch", default=None)


@contextmanager
def use_stopwatch(watch: Stopwatch) -> Iterator[Stopwatch]:
    """Make `watch` the one `stage` charges, for the duration of the block."""
    token = _ACTIVE.set(watch)
    try:
        yield watch
    finally:
        _ACTIVE.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Charge the block's time to `name` on the active stopwatch, if any."""
    watch = _ACTIVE.get()
    if watch is None:
        yield
        return
    with watch.stage(name):
        yield
