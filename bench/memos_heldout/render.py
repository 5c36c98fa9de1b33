"""The field writers by key, and the one call the habits use."""

from __future__ import annotations

from collections.abc import Callable

from bench.memos_heldout.fields_deal import (
    attendees,
    authority,
    budget,
    competitors,
    expected_content,
    impression,
    meeting_datetime,
    meeting_format,
    need,
    notes,
    timeline,
)
from bench.memos_heldout.fields_profile import (
    cause,
    company,
    company_size,
    contact,
    contact_info,
    desired_state,
    first_contact,
    problem,
    touch_count,
    touch_summary,
)
from bench.memos_heldout.phrasing import Ctx

RENDER: dict[str, Callable[[Ctx, str, str], str]] = {
    "company": company,
    "contact": contact,
    "contact_info": contact_info,
    "company_size": company_size,
    "first_contact": first_contact,
    "touch_count": touch_count,
    "touch_summary": touch_summary,
    "problem": problem,
    "cause": cause,
    "desired_state": desired_state,
    "budget": budget,
    "authority": authority,
    "need": need,
    "timeline": timeline,
    "competitors": competitors,
    "impression": impression,
    "meeting_datetime": meeting_datetime,
    "meeting_format": meeting_format,
    "attendees": attendees,
    "expected_content": expected_content,
    "notes": notes,
}


def render(c: Ctx, key: str, mode: str) -> str | None:
    """The field's text in this register, or None when the field is empty."""
    st = c.labels[key]
    if st == "empty":
        return None
    if key in c.frags:
        raise ValueError(f"{key} rendered twice")
    text = RENDER[key](c, st, mode)
    c.frags[key] = text
    return text


# Words that make a value a hedge; a confirmed fragment must contain none.
