"""The alert rules file: what fires, for which leads, and where it goes.

A pydantic model read from YAML and validated on load. A bad file is one
`AlertRulesError` listing every problem at once, each with its line, the key and
the fix, in Japanese and English (the rules are written by sales operations, not
only by engineers). docs/alerts.md describes the format.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from readiness.errors import ReadinessError

__all__ = [
    "KINDS",
    "STATUSES",
    "AlertRules",
    "AlertRulesError",
    "Destination",
    "Rule",
    "Where",
    "kind_problem",
    "load_alert_rules",
    "rules_from_yaml",
]

Kind = Literal["crosses", "drop", "at_risk", "gate_fails"]
KINDS: Final = ("crosses", "drop", "at_risk", "gate_fails")
STATUSES: Final = ("open", "handed_off", "closed")
_DOC: Final = "docs/alerts.md"


class AlertRulesError(ReadinessError, ValueError):
    """The alert rules file cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str], *, where: str) -> None:
        self.problems = problems
        self.where = where
        head = (
            f"アラート規則ファイルに {len(problems)} 件の問題 / "
            f"{len(problems)} problem(s) in the alert rules {where}:"
        )
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in problems))


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
            f"{_DOC} for each kind's keys)"
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


# --- reading the file, every problem at once -----------------------------------------

_JA: Final = {
    "missing": "必要なキーがありません",
    "extra_forbidden": "知らないキーです",
    "literal_error": "使えない値です",
    "greater_than": "値が小さすぎます",
    "greater_than_equal": "値が小さすぎます",
    "less_than": "値が大きすぎます",
    "less_than_equal": "値が大きすぎます",
    "too_short": "空です",
    "string_too_short": "空です",
    "float_parsing": "数値ではありません",
    "int_parsing": "整数ではありません",
}


def _problem(err: Mapping[str, Any], lines: Mapping[tuple[Any, ...], int]) -> str:
    loc = tuple(err["loc"])
    where = _loc_text(loc)
    line = _line_for(loc, lines)
    at = f"line {line}, " if line else ""
    kind = err["type"]
    ja = _JA.get(kind, "値が正しくありません")
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return f"{at}{where}: {ja} / required key is missing — fix: add {loc[-1]}:"
    if kind == "extra_forbidden":
        parent = _loc_text(loc[:-1]) or "the top level"
        guess = difflib.get_close_matches(str(loc[-1]), _KEYS, n=1)
        hint = f"did you mean {guess[0]}? " if guess else ""
        return (
            f"{at}{where}: {ja} / unknown key in {parent} — fix: {hint}remove it or "
            f"fix its spelling (keys: see {_DOC})"
        )
    if " — fix: " in msg:
        return f"{at}{where}: {ja} / {msg}"
    return f"{at}{where}: {ja} / {msg} — fix: see {_DOC}"


_KEYS: Final = sorted(
    {*AlertRules.model_fields, *Rule.model_fields, *Where.model_fields}
    | set(Destination.model_fields)
)


def _loc_text(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def _line_for(loc: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]) -> int | None:
    """The line of the deepest key of `loc` the YAML has (a missing key: its parent)."""
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _node_lines(
    node: yaml.Node, path: tuple[Any, ...] = ()
) -> dict[tuple[Any, ...], int]:
    """1-based line of each key path of a composed YAML document."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            lines.update(_node_lines(value, sub))
            lines[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            lines.update(_node_lines(value, (*path, i)))
    return lines


def _unchecked(
    data: Mapping[str, Any], err: ValidationError, lines: Mapping[tuple[Any, ...], int]
) -> list[str]:
    """The kind checks pydantic skipped for rules with other errors: every
    problem of the file in one report, not one round per fix."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return []
    broken = {
        int(e["loc"][1])
        for e in err.errors()
        if e["loc"][:1] == ("rules",) and len(e["loc"]) > 2
    }
    found = []
    for i in sorted(broken):
        rule = rules[i] if isinstance(rules[i], Mapping) else {}
        kind = rule.get("kind")
        problem = kind_problem(kind, rule) if kind in KINDS else None
        if problem:
            found.append(_problem(_error(("rules", i), problem), lines))
    if any(e["loc"][:1] == ("rules",) for e in err.errors()):
        # a rule failed, so the file-level checks did not run either
        found += [_problem(_error(loc, msg), lines) for loc, msg in _file_checks(data)]
    return found


def _file_checks(data: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Unique names and a destination for each rule, on the raw mapping."""
    rules = [r for r in data.get("rules") or [] if isinstance(r, Mapping)]
    names = [str(r["name"]) for r in rules if r.get("name")]
    twice = sorted({n for n in names if names.count(n) > 1})
    found: list[tuple[tuple[Any, ...], str]] = []
    if twice:
        msg = f"rule name {twice[0]!r} is used twice — fix: give each its own name"
        found.append(((), msg))
    lacking = "no destination — fix: add destination: to the rule, or a default "
    lacking += "destination: at the top of the file"
    if data.get("destination") is None:
        found += [
            (("rules", i), lacking)
            for i, r in enumerate(data.get("rules") or [])
            if isinstance(r, Mapping) and r.get("destination") is None
        ]
    return found


def _error(loc: tuple[Any, ...], msg: str) -> dict[str, Any]:
    return {"loc": loc, "type": "value_error", "msg": msg}


def _by_line(problem: str) -> int:
    head = problem.removeprefix("line ").split(",", 1)[0]
    return int(head) if head.isdigit() else 0


def rules_from_yaml(text: str, *, source: str = "YAML text") -> AlertRules:
    """Parse and validate a rules file's text; every problem in one AlertRulesError."""
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise AlertRulesError(
            [
                f"{at}YAML として読めません / not valid YAML — fix: check the "
                "indentation (spaces) and the colons"
            ],
            where=source,
        ) from None
    if not isinstance(data, Mapping):
        raise AlertRulesError(
            [
                "ファイルがキーの対応表になっていません / the file is not a mapping — "
                f"fix: start with rules: (see the example in {_DOC})"
            ],
            where=source,
        )
    try:
        return AlertRules.model_validate(data)
    except ValidationError as err:
        lines = _node_lines(node) if node is not None else {}
        problems = [_problem(e, lines) for e in err.errors()]
        problems += _unchecked(data, err, lines)
        problems.sort(key=_by_line)  # stable: pydantic's order within a line
        raise AlertRulesError(problems, where=source) from None


def load_alert_rules(path: Path) -> AlertRules:
    """The rules in a YAML file, file destinations resolved beside it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AlertRulesError(
            [
                "ファイルがありません / file not found — fix: check the --alerts path "
                "(or READINESS_ALERTS)"
            ],
            where=str(path),
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise AlertRulesError(
            [f"読めません / cannot be read ({err}) — fix: save it as UTF-8"],
            where=str(path),
        ) from None
    return rules_from_yaml(text, source=str(path)).resolved(path.parent.resolve())
