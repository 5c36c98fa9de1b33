"""A first-come, first-served gate for the CPU-bound part of a request."""

from __future__ import annotations

import threading
from types import TracebackType


class FairGate:
    """At most `slots` holders at once, admitted strictly in arrival order.

    Scoring is CPU-bound Python: threads beyond a core or two only fight over the
    GIL, so requests queue here instead. A plain semaphore lets a newcomer barge
    past threads already waiting, which stretches the tail under load; tickets
    keep the order.
    """

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots must be 1 or more, got {slots}")
        self._slots = slots
        self._cond = threading.Condition()
        self._issued = 0  # tickets handed out
        self._admitted = 0  # tickets let in
        self._active = 0

    def __enter__(self) -> FairGate:
        with self._cond:
            ticket = self._issued
            self._issued += 1
            self._cond.wait_for(
                lambda: ticket == self._admitted and self._active < self._slots
            )
            self._admitted += 1
            self._active += 1
            self._cond.notify_all()  # the next ticket may fit in a free slot
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()
