"""The problems of a lead given as plain mappings, said in English and Japanese.

`lead_dataset` and `extra_attribute_kinds` collect each problem by its field path
as (English, Japanese) and raise them together (`refuse`); the API answers both,
the CLI and Python callers read the English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from readiness.data.contract import TABLES
from readiness.data.files import ExtraKind
from readiness.data.findings import Problem
from readiness.scoring.score import ScoringInputError

__all__ = ["Said", "contract_said", "refuse"]

# A problem as said to people: (English, Japanese), each "what is wrong; the fix".
Said = tuple[str, str]


def refuse(problems: Mapping[str, Said]) -> ScoringInputError:
    """One error with every problem, by field path, in English and Japanese."""
    return ScoringInputError(
        [f"{path}: {en}" for path, (en, _) in problems.items()],
        problems_ja=[f"{path}: {ja}" for path, (_, ja) in problems.items()],
    )


# The contract's problems a single lead can have, in Japanese ({column}, {allowed}).
_CONTRACT_JA: Final[Mapping[str, str]] = {
    "empty_id": "lead_id が空です。リードの id を指定するか、省いてください",
    "missing_value": "{column} がありません。必須の項目です",
    "missing_column": "必須の項目 {column} がありません",
    "not_integer": "整数ではありません。{column} は個数です",
    "negative_value": "負の数です。{column} は 0 以上です（不明なら省いてください）",
    "invalid_category": "使えない値です。次のいずれかを使ってください: {allowed}",
    "invalid_datetime": "日時として読めません。2026-11-03 10:00 や 2026/11/03 10:00"
    "（日本時間）のように書いてください",
}
_NUMBER_JA: Final = (
    "数値ではありません。120 や 1200.5 のように、単位なしの数値を送ってください"
)
_BOOLEAN_JA: Final = "真偽値ではありません。true か false を送ってください"
_EXTRA_SAID: Final[Mapping[str, tuple[str, str]]] = {
    "numeric": ("a number", "数値"),
    "boolean": ("a boolean", "真偽値（true か false）"),
}


def contract_said(p: Problem, extras: Mapping[str, ExtraKind]) -> Said:
    """A contract problem of the lead or its events, in English and Japanese."""
    column = p.column or ""
    kind = _EXTRA_SAID.get(str(extras.get(column)))
    if p.kind == "wrong_type" and kind is not None:
        # the contract's fix names the import mapping; a request has none
        en, ja = kind
        return (
            f"not {en}; the model learned {column} as {en}: send {en}",
            f"{ja}ではありません。モデルは {column} を{ja}として学習しました。"
            f"{ja}を送ってください",
        )
    hint = f"; {p.hint}" if p.hint else ""
    english = f"{p.message}{hint}"
    if p.kind == "wrong_type":
        # "not a number" or "not a boolean": the two kinds a cell can fail to be
        return english, _BOOLEAN_JA if "boolean" in p.message else _NUMBER_JA
    spec = TABLES.get(p.table or "")
    col = next((c for c in spec.columns if c.name == column), None) if spec else None
    allowed = ", ".join(col.allowed) if col is not None else ""
    template = _CONTRACT_JA.get(p.kind)
    if template is None:  # none a lead given as mappings can break; said generally
        return (
            english,
            f"データの決まりに合いません（{p.kind}）。項目の値を確認してください",
        )
    return english, template.format(column=column, allowed=allowed)
