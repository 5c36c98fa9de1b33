"""The stage stopwatch: exclusive seconds per stage, nothing when none is active."""

from __future__ import annotations

import time

from readiness.stopwatch import Stopwatch, stage, use_stopwatch


def test_nested_stages_are_charged_to_the_innermost_only() -> None:
    watch = Stopwatch()
    with use_stopwatch(watch):
        t = time.perf_counter()
        with stage("outer"):
            time.sleep(0.02)
            with stage("inner"):
                time.sleep(0.05)
            time.sleep(0.02)
        wall = time.perf_counter() - t
    assert list(watch.seconds) == ["outer", "inner"]
    assert 0.05 <= watch.seconds["inner"] < 0.05 + 0.04
    assert 0.04 <= watch.seconds["outer"] < 0.04 + 0.04
    assert sum(watch.seconds.values()) <= wall + 1e-6


def test_a_stage_repeated_adds_up() -> None:
    watch = Stopwatch()
    with use_stopwatch(watch):
        for _ in range(3):
            with stage("chunk"):
                time.sleep(0.01)
    assert watch.seconds["chunk"] >= 0.03


def test_stages_without_an_active_stopwatch_record_nothing() -> None:
    watch = Stopwatch()
    with stage("alone"):
        pass
    assert watch.seconds == {}


def test_a_failing_stage_still_closes() -> None:
    watch = Stopwatch()
    with use_stopwatch(watch):
        try:
            with stage("boom"):
                raise RuntimeError("x")
        except RuntimeError:
            pass
        with stage("after"):
            pass
    assert set(watch.seconds) == {"boom", "after"}
