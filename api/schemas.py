"""Request and response models of the HTTP API; their examples become the OpenAPI docs.

Inputs are checked here only for shape (types, enums, sizes); the contract rules a
lead must meet are the library's (`readiness.scoring.lead.lead_dataset`), so the
CLI, the batch path and the API agree on what a valid lead is.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    create_model,
)
from pydantic_core import PydanticCustomError

from readiness.clock import TOKYO
from readiness.data.contract import CONTACT_ROLES, EVENT_TYPES, LEAD_SOURCES
from readiness.scoring.results import LeadScore, TimingAdvice

MAX_EVENTS: Final = 20_000
MAX_MEMO_CHARS: Final = 100_000
MAX_BATCH: Final = 1_000
MAX_SHORT: Final = 1_000


def _no_surrogates(value: str) -> str:
    # JSON may carry lone UTF-16 surrogates ("\ud800"); they cannot be encoded as
    # UTF-8 later, so refuse them here as bad input rather than fail at output.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            "text contains an invalid character (lone surrogate)"
        ) from None
    return value


def _not_blank(value: str) -> str:
    # the contract reads a blank value as missing, so a required one is refused
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank (only spaces)")
    return value


def _tokyo_naive(value: datetime) -> datetime:
    """Contract timestamps are naive Asia/Tokyo: convert offsets, keep naive as is."""
    if value.tzinfo is not None:
        value = value.astimezone(TOKYO).replace(tzinfo=None)
    if not 1900 <= value.year <= 2200:
        raise ValueError("date is outside 1900-2200")
    return value


def _memo_size(value: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(value, ensure_ascii=False, default=str)
    _no_surrogates(text)
    if len(text) > MAX_MEMO_CHARS:
        # the same error as a too-long text memo: one unit (characters) for both
        raise PydanticCustomError(
            "string_too_long",
            "String should have at most {max_length} characters (the object as JSON)",
            {"max_length": MAX_MEMO_CHARS},
        )
    return value


def _memo_kind(value: Any) -> str | None:
    # Which shape to check a memo against, so a wrong memo gets one error (the
    # shape it was meant as) instead of one per shape of the union.
    if isinstance(value, str):
        return "text"
    return "object" if isinstance(value, dict) else None


# Constraints first, then the surrogate check: a constraint after a validator is a
# generic one whose errors count "items" instead of characters.
Short = Annotated[
    str, StringConstraints(max_length=MAX_SHORT), AfterValidator(_no_surrogates)
]
# Required text the contract refuses when empty: refused here, with the same errors.
Filled = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SHORT),
    AfterValidator(_no_surrogates),
    AfterValidator(_not_blank),
]
Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_no_surrogates),
    AfterValidator(_not_blank),
]
Timestamp = Annotated[datetime, AfterValidator(_tokyo_naive)]
MemoText = Annotated[
    str, StringConstraints(max_length=MAX_MEMO_CHARS), AfterValidator(_no_surrogates)
]
MemoObject = Annotated[dict[str, Any], AfterValidator(_memo_size)]
Memo = (
    Annotated[
        Annotated[MemoText, Tag("text")] | Annotated[MemoObject, Tag("object")],
        Discriminator(
            _memo_kind,
            custom_error_type="memo_type",
            custom_error_message="Input should be text or a JSON object",
        ),
    ]
    | None
)

ContactRole = Literal[CONTACT_ROLES]  # type: ignore[valid-type]
LeadSource = Literal[LEAD_SOURCES]  # type: ignore[valid-type]
EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]

EXAMPLE_MEMO: Final = """【顧客基本情報】
・企業名：株式会社山田製作所
・担当者名/役職：田中 一郎 / 情報システム部 部長
・連絡先(電話・メール)：03-0000-0000 / tanaka@example.com
・企業規模(従業員数・売上)：従業員450名・売上120億円
【接点履歴】
・初回接点日：2026/9/12
・接点回数：4回
・主な接点内容(概要)：ホワイトペーパーDL→ウェビナー参加→オンラインヒアリング2回
【課題・ニーズ】
・顧客が抱える課題：請求書処理を経理担当5名がExcelと紙で行っており、月末に月200時間の残業が発生
・課題の背景・原因：取引先が3年で1.5倍に増えたため、手入力と二重チェックが追いつかない
・解決後に期待する状態：請求書処理の工数を半減し、月次決算を5営業日短縮したい
【BANT情報】
・Budget(予算)：年間300〜500万円（今期予算で確保済み）
・Authority(決裁者・プロセス)：山田社長が最終決裁。部長起案→経営会議で稟議
・Need(緊急度・優先度)：高（インボイス対応のため今期中に必須）
・Timeline(検討・導入スケジュール)：12月中に選定、2027年4月稼働希望
【競合・検討状況】
・比較検討中の競合：楽楽精算、マネーフォワード クラウド経費
・自社への印象・懸念点：UIは好評。既存の勘定奉行との連携可否を懸念。他社との違いを詳しく知りたいとのこと
【商談設定内容】
・商談日時：11月5日(木) 14:00〜15:00
・商談形式(訪問・オンライン)：訪問（本社会議室）
・顧客側参加者：3名（情報システム部長、経理課長、担当者）
・商談で期待される内容：勘定奉行連携のデモ、費用感、導入スケジュール
【特記事項・注意点】
・社長は数字重視。ROI試算を持参のこと
"""

EXAMPLE_LEAD: Final[dict[str, Any]] = {
    "lead_id": "L-2026-00412",
    "company_name": "株式会社山田製作所",
    "industry": "製造業",
    "employees": 450,
    "annual_revenue": 12000.0,
    "region": "東京都",
    "contact_title": "情報システム部 部長",
    "contact_role": "decision_maker",
    "lead_source": "download",
    "created_at": "2026-09-12T10:24:00+09:00",
}

EXAMPLE_EVENTS: Final[list[dict[str, Any]]] = [
    {
        "timestamp": "2026-09-12T10:24:00+09:00",
        "type": "document_download",
        "detail": "請求書電子化ガイド",
    },
    {"timestamp": "2026-09-20T09:05:00+09:00", "type": "email_open", "detail": None},
    {
        "timestamp": "2026-09-20T09:07:00+09:00",
        "type": "email_click",
        "detail": "ウェビナー案内",
    },
    {
        "timestamp": "2026-10-02T15:00:00+09:00",
        "type": "seminar_attendance",
        "detail": "インボイス制度対応セミナー",
    },
    {"timestamp": "2026-10-08T11:30:00+09:00", "type": "is_call", "detail": None},
    {
        "timestamp": "2026-10-09T16:10:00+09:00",
        "type": "is_call_connected",
        "detail": "課題ヒアリング",
    },
    {
        "timestamp": "2026-10-21T21:14:00+09:00",
        "type": "web_visit",
        "detail": "pricing",
    },
    {
        "timestamp": "2026-10-22T08:40:00+09:00",
        "type": "web_visit",
        "detail": "case_study",
    },
    {
        "timestamp": "2026-10-28T14:00:00+09:00",
        "type": "online_hearing",
        "detail": "BANT確認",
    },
]

EXAMPLE_SCORE_IN: Final[dict[str, Any]] = {
    "lead": EXAMPLE_LEAD,
    "events": EXAMPLE_EVENTS,
    "memo": EXAMPLE_MEMO,
    "as_of": "2026-10-30T18:00:00+09:00",
    "is_rep": "IS-佐藤",
    "fs_rep": "FS-鈴木",
    "explain": True,
}


class LeadIn(BaseModel):
    """The lead's attributes, as in the `leads` table of the data contract."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [EXAMPLE_LEAD]}
    )

    lead_id: Id | None = Field(None, description="Your id of the lead.")
    company_name: Filled = Field(description="Company name, e.g. 株式会社山田製作所.")
    industry: Filled = Field(description="Industry, free values (e.g. 製造業).")
    employees: int | None = Field(None, ge=0, le=10_000_000)
    annual_revenue: float | None = Field(
        None,
        ge=0,
        le=1e12,
        allow_inf_nan=False,
        description="Annual revenue, million JPY (百万円).",
    )
    region: Filled = Field(description="Region or prefecture of the company.")
    contact_title: Short | None = None
    contact_role: ContactRole | None = None
    lead_source: LeadSource
    created_at: Timestamp | None = Field(
        None,
        description="When the lead was first captured (an offset is converted to "
        "Asia/Tokyo; no offset means Tokyo time); default: the first event.",
    )
    attributes: dict[Short, str | float | bool | None] | None = Field(
        None,
        max_length=200,
        description="Extra lead columns the model was trained with (the "
        "`extra_lead_columns` of an import mapping, by their names), e.g. "
        '{"age": 41, "job": "technician"}; one left out is scored as unknown.',
    )


class EventIn(BaseModel):
    """One marketing or inside-sales touch of the lead."""

    model_config = ConfigDict(extra="forbid")

    timestamp: Timestamp
    type: EventType
    detail: Short | None = Field(
        None,
        description="Page category of a web_visit (pricing, case_study, product, "
        "blog, other); else document name, seminar title or a note.",
    )


class TimingIn(BaseModel):
    """One lead not yet tossed up: attributes, touches, and IS's memo draft so far."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{k: v for k, v in EXAMPLE_SCORE_IN.items() if k != "explain"}]
        },
    )

    lead: LeadIn
    events: list[EventIn] = Field(default_factory=list, max_length=MAX_EVENTS)
    memo: Memo = Field(
        None,
        description="IS's memo draft so far (template text, free text or a JSON "
        "object). Absent means nothing written yet.",
    )
    as_of: Timestamp | None = Field(
        None, description="The moment to advise for; default: now (Asia/Tokyo)."
    )
    is_rep: Short | None = Field(None, description="Inside-sales rep.")
    fs_rep: Short | None = Field(None, description="Field-sales rep.")


class ScoreIn(TimingIn):
    """One lead to score: attributes, touches and the hand-off memo."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [EXAMPLE_SCORE_IN]}
    )

    # the same point as TimingIn, read as a hand-off rather than a draft
    memo: Memo = Field(
        None,
        description="The hand-off memo: template text (【顧客基本情報】…), free text, "
        "or a JSON object of fields. Empty or absent means no memo yet.",
    )
    as_of: Timestamp | None = Field(
        None, description="The moment to score at; default: now (Asia/Tokyo)."
    )
    explain: bool = Field(
        True, description="Return factors and missing elements (slower)."
    )
    timing: bool = Field(
        False,
        description="Also advise when to toss up (for a lead not yet handed off), "
        "as POST /v1/timing does; needs the timing model saved by `readiness train`. "
        "Ignored in /v1/score/batch.",
    )


class BatchIn(BaseModel):
    """Up to 1,000 leads; each is validated on its own, so one bad lead fails alone."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "leads": [
                        EXAMPLE_SCORE_IN,
                        {**EXAMPLE_SCORE_IN, "memo": None, "explain": False},
                    ]
                }
            ]
        },
    )

    # Items that do not validate as ScoreIn are kept as raw objects and reported
    # per index instead of failing the whole batch.
    leads: list[
        Annotated[ScoreIn | dict[str, Any], Field(union_mode="left_to_right")]
    ] = Field(min_length=1, max_length=MAX_BATCH)


# --- responses ---------------------------------------------------------------------


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(default_factory=list)
    msg_en: str
    msg_ja: str
    type: str = "error"


class ErrorOut(BaseModel):
    """Every error answer: what is wrong, where, in English and Japanese."""

    detail: list[ErrorItem]


class GateFailure(BaseModel):
    ja: str
    en: str


class Reason(BaseModel):
    ja: str
    en: str


def _response_model(
    result: type, name: str, doc: str, wire: dict[str, Any]
) -> type[BaseModel]:
    """A response model with the fields of a library result, in its order.

    Types, defaults and descriptions come from the result (`readiness.scoring.
    results`); `wire` gives the JSON form where it differs from the Python one
    (times as ISO text, (ja, en) pairs as objects) and adds API-only fields.
    """
    hints = typing.get_type_hints(result, include_extras=True)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        default = ... if f.default is dataclasses.MISSING else f.default
        fields[f.name] = (wire.get(f.name, hints[f.name]), default)
    fields.update({k: v for k, v in wire.items() if k not in fields})
    model: type[BaseModel] = create_model(name, __doc__=doc, **fields)
    return model


if TYPE_CHECKING:
    ScoreOut = BaseModel
    TimingOut = BaseModel
else:
    TimingOut = _response_model(
        TimingAdvice,
        "TimingOut",
        "Toss up now, keep nurturing (and what to collect next) or at risk, and why.",
        {
            "as_of": str,
            "action": Literal["toss_up_now", "keep_nurturing", "at_risk"],
            "reasons": list[Reason],
        },
    )
    ScoreOut = _response_model(
        LeadScore,
        "ScoreOut",
        "The win probability of the toss-up, why, and what to collect first.",
        {
            "as_of": str,
            "gate_failures": list[GateFailure],
            "timing": (
                TimingOut | None,
                Field(
                    None, description="When to toss up, if asked with `timing: true`."
                ),
            ),
        },
    )


class BatchItemOut(BaseModel):
    index: int
    lead_id: str | None = None
    score: ScoreOut | None = None
    errors: list[ErrorItem] | None = None


class BatchOut(BaseModel):
    scored: int
    failed: int
    results: list[BatchItemOut]


class CandidateOut(BaseModel):
    """One candidate's figures on the validation slice and the verdict on it."""

    log_loss: float | None = None
    brier: float | None = None
    roc_auc: float | None = None
    eligible: bool
    verdict: str


class ModelOut(BaseModel):
    name: str
    version: str | None
    alias: str | None
    served: str = Field(description="model (a learned predictor) or rubric.")
    predictor: str = Field(
        description="The served candidate: rubric, logistic, lightgbm or "
        "lightgbm_linear."
    )
    reason: str | None = Field(None, description="Why this candidate is served.")
    candidates: dict[str, CandidateOut] = Field(
        default_factory=dict,
        description="Every candidate's validation figures (the constant is the "
        "base-rate reference).",
    )
    skipped: dict[str, str] = Field(
        default_factory=dict,
        description="Parts that could not be learned from the data, and why.",
    )
    trained_at: str | None
    metrics: dict[str, float | None]
    features: int
    source: str
    loaded_at: str


class ReloadOut(BaseModel):
    reloaded: bool
    message_en: str
    message_ja: str
    model: ModelOut | None


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    """A model is loaded; `GET /v1/model` (behind the key) describes it."""

    status: Literal["ready"]
