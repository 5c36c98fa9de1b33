"""Error answers in one shape: `{"detail": [{"loc", "msg_en", "msg_ja", "type"}]}`.

Validation errors name the field path and say what is wrong in English and
Japanese; nothing of the input value is echoed (it may be memo text or contact
data). A JSON 500 is the last resort for a bug, logged without the request body.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("api")

_DATETIME_JA = "日時として読めません（例: 2026-11-03T10:00:00+09:00）"
_JA: dict[str, str] = {
    "missing": "必須項目がありません",
    "extra_forbidden": "この項目は使えません（名前の綴りを確認してください）",
    "string_type": "文字列を指定してください",
    "string_too_long": "長すぎます（最大 {max_length} 文字）",
    "blank": "空白だけにはできません",
    "string_too_short": "短すぎます（最低 {min_length} 文字）",
    "too_long": "件数が多すぎます（最大 {max_length} 件）",
    "too_short": "件数が足りません（最低 {min_length} 件）",
    "int_type": "整数を指定してください",
    "int_parsing": "整数を指定してください",
    "int_from_float": "小数ではなく整数を指定してください",
    "float_type": "数値を指定してください",
    "float_parsing": "数値を指定してください",
    "finite_number": "数値ではありません（NaN や Infinity は使えません）。"
    "項目を省くか null を送ってください",
    "bool_type": "true か false を指定してください",
    "bool_parsing": "true か false を指定してください",
    "greater_than": "{gt} より大きい値を指定してください",
    "less_than": "{lt} より小さい値を指定してください",
    "string_pattern_mismatch": "形式が正しくありません（{pattern}）",
    "greater_than_equal": "{ge} 以上を指定してください",
    "less_than_equal": "{le} 以下を指定してください",
    "literal_error": "次のいずれかを指定してください: {expected}",
    "enum": "次のいずれかを指定してください: {expected}",
    "datetime_type": "日時を指定してください（例: 2026-11-03T10:00:00+09:00）",
    "datetime_parsing": _DATETIME_JA,
    "datetime_from_date_parsing": _DATETIME_JA,
    "datetime_object_invalid": "存在しない日時です",
    "model_type": "オブジェクト（JSON の {{…}}）を指定してください",
    "model_attributes_type": "オブジェクト（JSON の {{…}}）を指定してください",
    "dict_type": "オブジェクト（JSON の {{…}}）を指定してください",
    "memo_type": "文字列かオブジェクト（JSON の {{…}}）を指定してください",
    "list_type": "配列（JSON の […]）を指定してください",
    "json_invalid": "JSON として読めません",
    "json_type": "JSON として読めません",
    "union_tag_invalid": "形式が正しくありません",
    "value_error": "値が正しくありません: {reason}",
}

_JA_REASONS: dict[str, str] = {
    "text contains an invalid character (lone surrogate)": (
        "使えない文字が含まれています"
    ),
    "date is outside 1900-2200": "1900〜2200 年の日付を指定してください",
}


# English messages clearer than pydantic's, by error type.
_EN: dict[str, str] = {
    "finite_number": "not a number (NaN and Infinity are not allowed); leave the "
    "field out or send null",
}

# The shapes of a memo (text or JSON object): pydantic puts the one checked into the
# path; people only need the field.
_UNION_TAGS: dict[str, frozenset[str]] = {"memo": frozenset({"text", "object"})}


def error_detail(msg_en: str, msg_ja: str, kind: str) -> list[dict[str, Any]]:
    """One error item with no field path: the `detail` of a 401, 403, 404, 503..."""
    return [{"loc": [], "msg_en": msg_en, "msg_ja": msg_ja, "type": kind}]


def _text(value: Any) -> str:
    # Never fail on output: escape anything UTF-8 cannot carry.
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _loc(loc: Sequence[Any]) -> list[str | int]:
    out: list[str | int] = []
    for v in loc:
        if out and isinstance(v, str) and v in _UNION_TAGS.get(str(out[-1]), ()):
            continue
        out.append(v if isinstance(v, int) else _text(v))
    return out


def message_ja(kind: str, ctx: Mapping[str, Any] | None, msg_en: str) -> str:
    """The Japanese message of a pydantic error type; English kept when unknown."""
    ctx = dict(ctx or {})
    if kind == "value_error":
        reason = _text(ctx.get("error", msg_en)).removeprefix("Value error, ")
        if reason in _JA_REASONS:
            return _JA_REASONS[reason]
        return f"値が正しくありません: {reason}"
    template = _JA.get(kind)
    if template is None:
        return f"入力が正しくありません（{msg_en}）"
    try:
        return template.format(**{k: _text(v) for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return f"入力が正しくありません（{msg_en}）"


def validation_items(
    errors: Sequence[Mapping[str, Any]], *, prefix: Sequence[str | int] = ()
) -> list[dict[str, Any]]:
    """pydantic errors → error items, without echoing the input."""
    items = []
    for err in errors:
        kind = str(err.get("type", "value_error"))
        msg_en = _EN.get(kind) or _text(err.get("msg", "invalid value"))
        items.append(
            {
                "loc": [*prefix, *_loc(err.get("loc", ()))],
                "msg_en": msg_en,
                "msg_ja": message_ja(kind, err.get("ctx"), msg_en),
                "type": kind,
            }
        )
    return items


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = validation_items(exc.errors())
    log.info("%s %s: 422 (%d problems)", request.method, request.url.path, len(items))
    return JSONResponse({"detail": items}, status_code=422)


# Starlette's and FastAPI's own details → (English, Japanese, type).
_HTTP: dict[str, tuple[str, str, str]] = {
    "Not Found": ("Not Found", "そのパスはありません", "http_404"),
    "Method Not Allowed": (
        "Method Not Allowed",
        "そのメソッドは使えません",
        "http_405",
    ),
    # FastAPI's answer to a body it cannot decode: not UTF-8, or nested too deep
    "There was an error parsing the body": (
        "the body could not be read: send JSON encoded as UTF-8, not nested "
        "deeper than a lead needs",
        "リクエスト本文を読めません。UTF-8 の JSON を送ってください"
        "（入れ子が深すぎるものは読めません）",
        "unreadable_body",
    ),
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail: Any = exc.detail
    if not isinstance(detail, list):
        en = _text(detail)
        en, ja, kind = _HTTP.get(en, (en, en, f"http_{exc.status_code}"))
        detail = error_detail(en, ja, kind)
    return JSONResponse(
        {"detail": detail}, status_code=exc.status_code, headers=exc.headers
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback's frames, not the exception's message: it may quote input.
    log.error(
        "%s %s: unexpected %s\n%s",
        request.method,
        request.url.path,
        type(exc).__name__,
        "".join(traceback.format_tb(exc.__traceback__)),
    )
    return JSONResponse(
        {
            "detail": error_detail(
                "internal error; it was logged. Please report it with the time "
                "of the request",
                "内部エラーが発生しました（記録済み）。発生時刻を添えて報告してください",
                "internal",
            )
        },
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
