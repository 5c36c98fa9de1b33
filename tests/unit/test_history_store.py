"""The history store on real SQLite files: migrations, appends, previous points."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from readiness.errors import ReadinessError
from readiness.history import (
    HistoryError,
    head_revision,
    history_changes,
    open_store,
    previous_points,
)
from readiness.history.schema import metadata
from readiness.history.store import _alembic_config


def _rows(probabilities: list[float], **extra: object) -> pd.DataFrame:
    n = len(probabilities)
    return pd.DataFrame(
        {
            "lead_id": [f"L{i}" for i in range(n)],
            "as_of": pd.to_datetime(["2026-11-01 09:00"] * n),
            "probability": probabilities,
            "grade": ["B"] * n,
            "gate_passed": [True] * n,
            "status": ["open"] * n,
            **{k: [v] * n for k, v in extra.items()},
        }
    )


def test_a_new_store_is_created_at_the_head_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/deep/h.sqlite"
    with open_store(url) as store, store.engine.connect() as conn:
        version = conn.execute(sa.text("select version_num from alembic_version"))
        assert version.scalar() == head_revision()
        columns = {c["name"] for c in sa.inspect(conn).get_columns("points")}
    assert columns == {c.name for c in metadata.tables["points"].columns}


def test_a_store_at_revision_1_is_upgraded_and_keeps_its_points(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/h.sqlite"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(
            sa.text(
                "insert into runs (run_id, kind, started_at, n_rows) "
                "values ('old', 'batch', '2026-10-01 00:00:00.000000', 1)"
            )
        )
        conn.execute(
            sa.text(
                "insert into points (lead_id, run_seq, as_of, probability) "
                "values ('L0', 1, '2026-10-01 00:00:00.000000', 0.25)"
            )
        )
        cols = {c["name"] for c in sa.inspect(conn).get_columns("points")}
        assert "probability_low" not in cols
    engine.dispose()
    with open_store(url) as store:
        history = store.lead_history("L0")
        store.append_run(_rows([0.3], probability_low=0.2, probability_high=0.4))
        later = store.lead_history("L0")
    assert history["probability"].tolist() == [0.25]
    assert later["probability_low"].tolist()[-1] == pytest.approx(0.2)
    assert pd.isna(later["probability_low"].tolist()[0])


def test_a_store_of_a_newer_readiness_is_refused_in_both_languages(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/h.sqlite"
    open_store(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("update alembic_version set version_num = '9999'"))
    engine.dispose()
    with pytest.raises(HistoryError) as caught:
        open_store(url)
    message = str(caught.value)
    assert "9999" in message
    assert "readiness を更新" in message
    assert "upgrade readiness" in message
    assert isinstance(caught.value, ReadinessError)


@pytest.mark.parametrize(
    "url", ["not a url at all", "nosuchdialect://x/y", "sqlite:////proc/no/h.sqlite"]
)
def test_an_unusable_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(HistoryError, match="history"):
        open_store(url)


def test_appending_the_same_run_again_does_not_duplicate(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/h.sqlite") as store:
        store.append_run(_rows([0.1, 0.2]), run_id="night-1")
        store.append_run(_rows([0.1, 0.2, 0.3]), run_id="night-1")
        runs = store.runs()
        history = store.lead_history("L1")
    assert runs["run_id"].tolist() == ["night-1"]
    assert runs["n_rows"].tolist() == [3]
    assert len(history) == 1


def test_previous_points_are_the_latest_strictly_before_a_run(
    tmp_path: Path,
) -> None:
    with open_store(f"sqlite:///{tmp_path}/h.sqlite") as store:
        store.append_run(_rows([0.1, 0.2], timing_action="wait"), run_id="r1")
        store.append_run(_rows([0.5]), run_id="r2", model_version="7")
        store.append_run(_rows([0.9, 0.8]), run_id="r3")
        before_r3 = previous_points(store, None, "r3")
        before_r2 = previous_points(store, ["L0", "L1", "nobody"], "r2")
        latest = previous_points(store, ["L1"], None)
        not_yet = previous_points(store, None, "r4")
    assert before_r3[["lead_id", "run_id"]].values.tolist() == [
        ["L0", "r2"],
        ["L1", "r1"],
    ]
    assert before_r3["model_version"].tolist() == ["7", None]
    assert before_r3["timing_action"].tolist() == [None, "wait"]
    assert before_r2["probability"].tolist() == [0.1, 0.2]
    assert latest["run_id"].tolist() == ["r3"]
    assert not_yet["probability"].tolist() == [0.9, 0.8]
    wanted = {"lead_id", "run_id", "as_of", "probability", "grade", "gate_passed"}
    wanted |= {"status", "timing_action", "model_version"}
    assert wanted <= set(before_r3.columns)


def test_the_event_counts_and_memo_elements_come_back_as_dicts(
    tmp_path: Path,
) -> None:
    rows = _rows([0.4])
    rows["event_counts"] = [{"web_visit": 3, "seminar_attendance": 1}]
    rows["memo_elements"] = ['{"budget": "filled"}']
    with open_store(f"sqlite:///{tmp_path}/h.sqlite") as store:
        store.append_run(rows)
        got = store.lead_history("L0").iloc[0]
    assert got["event_counts"] == {"web_visit": 3, "seminar_attendance": 1}
    assert got["memo_elements"] == {"budget": "filled"}
    assert got["factors"] == {}


def test_a_model_change_between_runs_is_told_apart_in_the_lead_history(
    tmp_path: Path,
) -> None:
    same = {"web_visit": 2}
    with open_store(f"sqlite:///{tmp_path}/h.sqlite") as store:
        store.append_run(_rows([0.2], event_counts=same), model_version="v1")
        store.append_run(_rows([0.3], event_counts=same), model_version="v2")
        (change,) = history_changes(store.lead_history("L0"))
    assert change.model_changed and not change.data_changed
    assert (change.model_before, change.model_after) == ("v1", "v2")
    assert change.reasons[1][1].startswith("model changed from v1 to v2")
