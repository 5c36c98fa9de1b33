"""Reading the alert rules file: every problem at once, with its line.

A bad file is one `AlertRulesError` listing each problem with its line, the key
and the fix, in Japanese and English (the rules are written by sales operations,
not only by engineers).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError

from readiness.alerts.rules import (
    DOC,
    KINDS,
    AlertRules,
    Destination,
    Rule,
    Where,
    kind_problem,
)
from readiness.errors import ReadinessError

__all__ = ["AlertRulesError", "load_alert_rules", "rules_from_yaml"]


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
            f"fix its spelling (keys: see {DOC})"
        )
    if " — fix: " in msg:
        return f"{at}{where}: {ja} / {msg}"
    return f"{at}{where}: {ja} / {msg} — fix: see {DOC}"


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
                f"fix: start with rules: (see the example in {DOC})"
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
