"""Each memo is read once: the memo cache gives the same features, cold or warm,
in memory or from its file, and never serves a reading of another parser or rubric."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import readiness.features.memo as memo_module
from readiness.data.contract import Dataset
from readiness.features.build import build_features, labelled_points
from readiness.features.memo_cache import (
    CACHE_FILE,
    MemoCache,
    reader_version,
    use_memo_cache,
)
from readiness.rubric.config import default_rubric
from readiness.settings import Settings
from readiness.workflows.memo_cache import data_memo_cache
from tests.factory import Factory


@pytest.fixture(scope="module")
def points(factory: Factory) -> tuple[Dataset, pd.DataFrame]:
    dataset = factory.dataset("tiny")
    pts = labelled_points(dataset)[["lead_id", "as_of", "memo"]]
    assert pts["memo"].str.len().gt(0).sum() > 50  # real memos to read
    return dataset, pts.reset_index(drop=True)


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any = memo_module) -> list[int]:
    """Count the memos `module` parses from now on."""
    calls = [0]
    real = module.parse_memo

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "parse_memo", counted)
    return calls


def test_cold_and_warm_readings_give_the_same_features(
    points: tuple[Dataset, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataset, pts = points
    calls = _counting(monkeypatch)
    with use_memo_cache(MemoCache()):  # memory only, empty
        plain = build_features(dataset, pts)
    distinct = calls[0]
    assert distinct > 50
    path = tmp_path / "memo.sqlite"
    with use_memo_cache(MemoCache(path)) as cold:
        first = build_features(dataset, pts)
    assert calls[0] == 2 * distinct and cold.misses == distinct
    cold.close()
    # a new process: nothing in memory, everything in the file
    warm = MemoCache(path)
    with use_memo_cache(warm):
        again = build_features(dataset, pts)
    assert calls[0] == 2 * distinct  # not one memo read again
    assert warm.hits == distinct and warm.misses == 0
    pd.testing.assert_frame_equal(plain, first)
    pd.testing.assert_frame_equal(plain, again)
    # the same memo on another day is another reading (relative dates)
    later = pts.assign(as_of=pts["as_of"] + pd.Timedelta(days=30))
    with use_memo_cache(warm):
        build_features(dataset, later)
    assert calls[0] > 2 * distinct


def test_another_rubric_is_another_version_and_old_rows_go(
    points: tuple[Dataset, pd.DataFrame], tmp_path: Path
) -> None:
    dataset, pts = points
    rubric = default_rubric()
    other = rubric.model_copy(update={"vague_fraction": rubric.vague_fraction / 2})
    assert reader_version(other) != reader_version(rubric)
    path = tmp_path / "memo.sqlite"
    with use_memo_cache(MemoCache(path)) as cache:
        build_features(dataset, pts, rubric=rubric)
        build_features(dataset, pts, rubric=other)
        assert cache.hits == 0  # nothing of the first rubric is served
    cache.close()
    versions = {
        v for (v,) in sqlite3.connect(path).execute("SELECT version FROM memo_reading")
    }
    assert versions == {reader_version(other)}  # the first rubric's rows dropped


def test_a_broken_cache_file_is_set_aside_and_the_run_goes_on(
    points: tuple[Dataset, pd.DataFrame], tmp_path: Path
) -> None:
    dataset, pts = points
    path = tmp_path / "memo.sqlite"
    path.write_bytes(b"not a database" * 100)
    cache = MemoCache(path)
    with use_memo_cache(cache):
        features = build_features(dataset, pts)
    assert len(features) == len(pts)
    assert cache.warning is not None and "set aside" in cache.warning
    assert (tmp_path / "memo.sqlite.broken").exists()
    assert MemoCache(path).warning is None  # rebuilt next run


def test_commands_keep_the_cache_beside_the_data_unless_told_not_to(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with data_memo_cache(data, Settings()) as cache:
        assert cache is not None and cache.path == data / CACHE_FILE
    assert (data / CACHE_FILE).is_file()
    with data_memo_cache(data, Settings(memo_cache="off")) as off:
        assert off is None
    elsewhere = tmp_path / "cache" / "memos.sqlite"
    with data_memo_cache(data, Settings(memo_cache=str(elsewhere))) as cache:
        assert cache is not None and cache.path == elsewhere
    assert elsewhere.is_file()


def test_the_explaining_reader_reads_a_memo_once_per_process(
    points: tuple[Dataset, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    import readiness.model.explain as explain

    _, pts = points
    calls = _counting(monkeypatch, explain)
    # a day no other test reads these memos on
    as_of = pts["as_of"] + pd.Timedelta(days=4321)
    first, notes = explain.read_memos(pts["memo"].tolist(), as_of, default_rubric())
    read = calls[0]
    assert read > 50
    again, notes_again = explain.read_memos(
        pts["memo"].tolist(), as_of, default_rubric()
    )
    assert calls[0] == read  # every reading reused
    assert again == first and notes_again == notes


def test_memos_read_by_other_processes_give_the_same_features(
    points: tuple[Dataset, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, pts = points
    with use_memo_cache(MemoCache()):
        serial = build_features(dataset, pts)
    monkeypatch.setattr(memo_module, "_PARALLEL_MIN", 10)
    calls = _counting(monkeypatch)  # counts parses in this process only
    with use_memo_cache(MemoCache()), memo_module.memo_workers(2):
        parallel = build_features(dataset, pts)
    assert calls[0] == 0  # every memo was read by the workers
    pd.testing.assert_frame_equal(parallel, serial)


def test_a_command_reads_memos_with_the_workers_its_settings_give(
    tmp_path: Path,
) -> None:
    settings = Settings(memo_cache="off", workers=3)
    with data_memo_cache(tmp_path, settings):
        assert memo_module._WORKERS.get() == 3
    assert memo_module._WORKERS.get() == 1
    with data_memo_cache(tmp_path, Settings(memo_cache="off", workers=0)):
        assert memo_module._WORKERS.get() >= 1
