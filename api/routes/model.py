"""The served model: describe it, and reload it without a restart (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.deps import Data, Holder, Model
from api.routes import documented, v1_router
from api.schemas import ErrorOut, ModelOut, ReloadOut
from api.security import require_admin_key
from api.state import TRAIN_HINT_EN, TRAIN_HINT_JA

router = v1_router(503)
admin = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin_key)],
    responses={
        **documented(401),
        403: {"model": ErrorOut, "description": "no API key configured"},
    },
)


@router.get("/model", tags=["model"])
def model_info(model: Model) -> ModelOut:
    """The served model: name, registry version and alias, metrics, features."""
    return ModelOut(**model.describe())


@admin.post("/reload", response_model=ReloadOut, responses={503: {"model": ReloadOut}})
def reload(holder: Holder, data: Data) -> JSONResponse:
    """Reload the model without a restart; on failure the old model keeps serving.

    The page's lead data (READINESS_DATA_DIR) is read again on next use."""
    ok, error = holder.load()
    data.forget()
    current = holder.current
    described = None if current is None else ModelOut(**current.describe())
    if ok:
        out = ReloadOut(
            reloaded=True,
            message_en=f"reloaded from {current.source if current else '?'}",
            message_ja="モデルを再読み込みしました",
            model=described,
        )
        return JSONResponse(out.model_dump(mode="json"))
    keeping_en = (
        f"still serving the previous model (loaded {current.loaded_at})"
        if current
        else "no model is being served"
    )
    keeping_ja = (
        f"以前のモデル（{current.loaded_at} 読み込み）で提供を続けています"
        if current
        else "提供中のモデルはありません"
    )
    out = ReloadOut(
        reloaded=False,
        message_en=f"reload failed: {error}; {keeping_en}. {TRAIN_HINT_EN}",
        message_ja=f"再読み込みに失敗しました（{error}）。{keeping_ja}。{TRAIN_HINT_JA}",
        model=described,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=503)
