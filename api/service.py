"""Request models → `readiness.scoring.score` inputs, and its answers back.

The only logic here is shaping: the contract checks and the scoring itself are
`lead_dataset` and `score_points`, the same functions the CLI and batch use.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import pandas as pd
from pydantic import ValidationError

from api.errors import validation_items
from api.schemas import ScoreIn, TimingIn
from readiness.clock import now_tokyo
from readiness.data.contract import Dataset
from readiness.data.files import ExtraKind
from readiness.data.single import SingleLead
from readiness.features.build import EXTRA_PREFIX, sanitize_name
from readiness.model.bundle import Bundle
from readiness.rubric.config import Rubric
from readiness.scoring.lead import extra_attribute_kinds, lead_dataset, single_lead
from readiness.scoring.results import LeadScore
from readiness.scoring.score import ScoringInputError, score_lead, score_points
from readiness.scoring.timing import recommend
from readiness.scoring.timing_model import TimingModel

_PATH = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.*)$", re.DOTALL)


def _split(problem: str) -> tuple[str, str]:
    match = _PATH.match(problem)
    return (match.group(1), match.group(2)) if match else ("", problem)


def problem_items(
    exc: ScoringInputError, *, prefix: tuple[str | int, ...] = ("body",)
) -> list[dict[str, Any]]:
    """The library's problems (`lead.employees: why; fix`) as error items."""
    items = []
    for problem, problem_ja in zip(exc.problems, exc.problems_ja, strict=True):
        path, msg = _split(problem)
        loc: list[str | int] = list(prefix)
        for part in filter(None, re.split(r"[.\[\]]", path)):
            loc.append(int(part) if part.isdigit() else part)
        # a problem only a Python caller can make has no Japanese: the English kept
        msg_ja = (
            _split(problem_ja)[1]
            if problem_ja is not None
            else f"この値では採点できません（{msg}）"
        )
        items.append(
            {"loc": loc, "msg_en": msg, "msg_ja": msg_ja, "type": "scoring_input"}
        )
    return items


# Lead fields the model reads as categories (the feature has the field's name).
_CATEGORY_FIELDS: Final = ("industry", "region", "lead_source", "contact_role")


def _known_categories(bundle: Bundle) -> dict[str, list[str]]:
    """The categories the served model learned, per feature (none for the rubric,
    which reads no category). A value outside them is scored as missing."""
    matrix = getattr(bundle.estimator, "matrix_", None)
    categories = getattr(matrix, "categories", None) or {}
    return {str(k): [str(v) for v in cats] for k, cats in categories.items()}


def input_warnings(
    item: TimingIn, *, as_of: datetime, bundle: Bundle, lead: Mapping[str, Any]
) -> list[str]:
    """What is odd about a request the model still scores: a moment before the
    lead existed, events after the moment (not counted), category values the
    model never saw in training (scored as unknown), one warning each.

    `lead` is the request's lead as typed by the contract (`_single`, or the first
    row of `_dataset`): category values are compared as the model reads them
    (trimmed, numbers as text)."""
    out = []
    created = item.lead.created_at
    if created is not None and as_of < created:
        out.append(
            f"as_of ({as_of:%Y-%m-%d %H:%M}) is before the lead was created "
            f"({created:%Y-%m-%d %H:%M}): the lead is scored as it was before it "
            "existed; check as_of and lead.created_at"
        )
    later = [i for i, e in enumerate(item.events) if e.timestamp >= as_of]
    if later:
        shown = ", ".join(f"events[{i}]" for i in later[:5])
        out.append(
            f"{len(later)} event(s) at or after as_of ({as_of:%Y-%m-%d %H:%M}) are "
            f"not counted ({shown}{', …' if len(later) > 5 else ''}); score as of a "
            "later moment to count them"
        )
    known = _known_categories(bundle)
    # (path, column of the typed lead, feature): the lead's categories, then the
    # attributes the model learned as categories
    fields = [(f"lead.{f}", f, f) for f in _CATEGORY_FIELDS]
    fields += [
        (f"lead.attributes.{raw}", raw, EXTRA_PREFIX + sanitize_name(raw))
        for raw in item.lead.attributes or {}
    ]
    for path, column, feature in fields:
        value = lead.get(column)
        cats = known.get(feature)
        if cats is None or value is None or pd.isna(value) or str(value) in cats:
            continue
        listed = ", ".join(cats[:12]) + (", …" if len(cats) > 12 else "")
        out.append(
            f"{path} {str(value)!r} was never seen in training: scored as unknown "
            f"(values the model knows: {listed})"
        )
    return out


def _memo_text(memo: str | dict[str, Any] | None) -> str | None:
    # The parser reads a JSON object given as text, so an object memo is sent on as
    # its JSON: one reading path for text and objects.
    if isinstance(memo, dict):
        return json.dumps(memo, ensure_ascii=False)
    return memo


def _request(
    item: TimingIn, lead_id: str | None, bundle: Bundle
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, ExtraKind]]:
    lead = item.lead.model_dump(exclude_none=True)
    if lead_id is not None:
        lead["lead_id"] = lead_id
    events = [e.model_dump(exclude_none=True) for e in item.events]
    kinds = extra_attribute_kinds(lead.get("attributes") or {}, bundle=bundle)
    return lead, events, kinds


def _dataset(
    item: TimingIn, *, lead_id: str | None, as_of: datetime, bundle: Bundle
) -> Dataset:
    lead, events, kinds = _request(item, lead_id, bundle)
    return lead_dataset(lead, events, as_of=as_of, extra_lead_columns=kinds)


def _single(item: TimingIn, *, as_of: datetime, bundle: Bundle) -> SingleLead:
    lead, events, kinds = _request(item, None, bundle)
    return single_lead(lead, events, as_of=as_of, extra_lead_columns=kinds)


def _first_lead(dataset: Dataset) -> dict[str, Any]:
    return {str(k): v for k, v in dataset.leads.iloc[0].items()}


def _rep(name: str | None) -> str | None:
    # A blank rep is an unknown rep (features treat blank as missing, and a blank
    # category makes pandas warn).
    return name.strip() or None if name is not None else None


def _point(item: TimingIn, lead_id: str, as_of: datetime) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "as_of": as_of,
        "memo": _memo_text(item.memo),
        "is_rep": _rep(item.is_rep),
        "fs_rep": _rep(item.fs_rep),
    }


def score_one(
    item: ScoreIn, *, bundle: Bundle, display_rubric: Rubric | None = None
) -> dict[str, Any]:
    """Score one lead; raises ScoringInputError for input the contract refuses."""
    as_of = item.as_of or now_tokyo()
    lead = _single(item, as_of=as_of, bundle=bundle)
    score = score_lead(
        lead,
        as_of=as_of,
        bundle=bundle,
        memo=_memo_text(item.memo),
        is_rep=_rep(item.is_rep),
        fs_rep=_rep(item.fs_rep),
        explain=item.explain,
        display_rubric=display_rubric,
    )
    out = score.to_dict()
    out["warnings"] = [
        *input_warnings(item, as_of=as_of, bundle=bundle, lead=lead.lead),
        *out["warnings"],
    ]
    return out


def _merge(datasets: list[Dataset]) -> Dataset:
    first = datasets[0]
    return dataclasses.replace(
        first,
        leads=pd.concat([d.leads for d in datasets], ignore_index=True),
        events=pd.concat([d.events for d in datasets], ignore_index=True),
    )


def score_batch(
    items: list[ScoreIn | dict[str, Any]],
    *,
    bundle: Bundle,
    display_rubric: Rubric | None = None,
) -> dict:
    """Score every lead that validates in one `score_points` call; report the rest.

    Each lead gets an internal id while scored together, so two leads with the
    same (or no) id never mix their events; its own id is put back after.
    """
    results: list[dict[str, Any]] = [{"index": i} for i in range(len(items))]
    datasets, points, flags, owners, own_ids = [], [], [], [], []
    notes: list[list[str]] = []
    now = now_tokyo()
    for i, raw in enumerate(items):
        try:
            item = raw if isinstance(raw, ScoreIn) else ScoreIn.model_validate(raw)
        except ValidationError as exc:
            results[i]["errors"] = validation_items(
                exc.errors(), prefix=("body", "leads", i)
            )
            continue
        own_id = item.lead.lead_id
        results[i]["lead_id"] = own_id
        as_of = item.as_of or now
        internal = f"batch-{i}"
        try:
            dataset = _dataset(item, lead_id=internal, as_of=as_of, bundle=bundle)
        except ScoringInputError as exc:
            results[i]["errors"] = problem_items(exc, prefix=("body", "leads", i))
            continue
        datasets.append(dataset)
        points.append(_point(item, internal, as_of))
        first = _first_lead(dataset)
        notes.append(input_warnings(item, as_of=as_of, bundle=bundle, lead=first))
        flags.append(item.explain)
        owners.append(i)
        own_ids.append(own_id or "lead")
    if datasets:
        scores: list[LeadScore] = score_points(
            _merge(datasets),
            pd.DataFrame(points),
            bundle=bundle,
            explain=flags,
            display_rubric=display_rubric,
        )
        for i, own_id, note, score in zip(owners, own_ids, notes, scores, strict=True):
            out = dataclasses.replace(score, lead_id=own_id).to_dict()
            out["warnings"] = [*note, *out["warnings"]]
            results[i]["score"] = out
    return {
        "scored": len(owners),
        "failed": len(items) - len(owners),
        "results": results,
    }


# --- timing ------------------------------------------------------------------------


def timing_one(
    item: TimingIn, *, bundle: Bundle, timing: TimingModel, warn: bool = True
) -> dict:
    """Advise on one lead; raises ScoringInputError for input the contract refuses.

    `warn=False` leaves out the input's warnings (a score carrying this advice
    has them already)."""
    as_of = item.as_of or now_tokyo()
    dataset = _dataset(item, lead_id=None, as_of=as_of, bundle=bundle)
    lead_id = str(dataset.leads["lead_id"].iloc[0])
    points = pd.DataFrame([_point(item, lead_id, as_of)])
    (advice,) = recommend(dataset, points, bundle=bundle, timing=timing)
    out = advice.to_dict()
    if warn:
        out["warnings"] = [
            *input_warnings(
                item, as_of=as_of, bundle=bundle, lead=_first_lead(dataset)
            ),
            *out["warnings"],
        ]
    return out
