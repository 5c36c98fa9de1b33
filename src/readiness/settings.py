"""Runtime settings from `READINESS_*` environment variables, in one cached place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where things live and how much of the machine to use.

    `tracking_uri` empty means: `MLFLOW_TRACKING_URI` if set, else an embedded
    sqlite store `mlflow.db` in `project_dir`.
    """

    model_config = SettingsConfigDict(env_prefix="READINESS_", extra="ignore")

    project_dir: Path = Path(".")
    model_dir: Path = Path("models/lead-readiness")
    # The adopted rubric (`readiness rubric adopt`): `active.yaml` and `history/`
    # here; without an active file the bundle's training rubric is shown.
    rubric_dir: Path = Path("models/rubric")
    # The data the web page picks leads from (`GET /v1/leads`); optional.
    data_dir: Path = Path("data/world")
    tracking_uri: str = ""
    n_jobs: int = 1
    # API: `model_uri` (e.g. models:/lead-readiness@champion) wins over `model_dir`;
    # `api_key` empty means /v1 routes are open (admin routes never are).
    model_uri: str = ""
    api_key: str = ""
    max_request_bytes: int = 1_000_000
    # scorings computed at once per API process (the rest wait their turn)
    compute_slots: int = Field(1, ge=1, le=64)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
