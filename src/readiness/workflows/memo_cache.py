"""The memo cache a command uses: beside its data unless the settings say otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from readiness.features.memo import memo_workers
from readiness.features.memo_cache import CACHE_FILE, MemoCache, use_memo_cache
from readiness.settings import Settings, available_cores

__all__ = ["data_memo_cache"]


@contextmanager
def data_memo_cache(
    data_dir: Path | None, settings: Settings, say: object = None
) -> Iterator[MemoCache | None]:
    """Memo readings kept for the block: `READINESS_MEMO_CACHE` ("off": memory
    only), else `DATA_DIR/.readiness/memo_cache.sqlite`. A file that cannot be
    used is said once through `say` and the block goes on in memory. Memos the
    cache lacks are read with `READINESS_WORKERS` processes (0: every core)."""
    where = settings.memo_cache.strip()
    workers = settings.workers or available_cores()
    if where.lower() == "off" or (not where and data_dir is None):
        with memo_workers(workers):
            yield None
        return
    path = Path(where) if where else Path(data_dir or ".") / CACHE_FILE
    cache = MemoCache(path)
    try:
        with use_memo_cache(cache), memo_workers(workers):
            yield cache
    finally:
        cache.close()
        if cache.warning and callable(say):
            say(f"warning: {cache.warning}")
