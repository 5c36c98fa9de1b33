"""The alert rules: what fires, for which leads, and where it goes.

Pydantic models validated on load (`readiness.alerts.rules_file` reads the YAML
and reports every problem at once). docs/alerts.md describes the format.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

__all__ = [
    "DOC",
    "KINDS",
    "STATUSES",
    "AlertRules",
    "Destination",
    "Rule",
    "Where",
    "kind_problem",
]

Kind = Literal["crosses", "drop", "at_risk", "gate_fails"]
KINDS: Final = ("crosses", "drop", "at_risk", "gate_fails")
STATUSES: Final = ("open", "handed_off", "closed")
DOC: Final = "docs/alerts.md"  # where users read the format


_Strict = ConfigDict(extra="forbid", frozen=True)


def _as_list(value: Any) -> Any:
    """`status: open` and `status: [open, handed_off]` mean the same."""
    return [value] if isinstance(value, str) else value


class Where(BaseModel):
    """Which leads a rule looks at (all when empty), on the current point."""

    model_config = _Strict

    status: list[str] | None = None
    grade: list[str] | None = None
    min_probability: float | None = Field(None, ge=0, le=1)

    _one_or_many = field_validator("status", "grade", mode="before")(_as_list)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: list[str] | None) -> list[str] | None:
        unknown = [s for s in value or [] if s not in STATUSES]
        if unknown:
            raise ValueError(
                f"unknown status {unknown[0]!r} — fix: use {', '.join(STATUSES)}"
            )
        return value


class Destination(BaseModel):
    """Where an alert goes: a webhook URL (POST JSON) or a JSON-lines file."""

    model_config = _Strict

    webhook: str | None = None
    file: str | None = None
    timeout: float = Field(10.0, gt=0, le=120)  # seconds per request
    retries: int = Field(4, ge=0, le=10)  # after the first attempt
    backoff: float = Field(1.0, ge=0, le=60)  # first wait; doubles each retry

    @model_validator(mode="after")
    def _one_target(self) -> Destination:
        if (self.webhook is None) == (self.file is None):
            raise ValueError(
                "give exactly one of webhook: or file: — fix: e.g. "
                "destination: {webhook: https://hooks.slack.com/services/...} "
                "or destination: {file: alerts.jsonl}"
            )
        if self.webhook is not None and not self.webhook.startswith(
            ("http://", "https://")
        ):
            raise ValueError(
                f"webhook {self.webhook!r} is not an http(s) URL — fix: write the "
                "full URL, e.g. https://hooks.slack.com/services/..."
            )
        return self

    @property
    def target(self) -> str:
        """The URL or the file, as the outbox keys a destination."""
        return self.webhook or self.file or ""

    @property
    def shown(self) -> str:
        """The destination as the summary shows it: a webhook's scheme and host
        only, since its path is often the secret (Slack's /services/…)."""
        if self.webhook is None:
            return self.file or ""
        scheme, _, rest = self.webhook.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}/…"


class Rule(BaseModel):
    """One rule: its kind, the kind's parameters, filters and destination."""

    model_config = _Strict

    name: str = Field(min_length=1, max_length=100)
    kind: Kind
    probability: float | None = Field(None, gt=0, lt=1)  # crosses
    grade: str | None = Field(None, min_length=1)  # crosses
    direction: Literal["up", "down", "both", "becomes", "leaves"] | None = None
    points: float | None = Field(None, gt=0, le=100)  # drop, percentage points
    where: Where = Where()
    destination: Destination | None = None

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        if not name.isprintable():
            raise ValueError("name must be one printable line — fix: e.g. hot-leads")
        return name

    @model_validator(mode="after")
    def _parameters_of_kind(self) -> Rule:
        problem = kind_problem(self.kind, self.model_dump(exclude_none=True))
        if problem:
            raise ValueError(problem)
        return self

    @property
    def crossing(self) -> str:
        """The direction a crossing rule watches (its default when left out)."""
        if self.direction is not None:
            return self.direction
        return "up" if self.probability is not None else "becomes"


_PARAMETERS: Final = ("probability", "grade", "direction", "points")
_ALLOWED: Final[dict[str, set[str]]] = {
    "crosses": {"probability", "grade", "direction"},
    "drop": {"points"},
}


def kind_problem(kind: str, rule: Mapping[str, Any]) -> str | None:
    """What is wrong with a rule's parameters for its kind (None: nothing).

    Works on the raw mapping too, so a rule whose other keys are wrong still
    gets this check in the same report."""
    given = {k for k in _PARAMETERS if rule.get(k) is not None}
    extra = sorted(given - _ALLOWED.get(kind, set()))
    if extra:
        return (
            f"{', '.join(extra)} is not used by kind {kind} — fix: remove it (see "
            f"{DOC} for each kind's keys)"
        )
    if kind == "drop" and "points" not in given:
        return "kind drop needs points: — fix: e.g. points: 10 (percentage points)"
    if kind != "crosses":
        return None
    if ("probability" in given) == ("grade" in given):
        return (
            "kind crosses needs exactly one of probability: or grade: — fix: e.g. "
            "probability: 0.3, or grade: A"
        )
    fits = ("up", "down", "both") if "probability" in given else ("becomes", "leaves")
    direction = rule.get("direction")
    if direction is not None and direction not in fits:
        what = "probability" if "probability" in given else "grade"
        return (
            f"direction {direction} does not fit a {what} crossing — fix: use one "
            f"of {', '.join(fits)}"
        )
    return None


class AlertRules(BaseModel):
    """A validated rules file: the rules and a default destination."""

    model_config = _Strict

    version: Literal[1] = 1
    destination: Destination | None = None
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _names_and_destinations(self) -> AlertRules:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(
                    f"rule name {rule.name!r} is used twice — fix: give each rule its "
                    "own name (it is part of each alert's idempotency key)"
                )
            seen.add(rule.name)
        lacking = [r.name for r in self.rules if r.destination is None]
        if lacking and self.destination is None:
            raise ValueError(
                f"rule {lacking[0]!r} has no destination — fix: add destination: to "
                "the rule, or a default destination: at the top of the file"
            )
        return self

    def destination_of(self, rule: Rule) -> Destination:
        destination = rule.destination or self.destination
        assert destination is not None  # checked on load
        return destination

    def resolved(self, base: Path) -> AlertRules:
        """File destinations relative to `base` (the rules file's folder)."""

        def fix(d: Destination | None) -> Destination | None:
            if d is None or d.file is None or Path(d.file).is_absolute():
                return d
            return d.model_copy(update={"file": str((base / d.file).resolve())})

        rules = [
            r.model_copy(update={"destination": fix(r.destination)}) for r in self.rules
        ]
        return self.model_copy(
            update={"destination": fix(self.destination), "rules": rules}
        )
