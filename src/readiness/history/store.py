"""The history store: runs and points in any SQLAlchemy database, migrated on open.

Default: an embedded SQLite file (`Settings.resolved_history_url`); a team gives
a server URL (postgresql+psycopg://...). The schema is Alembic's: `open_store`
upgrades an older database to head and refuses one written by a newer readiness.
Appends are bulk and idempotent per run id (a resumed batch replaces its points).
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from readiness.errors import ReadinessError
from readiness.history.schema import POINT_COLUMNS, points, runs

__all__ = [
    "HistoryError",
    "HistoryStore",
    "RunKind",
    "head_revision",
    "open_store",
    "previous_points",
]

RunKind = Literal["batch", "api"]
MIGRATIONS: Final = Path(__file__).with_name("migrations")
_CHUNK: Final = 50_000  # rows per executemany
_IN_CHUNK: Final = 5_000  # lead ids per IN (…) (SQLite allows 32 766 variables)
_JSON_COLUMNS: Final = ("event_counts", "memo_elements", "factors")
_TIME_COLUMNS: Final = ("as_of", "last_event_at")
# SQLAlchemy's SQLite DateTime text, which the fast path writes itself.
_SQLITE_TIME: Final = "%Y-%m-%d %H:%M:%S.%f"
PREVIOUS_COLUMNS: Final = (
    "lead_id",
    "run_id",
    "as_of",
    "probability",
    "probability_low",
    "probability_high",
    "points",
    "grade",
    "rubric_total",
    "gate_passed",
    "status",
    "timing_action",
    "model_version",
)


class HistoryError(ReadinessError, ValueError):
    """The history store cannot be opened or written; the message says the fix."""


def _alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The schema revision this readiness writes."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def _safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL we cannot even parse is shown as given
        return url


def _engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise HistoryError(
            f"履歴の保存先 URL を読めません / history URL {url!r} cannot be read "
            f"({exc}); give a SQLAlchemy URL such as sqlite:///path/history.sqlite "
            "or postgresql+psycopg://user@host/db, or `off` (READINESS_HISTORY_URL)"
        ) from exc
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    ):
        folder = Path(str(parsed.database)).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"履歴ファイルのフォルダを作れません / history folder {folder} cannot "
                f"be created ({exc.strerror}); give a writable place in "
                "READINESS_HISTORY_URL or --url, or `off`"
            ) from exc
    try:
        engine = sa.create_engine(parsed)
    except Exception as exc:  # unknown dialect or missing driver
        raise HistoryError(
            f"履歴の保存先に接続できません / history store {_safe_url(url)}: {exc}; "
            "check the URL's dialect and that its driver is installed "
            "(READINESS_HISTORY_URL, --url)"
        ) from exc
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL: readers (the API, `readiness history`) never wait for a batch.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # A nightly append touches index pages all over the lead index.
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
            cursor.close()

    return engine


def _upgrade(engine: sa.Engine, url: str) -> None:
    """Bring the schema to head; refuse a database of a newer readiness."""
    head = head_revision()
    with engine.begin() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        config = _alembic_config(conn)
        known = {
            s.revision for s in ScriptDirectory.from_config(config).walk_revisions()
        }
        if current is not None and current not in known:
            raise HistoryError(
                f"履歴データベース {_safe_url(url)} は新しい readiness で作られています"
                f"（スキーマ {current}、このバージョンは {head} まで）。readiness を"
                "更新してください / the history database is at schema revision "
                f"{current}, newer than this readiness knows (up to {head}): upgrade "
                "readiness, or point READINESS_HISTORY_URL / --url elsewhere"
            )
        command.upgrade(config, "head")


def open_store(url: str) -> HistoryStore:
    """The store at `url` (any SQLAlchemy URL), created or migrated to head."""
    engine = _engine(url)
    try:
        _upgrade(engine, url)
    except HistoryError:
        engine.dispose()
        raise
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise HistoryError(
            f"履歴の保存先を開けません / history store {_safe_url(url)} cannot be "
            f"opened: {exc.__class__.__name__}: {exc}; check the URL, that the "
            "database exists and that you may write to it"
        ) from exc
    return HistoryStore(engine, url)


class HistoryStore:
    """Runs and points of one database; `open_store` makes one."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    def __repr__(self) -> str:
        return f"HistoryStore({_safe_url(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The URL without its password (what a summary may print)."""
        return _safe_url(self.url)

    # --- writing -------------------------------------------------------------------

    def append_run(
        self,
        rows: pd.DataFrame,
        *,
        run_id: str | None = None,
        kind: RunKind = "batch",
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
        model_version: str | None = None,
        data_fingerprint: str | None = None,
        as_of: datetime | None = None,
    ) -> str:
        """Append one run's points (one row per lead) and return its run id.

        `rows` has at least lead_id, as_of and probability; any other column of
        `POINT_COLUMNS` is kept (dicts in the JSON columns are encoded; a missing
        column is stored as NULL). Appending a run id again replaces that run's
        points in one transaction, so a resumed batch never duplicates.
        """
        missing = {"lead_id", "as_of", "probability"} - set(rows.columns)
        if missing:
            raise HistoryError(
                f"history rows lack {sorted(missing)}: give lead_id, as_of and "
                "probability for each point"
            )
        run_id = run_id or uuid.uuid4().hex
        now = datetime.now()
        if model_version is None and "model_version" in rows and len(rows):
            model_version = _text(rows["model_version"].iloc[0])
        if as_of is None and len(rows):
            as_of = pd.Timestamp(rows["as_of"].max()).to_pydatetime()
        record = {
            "run_id": run_id,
            "kind": kind,
            "started_at": started_at or now,
            "finished_at": finished_at or now,
            "model_version": model_version,
            "data_fingerprint": data_fingerprint,
            "as_of": as_of,
            "n_rows": len(rows),
        }
        with self.engine.begin() as conn:
            seq = conn.execute(
                sa.select(runs.c.run_seq).where(runs.c.run_id == run_id)
            ).scalar()
            if seq is None:
                inserted = conn.execute(runs.insert().values(**record))
                seq = inserted.inserted_primary_key[0]  # type: ignore[index]
            else:
                conn.execute(
                    runs.update().where(runs.c.run_seq == seq).values(**record)
                )
                conn.execute(points.delete().where(points.c.run_seq == seq))
            if not rows["lead_id"].is_monotonic_increasing:
                # In lead order the index (lead_id, run_seq) is written page by page.
                rows = rows.sort_values("lead_id", kind="stable")
            table = _point_table(rows)
            if model_version is not None:  # a point's model is its run's, unless told
                table["model_version"] = [
                    v or model_version
                    for v in table.get("model_version", [None] * len(rows))
                ]
            self._insert(conn, table, int(seq))
        return run_id

    def _insert(
        self, conn: sa.Connection, table: dict[str, list[Any]], seq: int
    ) -> None:
        names = ["run_seq", *table]
        n = len(table["lead_id"])
        columns = [[seq] * n, *table.values()]
        if conn.dialect.name == "sqlite":
            # The DBAPI's executemany on tuples: ~3x SQLAlchemy's per-row dicts.
            sql = (
                f"INSERT INTO points ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})"
            )
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for start in range(0, n, _CHUNK):
                part = [c[start : start + _CHUNK] for c in columns]
                cursor.executemany(sql, zip(*part, strict=True))
            cursor.close()
            return
        for name in _TIME_COLUMNS:  # other dialects take datetimes
            if name in table:
                at = names.index(name)
                columns[at] = [
                    None if t is None else datetime.strptime(t, _SQLITE_TIME)
                    for t in columns[at]
                ]
        for start in range(0, n, _CHUNK):
            part = [c[start : start + _CHUNK] for c in columns]
            conn.execute(
                points.insert(),
                [dict(zip(names, t, strict=True)) for t in zip(*part, strict=True)],
            )

    # --- reading -------------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        """Every run, oldest first."""
        with self.engine.connect() as conn:
            result = conn.execute(sa.select(runs).order_by(runs.c.run_seq))
            return pd.DataFrame(result.mappings().all(), columns=list(runs.c.keys()))

    def lead_history(self, lead_id: str) -> pd.DataFrame:
        """The points of one lead, oldest run first, with run id and kind."""
        query = (
            sa.select(points, runs.c.run_id, runs.c.kind)
            .join(runs, runs.c.run_seq == points.c.run_seq)
            .where(points.c.lead_id == str(lead_id))
            .order_by(points.c.run_seq)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        columns = [*points.c.keys(), "run_id", "kind"]
        return _decoded(pd.DataFrame(rows, columns=columns))

    def previous_points(
        self, lead_ids: Sequence[str] | None, before_run_id: str | None
    ) -> pd.DataFrame:
        """See `previous_points`."""
        return previous_points(self, lead_ids, before_run_id)


def previous_points(
    store: HistoryStore, lead_ids: Sequence[str] | None, before_run_id: str | None
) -> pd.DataFrame:
    """Each lead's latest point strictly before run `before_run_id`.

    `lead_ids` None: every lead in the store. `before_run_id` None, or a run id
    the store does not hold yet (the run being made now): the latest point
    overall. One row per lead that has such a point, `PREVIOUS_COLUMNS`;
    `timing_action` is None where the point had none.
    """
    with store.engine.connect() as conn:
        seq = None
        if before_run_id is not None:
            seq = conn.execute(
                sa.select(runs.c.run_seq).where(runs.c.run_id == before_run_id)
            ).scalar()
        frames = [
            _previous(conn, chunk, seq)
            for chunk in _chunks(None if lead_ids is None else list(lead_ids))
        ]
    out = pd.concat(frames, ignore_index=True) if frames else _previous_empty()
    for name in ("grade", "status", "timing_action", "model_version"):
        out[name] = pd.Series(
            [v if isinstance(v, str) and v else None for v in out[name]],
            index=out.index,
            dtype=object,
        )
    return out.sort_values("lead_id", ignore_index=True)


def _chunks(ids: list[str] | None) -> Iterable[list[str] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), _IN_CHUNK):
        yield [str(i) for i in ids[start : start + _IN_CHUNK]]


def _previous(
    conn: sa.Connection, ids: list[str] | None, seq: int | None
) -> pd.DataFrame:
    latest = sa.select(
        points.c.lead_id, sa.func.max(points.c.run_seq).label("seq")
    ).group_by(points.c.lead_id)
    if seq is not None:
        latest = latest.where(points.c.run_seq < seq)
    if ids is not None:
        latest = latest.where(points.c.lead_id.in_(ids))
    sub = latest.subquery()
    columns = [
        runs.c.run_id if c == "run_id" else points.c[c] for c in PREVIOUS_COLUMNS
    ]
    query = (
        sa.select(*columns)
        .join(
            sub,
            sa.and_(points.c.lead_id == sub.c.lead_id, points.c.run_seq == sub.c.seq),
        )
        .join(runs, runs.c.run_seq == points.c.run_seq)
    )
    if conn.dialect.name != "sqlite":
        rows = conn.execute(query).all()
        return pd.DataFrame(rows, columns=list(PREVIOUS_COLUMNS))
    # SQLite: the driver's rows, times parsed column-wise. SQLAlchemy's per-row
    # result processing took 28 of 39 s for a million leads.
    compiled = query.compile(
        dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = [compiled.params[k] for k in compiled.positiontup or ()]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(str(compiled), params).fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame(rows, columns=list(PREVIOUS_COLUMNS))
    frame["as_of"] = pd.to_datetime(frame["as_of"], format=_SQLITE_TIME)
    frame["gate_passed"] = [
        None if v is None else bool(v) for v in frame["gate_passed"]
    ]
    return frame


def _previous_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(PREVIOUS_COLUMNS))


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text or None


def _json(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        return json.dumps(dict(value), ensure_ascii=False, separators=(",", ":"))
    raise HistoryError(f"history column value {value!r}: give a dict or JSON text")


_NUMBERS: Final = (
    "probability",
    "probability_low",
    "probability_high",
    "points",
    "rubric_total",
)


def _point_table(rows: pd.DataFrame) -> dict[str, list[Any]]:
    """`rows` as the store's columns (those given), Python values, None for NULL.

    Column-wise numpy, not row-wise Python: this is most of an append's time.
    """
    out: dict[str, list[Any]] = {}
    for name in POINT_COLUMNS:
        if name not in rows:
            continue
        values = rows[name]
        if name in _JSON_COLUMNS and not _all_text(values):
            out[name] = [_json(v) for v in values.tolist()]
        elif name in _TIME_COLUMNS:
            out[name] = _times(values)
        elif name in _NUMBERS:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(np.float64)
            column = numbers.astype(object)
            column[np.isnan(numbers)] = None
            out[name] = column.tolist()
        elif name == "gate_passed":
            flags = values.to_numpy(dtype=object)
            missing = pd.isna(flags)
            column = flags.astype(bool).astype(object)
            column[missing] = None
            out[name] = column.tolist()
        else:
            text = values.to_numpy(dtype=object)
            missing = pd.isna(text)
            column = text.astype(str).astype(object)
            column[missing | (column == "")] = None
            out[name] = column.tolist()
    out["lead_id"] = rows["lead_id"].astype(str).tolist()
    return out


def _all_text(values: pd.Series) -> bool:
    """Already JSON text (a batch output's column), or empty."""
    sample = values.dropna()
    return bool(len(sample) == 0 or isinstance(sample.iloc[0], str))


def _times(values: pd.Series) -> list[Any]:
    """Times as SQLAlchemy's SQLite text; each distinct time formatted once."""
    stamps = pd.to_datetime(values)
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)
    codes, uniques = pd.factorize(stamps.astype("datetime64[us]"))
    texts = np.array([*pd.DatetimeIndex(uniques).strftime(_SQLITE_TIME), None])
    return texts.astype(object)[codes].tolist()  # code -1 (NaT) takes the last: None


def _decoded(frame: pd.DataFrame) -> pd.DataFrame:
    """JSON columns as dicts ({} where NULL)."""
    for name in _JSON_COLUMNS:
        frame[name] = [json.loads(v) if v else {} for v in frame[name].tolist()]
    return frame
