"""What the app holds between requests: the served model, the page's lead data
and the score history store.

Scoring reads one reference to an immutable `ServedModel`; a reload builds a new
one and replaces the reference only when loading succeeded, so requests in flight
keep the model they started with and a failed reload keeps the old model.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException

from api.errors import error_detail
from readiness.data.contract import Dataset
from readiness.data.findings import ContractError
from readiness.data.load import load_dataset
from readiness.history import HistoryStore, open_store
from readiness.model.bundle import BundleError
from readiness.settings import Settings
from readiness.workflows.history import absent_sqlite
from readiness.workflows.served import ServedModel, load_configured

log = logging.getLogger("api")

TRAIN_HINT_EN = "Train one with `readiness train DATA_DIR` (or `make run`)."
TRAIN_HINT_JA = "`readiness train DATA_DIR`（または `make run`）で学習してください。"


class ModelHolder:
    """The current model (or why there is none) and a lock for reloads."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.current: ServedModel | None = None
        self.error: str | None = None
        self._lock = threading.Lock()

    def load(self) -> tuple[bool, str | None]:
        """Try to (re)load; keep the old model on failure. (ok, error message)."""
        with self._lock:
            try:
                loaded = load_configured(self.settings)
            except (BundleError, OSError, ValueError) as exc:
                self.error = str(exc)
                log.warning("model not loaded: %s", type(exc).__name__)
                return False, self.error
            self.current = loaded
            self.error = None
            log.info(
                "model loaded from %s (served=%s, version=%s)",
                loaded.source,
                loaded.bundle.served,
                loaded.bundle.meta.get("registered_version"),
            )
            return True, None


@dataclass(frozen=True)
class LeadStatus:
    lead_id: str
    company_name: str | None
    industry: str | None
    status: str  # open | handed_off | won | lost


class DataHolder:
    """The data directory's tables, loaded on first use (thread-safe)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._dataset: Dataset | None = None
        self._leads: list[LeadStatus] = []

    def forget(self) -> None:
        with self._lock:
            self._dataset = None

    def get(self) -> tuple[Dataset, list[LeadStatus]]:
        with self._lock:
            if self._dataset is None:
                self._dataset = self._load()
                self._leads = lead_statuses(self._dataset)
            return self._dataset, self._leads

    def _load(self) -> Dataset:
        where = self.data_dir
        if not where.is_dir():
            raise _no_data(f"{where} is not a directory")
        try:
            return load_dataset(where)
        except ContractError as exc:
            raise _no_data(str(exc).splitlines()[0]) from None


def _no_data(why: str) -> HTTPException:
    return HTTPException(
        status_code=404,
        detail=error_detail(
            f"no lead data to pick from ({why}); set READINESS_DATA_DIR to a data "
            "directory (e.g. one made by `readiness simulate` or `readiness import`) "
            "— pasting a memo works without it",
            f"選べるリードのデータがありません（{why}）。READINESS_DATA_DIR にデータ"
            "ディレクトリを指定してください。メモの貼り付けはデータなしで使えます。",
            "no_data",
        ),
    )


def lead_statuses(dataset: Dataset) -> list[LeadStatus]:
    """Every lead with where it stands: open, handed off, won or lost."""
    leads = dataset.leads
    handed = set(dataset.handoffs["lead_id"].astype("str"))
    won = dict(
        zip(
            dataset.outcomes["lead_id"].astype("str"),
            dataset.outcomes["won"].astype(bool),
            strict=True,
        )
    )
    rows = []
    for lead_id, company, industry in zip(
        leads["lead_id"].astype("str"),
        leads["company_name"],
        leads["industry"],
        strict=True,
    ):
        status = "open"
        if lead_id in won:
            status = "won" if won[lead_id] else "lost"
        elif lead_id in handed:
            status = "handed_off"
        rows.append(
            LeadStatus(
                lead_id=lead_id,
                company_name=None if company is None else str(company),
                industry=None if industry is None else str(industry),
                status=status,
            )
        )
    return rows


class HistoryHolder:
    """The score history store, opened once on first use (READINESS_HISTORY_URL).

    Reading never creates a SQLite file that is not there yet; the first
    appended score (READINESS_HISTORY_API=1) does.
    """

    def __init__(self, settings: Settings) -> None:
        self.url = settings.resolved_history_url()
        self.append = settings.history_api and self.url is not None
        self._store: HistoryStore | None = None
        self._lock = threading.Lock()

    def store(self, *, create: bool) -> HistoryStore | None:
        """The open store; None when the history is off, or absent and not `create`."""
        if self.url is None:
            return None
        with self._lock:
            if self._store is None:
                if not create and absent_sqlite(self.url):
                    return None
                self._store = open_store(self.url)
            return self._store
