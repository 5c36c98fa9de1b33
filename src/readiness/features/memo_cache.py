"""A hand-off memo never changes once written: its reading is kept, not redone.

Reading a memo (`parse_memo`, then the rubric) is most of the cost of building
features: ~0.6 ms a memo against a few µs for a lookup. `MemoCache` keeps each
memo's feature row, format code and NFKC text (the text features' input; NFKC of
a long memo costs ~80 µs) keyed by the memo's text hash, its reference
day (relative dates are read against it) and a version: a fingerprint of the
parser's and the rubric reader's source code and of the rubric. A change to any
of them gives new keys, so a stale reading is never served.

- In memory by default, bounded (`max_rows`), shared by every build in a process:
  training, batch, timing and drift reuse one reading.
- Persisted when given a path (SQLite; `readiness train` and `score-batch` keep
  one beside the data, `.readiness/memo_cache.sqlite`): the next run reads it.
  Rows of other versions are dropped when it is opened. A file that cannot be
  opened or read is set aside and the run goes on in memory (`warning` says so).

`memo_features` uses the active cache (`active_cache`); `use_memo_cache(cache)`
makes one active for a block. Nothing in the file runs code: rows are float32
bytes and an integer.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Final

import numpy as np

from readiness.rubric.config import Rubric

__all__ = [
    "CACHE_FILE",
    "MemoCache",
    "active_cache",
    "memo_key",
    "reader_version",
    "use_memo_cache",
]

CACHE_FILE: Final = Path(".readiness") / "memo_cache.sqlite"
_DEFAULT_MAX_ROWS: Final = 200_000
# The source that decides what a memo's feature row is.
_READER_MODULES: Final = (
    "readiness.memo",
    "readiness.features.memo",
    "readiness.rubric.config",
    "readiness.rubric.criteria",
    "readiness.rubric.score",
    "readiness.fields",
)


@lru_cache(maxsize=1)
def _source_fingerprint() -> str:
    import importlib
    import pkgutil

    digest = hashlib.sha256()
    files: list[Path] = []
    for name in _READER_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):  # a package: every module in it
            for info in pkgutil.iter_modules(module.__path__):
                sub = importlib.import_module(f"{name}.{info.name}")
                if sub.__file__:
                    files.append(Path(sub.__file__))
        elif module.__file__:
            files.append(Path(module.__file__))
    for path in sorted(set(files)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reader_version(rubric: Rubric) -> str:
    """The version a reading is valid for: the reader's source and the rubric."""
    rubric_json = json.dumps(rubric.model_dump(mode="json"), sort_keys=True)
    digest = hashlib.sha256(rubric_json.encode()).hexdigest()[:16]
    return f"{_source_fingerprint()}-{digest}"


def memo_key(text: str, day: int) -> str:
    """The key of a memo's reading on a reference day (days since 1970-01-01)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(day.to_bytes(8, "little", signed=True))
    return digest.hexdigest()


# (memo format code, the feature row as float32, the memo's NFKC text)
Reading = tuple[int, np.ndarray, str]


class MemoCache:
    """Memo readings by (version, `memo_key`); in memory, and in SQLite at `path`."""

    def __init__(self, path: Path | None = None, *, max_rows: int = _DEFAULT_MAX_ROWS):
        self.path = Path(path) if path is not None else None
        self.max_rows = max_rows
        self.warning: str | None = None
        self.hits = 0
        self.misses = 0
        self._rows: OrderedDict[tuple[str, str], Reading] = OrderedDict()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pruned: set[str] = set()
        if self.path is not None:
            self._open()

    # --- the file ----------------------------------------------------------------

    def _open(self) -> None:
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS memo_reading ("
                "version TEXT NOT NULL, key TEXT NOT NULL, format INTEGER NOT NULL, "
                "row BLOB NOT NULL, text TEXT NOT NULL, PRIMARY KEY (version, key))"
            )
            db.commit()
            self._db = db
        except (sqlite3.Error, OSError) as exc:
            self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> None:
        """A file that cannot be used: moved aside once, then memory only."""
        self._close_db()
        where = self.path
        if where is not None and where.exists():
            with suppress(OSError):
                where.replace(where.with_name(where.name + ".broken"))
        self.warning = (
            f"memo cache {where} could not be used ({exc}); memos are read anew "
            "this run (it is set aside as .broken and rebuilt next run)"
        )
        self.path = None

    def _close_db(self) -> None:
        if self._db is not None:
            with suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def close(self) -> None:
        """Close the file (the memory rows stay)."""
        with self._lock:
            self._close_db()

    def _prune(self, version: str) -> None:
        # a new parser or rubric: the rows of other versions will never be read
        if self._db is None or version in self._pruned:
            return
        self._pruned.add(version)
        self._db.execute("DELETE FROM memo_reading WHERE version != ?", (version,))
        self._db.commit()

    # --- reading and writing -----------------------------------------------------

    def get_many(self, version: str, keys: Iterable[str]) -> dict[str, Reading]:
        """The readings found for `keys` (memory first, then the file)."""
        keys = list(keys)
        found: dict[str, Reading] = {}
        wanted = []
        with self._lock:
            for key in keys:
                got = self._rows.get((version, key))
                if got is None:
                    wanted.append(key)
                else:
                    self._rows.move_to_end((version, key))
                    found[key] = got
            if wanted and self._db is not None:
                try:
                    self._prune(version)
                    for lo in range(0, len(wanted), 500):
                        part = wanted[lo : lo + 500]
                        marks = ",".join("?" * len(part))
                        rows = self._db.execute(
                            "SELECT key, format, row, text FROM memo_reading "
                            f"WHERE version = ? AND key IN ({marks})",
                            (version, *part),
                        ).fetchall()
                        for key, fmt, blob, text in rows:
                            row = np.frombuffer(blob, dtype=np.float32)
                            reading = (int(fmt), row, str(text))
                            found[key] = reading
                            self._remember(version, key, reading)
                except sqlite3.Error as exc:
                    self._set_aside(exc)
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, version: str, readings: Mapping[str, Reading]) -> None:
        """Keep new readings (in memory, and in the file if there is one)."""
        if not readings:
            return
        with self._lock:
            for key, (fmt, row, text) in readings.items():
                self._remember(version, key, (fmt, np.asarray(row, np.float32), text))
            if self._db is not None:
                try:
                    self._prune(version)
                    self._db.executemany(
                        "INSERT OR REPLACE INTO memo_reading VALUES (?, ?, ?, ?, ?)",
                        [
                            (version, k, int(f), np.asarray(r, np.float32).tobytes(), t)
                            for k, (f, r, t) in readings.items()
                        ],
                    )
                    self._db.commit()
                except sqlite3.Error as exc:
                    self._set_aside(exc)

    def _remember(self, version: str, key: str, reading: Reading) -> None:
        self._rows[(version, key)] = reading
        while len(self._rows) > self.max_rows:
            self._rows.popitem(last=False)

    def __len__(self) -> int:
        return len(self._rows)


_PROCESS_CACHE: Final = MemoCache()
_ACTIVE: ContextVar[MemoCache | None] = ContextVar("readiness_memo_cache", default=None)


def active_cache() -> MemoCache:
    """The cache `memo_features` uses: the one made active, else the process's."""
    active = _ACTIVE.get()  # (an empty cache is falsy: it has a length)
    return _PROCESS_CACHE if active is None else active


@contextmanager
def use_memo_cache(cache: MemoCache | None) -> Iterator[MemoCache]:
    """Make `cache` the active one for the block (None: the process's)."""
    token = _ACTIVE.set(cache)
    try:
        yield active_cache()
    finally:
        _ACTIVE.reset(token)
