"""The routes' dependencies: settings, the served model, the timing model, the
compute gate, the page's lead data and the score history, each as an
`Annotated` type.

They read what `create_app` put on `app.state` once (settings are computed once
per app); a route never touches the raw request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from api.errors import error_detail
from api.gate import FairGate
from api.state import (
    TRAIN_HINT_EN,
    TRAIN_HINT_JA,
    DataHolder,
    HistoryHolder,
    ModelHolder,
)
from readiness.scoring.timing_model import TimingModel
from readiness.settings import Settings
from readiness.workflows.served import ServedModel


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def model_holder(request: Request) -> ModelHolder:
    holder: ModelHolder = request.app.state.model
    return holder


def compute_gate(request: Request) -> FairGate:
    gate: FairGate = request.app.state.compute
    return gate


def lead_data(request: Request) -> DataHolder:
    holder: DataHolder = request.app.state.data
    return holder


def history_holder(request: Request) -> HistoryHolder:
    holder: HistoryHolder = request.app.state.history
    return holder


AppSettings = Annotated[Settings, Depends(app_settings)]
History = Annotated[HistoryHolder, Depends(history_holder)]
Holder = Annotated[ModelHolder, Depends(model_holder)]
Compute = Annotated[FairGate, Depends(compute_gate)]
Data = Annotated[DataHolder, Depends(lead_data)]


def current_model(holder: Holder) -> ServedModel:
    """The served model (503 with how to train one)."""
    loaded = holder.current
    if loaded is None:
        why = holder.error or "the model has not been loaded yet"
        raise HTTPException(
            status_code=503,
            detail=error_detail(
                f"no model is loaded ({why}). {TRAIN_HINT_EN} Then restart or "
                "POST /v1/admin/reload.",
                f"モデルが読み込まれていません（{why}）。{TRAIN_HINT_JA}"
                "その後、再起動するか POST /v1/admin/reload を呼んでください。",
                "no_model",
            ),
        )
    return loaded


Model = Annotated[ServedModel, Depends(current_model)]


def current_timing(model: Model, settings: AppSettings) -> TimingModel:
    """The timing model loaded with the served model (503 with how to make one)."""
    if model.timing is None:
        raise HTTPException(
            status_code=503,
            detail=error_detail(
                f"no timing model is loaded ({model.timing_error}). Then restart "
                "or POST /v1/admin/reload.",
                "タイミングモデルが読み込まれていません。`readiness timing DATA_DIR` "
                f"で過去データから学習してください（{settings.model_dir}）。"
                "その後、再起動するか POST /v1/admin/reload を呼んでください。",
                "no_timing_model",
            ),
        )
    return model.timing


Timing = Annotated[TimingModel, Depends(current_timing)]
