"""The API's compute gate: at most `slots` at once, in arrival order."""

from __future__ import annotations

import threading
import time

import pytest

from api.gate import FairGate


def test_holders_never_exceed_the_slots_and_enter_in_arrival_order() -> None:
    gate = FairGate(2)
    lock = threading.Lock()
    active, peak, entered = 0, 0, []
    first = threading.Event()

    def work(i: int) -> None:
        nonlocal active, peak
        with gate:
            with lock:
                active += 1
                peak = max(peak, active)
                entered.append(i)
            first.wait(5)  # hold the gate until every thread is queued
            time.sleep(0.005)
            with lock:
                active -= 1

    threads = []
    for i in range(12):
        t = threading.Thread(target=work, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.01)  # arrival order = i
    first.set()
    for t in threads:
        t.join(10)
    assert peak == 2
    assert entered == list(range(12))


def test_a_holder_that_raises_frees_its_slot() -> None:
    gate = FairGate(1)
    with pytest.raises(RuntimeError), gate:
        raise RuntimeError("scoring failed")
    done = threading.Event()
    threading.Thread(target=lambda: (gate.__enter__(), done.set())).start()
    assert done.wait(2)


def test_zero_slots_is_refused() -> None:
    with pytest.raises(ValueError, match="slots"):
        FairGate(0)
