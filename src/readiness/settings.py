"""Runtime settings from the environment, in one cached place.

This is the only module that reads the environment: `READINESS_*` variables, and
MLflow's own `MLFLOW_TRACKING_URI` as the fallback tracking store.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where things live and how much of the machine to use.

    `tracking_uri` empty means: `MLFLOW_TRACKING_URI` if set, else an embedded
    sqlite store `mlflow.db` in `project_dir` (see `resolved_tracking_uri`).
    """

    model_config = SettingsConfigDict(
        env_prefix="READINESS_", extra="ignore", populate_by_name=True
    )

    project_dir: Path = Path(".")
    model_dir: Path = Path("models/lead-readiness")
    # The adopted rubric (`readiness rubric adopt`): `active.yaml` and `history/`
    # here; without an active file the bundle's training rubric is shown.
    rubric_dir: Path = Path("models/rubric")
    # The data the web page picks leads from (`GET /v1/leads`); optional.
    data_dir: Path = Path("data/world")
    tracking_uri: str = ""
    # MLflow's own variable: the store when READINESS_TRACKING_URI is not set.
    mlflow_tracking_uri: str = Field("", validation_alias="MLFLOW_TRACKING_URI")
    n_jobs: int = 1
    # Processes a command may use to read memos its cache lacks (train, timing,
    # score-batch; the API never does); 0: every core this process may use.
    workers: int = Field(0, ge=0)
    # `score-batch --engine spark`: the Spark master (local[*], spark://host:7077,
    # yarn, k8s://...); `--spark-master` wins.
    spark_master: str = "local[*]"
    # Where memo readings are kept between runs (features.memo_cache): empty, a
    # SQLite file beside the data (DATA_DIR/.readiness/memo_cache.sqlite); "off",
    # memory only; else this file.
    memo_cache: str = ""
    # The score history (readiness.history): any SQLAlchemy URL; empty, a SQLite
    # file beside the data (DATA_DIR/.readiness/history.sqlite); "off", none.
    history_url: str = ""
    # API: append each /v1/score answer to the history (opt-in; batch runs always do).
    history_api: bool = False
    # Days without activity after which a lead is dormant (recycled to marketing);
    # empty: what the timing model learned from the history.
    dormant_days: float | None = Field(None, ge=1)
    # Alert rules evaluated at the end of every `score-batch` (docs/alerts.md);
    # `--alerts` wins.
    alerts: Path | None = None

    @field_validator("alerts", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        """READINESS_ALERTS= (empty) means no rules, not the current folder."""
        return None if value == "" else value

    # API: `model_uri` (e.g. models:/lead-readiness@champion) wins over `model_dir`;
    # `api_key` empty means /v1 routes are open (admin routes never are).
    model_uri: str = ""
    api_key: str = ""
    max_request_bytes: int = 1_000_000
    # scorings computed at once per API process (the rest wait their turn)
    compute_slots: int = Field(1, ge=1, le=64)

    def resolved_tracking_uri(self, override: str | None = None) -> str:
        """The MLflow store to use: `override`, READINESS_TRACKING_URI,
        MLFLOW_TRACKING_URI, else an explicit sqlite file in `project_dir`.

        The explicit default matters: left unset, MLflow falls back to a
        `./mlruns` file store when one exists, and runs then fail.
        """
        if override or self.tracking_uri or self.mlflow_tracking_uri:
            return override or self.tracking_uri or self.mlflow_tracking_uri
        return f"sqlite:///{(Path(self.project_dir) / 'mlflow.db').resolve()}"

    def resolved_history_url(self, data_dir: Path | None = None) -> str | None:
        """The history store's URL: READINESS_HISTORY_URL, else a SQLite file in
        `data_dir/.readiness/` (default: `data_dir` of the settings); None: off.

        Beside the data, like the memo cache: the history is of these leads.
        """
        url = self.history_url.strip()
        if url.lower() == "off":
            return None
        if url:
            return url
        where = Path(data_dir if data_dir is not None else self.data_dir)
        return f"sqlite:///{(where / '.readiness' / 'history.sqlite').resolve()}"

    @property
    def artifact_dir(self) -> Path:
        """Where new MLflow experiments keep their artifacts."""
        return Path(self.project_dir) / "mlartifacts"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, where the OS tells)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # macOS, Windows
        return max(os.cpu_count() or 1, 1)
