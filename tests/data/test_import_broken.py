"""Broken and unusual exports: each one imports, or fails with one line that guides.

A table of the exports a sales-ops team actually produces (wrong delimiter, cp932
declared as UTF-8, no date, a numeric id as the time, a constant export date, …).
Every case runs `readiness import` and asserts what a user sees: success where the
input is valid but unusual, otherwise an error whose first line names what, where
and the fix — never a traceback. Some cases run the real command in a subprocess
on a fresh directory. The list "kind → first line" is docs/broken-exports.md;
regenerate it with `python tests/data/test_import_broken.py` after changing a message.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from clean_env import scrubbed_env
from click.testing import CliRunner

from readiness.cli import main
from readiness.data.cells import parse_datetimes
from readiness.data.load import load_dataset

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
DOC = ROOT / "docs" / "broken-exports.md"

MAPPING = """\
id: {column: id}
time: {column: created}
leads:
  company_name: company
  industry: sector
  region: {constant: Tokyo}
  lead_source: {column: channel, values: {web: inquiry, cold: outbound}}
handoffs:
  is_rep: {constant: team}
outcomes:
  meeting_held: {constant: true}
  won: {column: result, values: {"yes": true, "no": false}}
  amount: amount
extra_lead_columns:
  visits: {column: visits, kind: numeric}
leak_columns: [talk_seconds]
"""

HEADER = ["id", "company", "sector", "channel", "created", "visits", "amount",
          "talk_seconds", "result"]  # fmt: skip
ROWS = [
    [
        "1001",
        "山田製作所",
        "製造業",
        "web",
        "2024-05-01 10:00:00",
        "4",
        "1200000",
        "120",
        "yes",
    ],
    ["1002", "佐藤商事", "卸売", "cold", "2024-05-02 11:30:00", "0", "", "30", "no"],
    [
        "1003",
        "鈴木工業",
        "製造業",
        "web",
        "2024-05-03 09:15:00",
        "2",
        "800000",
        "200",
        "yes",
    ],
    ["1004", "田中物流", "物流", "cold", "2024-05-07 14:00:00", "1", "", "10", "no"],
    ["1005", "高橋電機", "製造業", "web", "2024-05-08 16:45:00", "7", "", "60", "no"],
]


def csv_text(
    rows: list[list[str]] | None = None,
    *,
    header: list[str] | None = None,
    sep: str = ",",
    col: str | None = None,
    values: list[str] | None = None,
) -> str:
    """The base export, optionally with one column's values replaced."""
    head = list(header or HEADER)
    body = [list(r) for r in (rows or ROWS)]
    if col is not None and values is not None:
        i = HEADER.index(col)
        for r, v in zip(body, values, strict=True):
            r[i] = v
    return "\n".join(sep.join(r) for r in [head, *body]) + "\n"


def mapping(*replacements: tuple[str, str]) -> str:
    text = MAPPING
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Case:
    """One kind of export; `ok` or the substrings the first error line holds."""

    kind: str
    export: bytes
    mapping: str = MAPPING
    ok: bool = False
    first_line: tuple[str, ...] = ()
    suffix: str = ".csv"
    subprocess: bool = False
    check: Callable[[Path], None] | None = field(default=None, compare=False)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _with(col: str, values: list[str]) -> bytes:
    """The base export as UTF-8 with one column's values replaced."""
    return _utf8(csv_text(col=col, values=values))


def _time_order(kind: str) -> Callable[[Path], None]:
    def check(out: Path) -> None:
        order = json.loads((out / "import.json").read_text("utf-8"))["time_order"]
        assert order["kind"] == kind, order
        assert set(order) == {"kind", "column", "note"}

    return check


def _times(expected: list[str]) -> Callable[[Path], None]:
    def check(out: Path) -> None:
        got = load_dataset(out).handoffs["tossed_up_at"].tolist()
        assert got == [pd.Timestamp(t) for t in expected], got

    return check


def _constant_keeps_export_order(out: Path) -> None:
    _time_order("constant")(out)
    times = load_dataset(out).handoffs["tossed_up_at"]
    assert times.is_monotonic_increasing and times.is_unique
    assert (times.dt.floor("s") == pd.Timestamp("2024-06-01")).all()


def _order_follows_the_column(out: Path) -> None:
    _time_order("order")(out)
    d = load_dataset(out)
    order = d.handoffs.sort_values("tossed_up_at")["lead_id"].tolist()
    assert order == ["1004", "1001", "1005", "1003", "1002"]


NS = [
    "2024-05-01 10:00:00.123456789",
    "2024-05-02 11:30:00.000000001",
    "2024-05-03 09:15:00.5",
    "2024-05-07 14:00:00",
    "2024-05-08 16:45:00.999999999",
]
JAPANESE = [
    "令和6年5月1日",
    "2024年5月2日 11:30",
    "2024/5/3 9:15",
    "2024/5/7(火)",
    "平成31年4月30日 午後3:05",
]
SERIALS = ["45413", "45414.5", "45415", "45419", "45420"]

DELIM_COMMA = ("id: {", 'source: {delimiter: ","}\nid: {')
ENC_UTF8 = ("id: {", "source: {encoding: utf-8}\nid: {")
ENC_SJIS = ("id: {", "source: {encoding: shift_jis}\nid: {")
NO_TIME = ("time: {column: created}\n", "")
EXCEL = ("time: {column: created}", "time: {column: created, format: excel}")
DEFAULT = ("industry: sector", 'industry: {column: sector, default: "不明"}')
BLANK_KEY = ("cold: outbound}", 'cold: outbound, "": outbound}')
WON_PLAIN = ('won: {column: result, values: {"yes": true, "no": false}}', "won: result")
LEAK = (
    "kind: numeric}\n",
    "kind: numeric}\n  talk: {column: talk_seconds, kind: numeric}\n",
)
SECTORS = ["製造業", "", "製造業", "", "物流"]
OFFSETS = [
    "2024-05-01T10:00:00+09:00",
    "2024-05-02T02:30:00Z",
    "2024-05-03 09:15:00",
    "2024-05-07T05:00:00Z",
    "2024-05-08T16:45:00+09:00",
]
DAY_FIRST = ["01/05/2024", "02/05/2024", "13/05/2024", "14/05/2024", "15/05/2024"]
FUTURE = ["2031-05-01", "2031-05-02", "2031-05-03", "2031-05-07", "2031-05-08"]
NO_DATE = csv_text(
    header=[*HEADER[:4], "stage", *HEADER[5:]],
    col="created",
    values=["A", "B", "A", "C", "B"],
)
IDS_660737 = ["660737", "660738", "660739", "660740", "660741"]

CASES = [
    Case("a clean export (the baseline)", _utf8(csv_text()), ok=True,
         subprocess=True, check=_time_order("time")),
    Case("semicolon-delimited, no delimiter declared (sniffed)",
         _utf8(csv_text(sep=";")), ok=True),
    Case("tab-delimited, no delimiter declared (sniffed)",
         _utf8(csv_text(sep="\t")), ok=True),
    Case("semicolon-delimited file, mapping says delimiter ','",
         _utf8(csv_text(sep=";")), mapping=mapping(DELIM_COMMA),
         first_line=("source.delimiter: ','", "';'", "set source.delimiter"),
         subprocess=True),
    Case("cp932 (Japanese Excel) file, no encoding declared",
         csv_text().encode("cp932"), ok=True),
    Case("cp932 file, mapping says encoding utf-8", csv_text().encode("cp932"),
         mapping=mapping(ENC_UTF8), subprocess=True,
         first_line=("looks like cp932", "set source.encoding: cp932")),
    Case("UTF-8 file, mapping says encoding shift_jis", _utf8(csv_text()),
         mapping=mapping(ENC_SJIS),
         first_line=("looks like UTF-8", "set source.encoding: utf-8")),
    Case("UTF-8 with a BOM (Excel 'CSV UTF-8')", b"\xef\xbb\xbf" + _utf8(csv_text()),
         mapping=mapping(ENC_UTF8), ok=True),
    Case("UTF-16 text (Excel 'Unicode text')", csv_text().encode("utf-16"),
         first_line=("UTF-16", "fix: save it as 'CSV UTF-8'")),
    Case("an Excel workbook saved with a .csv name", b"PK\x03\x04" + b"\x00" * 200,
         first_line=("Excel workbook", "fix: save it as CSV")),
    Case("named .csv.gz but not gzip-compressed (read as text)", _utf8(csv_text()),
         suffix=".csv.gz", ok=True),
    Case("a damaged (truncated) gzip file", gzip.compress(_utf8(csv_text()))[:40],
         suffix=".csv.gz", first_line=("damaged gzip", "fix:")),
    Case("gzip-compressed without a .gz name", gzip.compress(_utf8(csv_text())),
         ok=True),
    Case("empty file", b"", first_line=("is empty", "fix: export the data again")),
    Case("header only, no data rows", _utf8(",".join(HEADER) + "\n"),
         first_line=("no data rows", "fix:"), subprocess=True),
    Case("ragged rows (an unquoted comma in a company name)",
         _utf8(csv_text().replace("佐藤商事", "佐藤商事,本社")),
         first_line=("line 3", "10 cells where the header has 9", "fix: quote")),
    Case("a trailing delimiter on every line (empty unnamed column)",
         _utf8(csv_text().replace("\n", ",\n")), ok=True),
    Case("a column with values but no name in the header",
         _utf8(csv_text(header=[*HEADER[:-1], ""])),
         first_line=("column 9 has no name but holds values", "fix: give it a name")),
    Case("a column name twice in the header",
         _utf8(csv_text(header=[*HEADER[:-1], "visits"])),
         first_line=("'visits' appears more than once", "fix: rename")),
    Case("no date column in the export, none mapped", _utf8(NO_DATE),
         mapping=mapping(NO_TIME),
         first_line=("no time: section", "no export column holds dates", "order: id")),
    Case("a date column in the export, but no time: in the mapping",
         _utf8(csv_text()), mapping=mapping(NO_TIME), subprocess=True,
         first_line=("no time: section", "{column: created}", "{order: id}")),
    Case("a numeric id mapped as the time", _with("id", IDS_660737),
         mapping=mapping(("time: {column: created}", "time: {column: id}")),
         first_line=("numbers, not dates", "'660737'", "time: {order: id}"),
         subprocess=True),
    Case("no date, a sequence number declared as the order (order:)",
         _with("visits", ["20", "40", "30", "10", "25"]),
         mapping=mapping(("time: {column: created}", "time: {order: visits}")),
         ok=True, subprocess=True, check=_order_follows_the_column),
    Case("one export date in every row (constant time)",
         _with("created", ["2024-06-01"] * 5), ok=True, subprocess=True,
         check=_constant_keeps_export_order),
    Case("9-digit fractional seconds (pandas to_csv)", _with("created", NS), ok=True,
         check=_times(["2024-05-01 10:00:00.123456", "2024-05-02 11:30:00",
                       "2024-05-03 09:15:00.5", "2024-05-07 14:00:00",
                       "2024-05-08 16:45:00.999999"])),
    Case("mixed time zones (+09:00, Z and naive)", _with("created", OFFSETS), ok=True,
         check=_times(["2024-05-01 10:00", "2024-05-02 11:30", "2024-05-03 09:15",
                       "2024-05-07 14:00", "2024-05-08 16:45"])),
    Case("Japanese dates (令和, 年月日, 2024/5/3 9:15, (火), 午後3:05)",
         _with("created", JAPANESE), ok=True,
         check=_times(["2024-05-01", "2024-05-02 11:30", "2024-05-03 09:15",
                       "2024-05-07", "2019-04-30 15:05"])),
    Case("Excel serial dates without format:", _with("created", SERIALS),
         first_line=("numbers, not dates", "2024-05-01", "format: excel")),
    Case("Excel serial dates with format: excel", _with("created", SERIALS),
         mapping=mapping(EXCEL), ok=True,
         check=_times(["2024-05-01", "2024-05-02 12:00", "2024-05-03",
                       "2024-05-07", "2024-05-08"])),
    Case("day-first dates without format: (13/05/2024)", _with("created", DAY_FIRST),
         first_line=("unreadable dates", "'01/05/2024'", 'set format: "%d/%m/%Y"')),
    Case("a blank time cell",
         _with("created", ["2024-05-01", "", "2024-05-03", "2024-05-07", "2024-05-08"]),
         first_line=("time ← export column 'created'", "no time", "fix:")),
    Case("future dates (2031)", _with("created", FUTURE), ok=True),
    Case("blank cells in a required category (industry)", _with("sector", SECTORS),
         first_line=("leads.industry ← export column 'sector'", "2 rows", "default:"),
         subprocess=True),
    Case("blank required category with default: 不明", _with("sector", SECTORS),
         mapping=mapping(DEFAULT), ok=True),
    Case('blank cells mapped with "" in a value map',
         _with("channel", ["web", "", "cold", "", "web"]),
         mapping=mapping(BLANK_KEY), ok=True),
    Case("a value outside the value map",
         _with("channel", ["web", "partner", "cold", "web", "web"]),
         first_line=("leads.lead_source ← export column 'channel'", "'partner'",
                     "fix: add them under leads.lead_source.values")),
    Case("won as Yes / yes / 1 / true / No (no value map)",
         _with("result", ["Yes", "yes", "1", "true", "No"]),
         mapping=mapping(WON_PLAIN), ok=True),
    Case("won as Yes / YES / No against a lower-case value map",
         _with("result", ["Yes", "YES", "no", "No", "no"]), ok=True),
    Case("duplicate lead ids", _with("id", ["1001", "1002", "1002", "1004", "1005"]),
         first_line=("lead_id", "export column 'id'", "more than once", "fix:")),
    Case("a negative amount", _with("amount", ["1200000", "", "-800000", "", ""]),
         first_line=("outcomes.amount", "negative number", "fix:")),
    Case("a leak column used as a feature", _utf8(csv_text()), mapping=mapping(LEAK),
         first_line=("'talk_seconds'", "leak column", "fix:")),
    Case("a mapped column missing, with a near-miss name",
         _utf8(csv_text(header=[*HEADER[:5], "visit", *HEADER[6:]])),
         first_line=("export column 'visits'", "is not in the export",
                     "did you mean 'visit'?"), subprocess=True),
    Case("a misspelt mapping key (colum:)", _utf8(csv_text()),
         mapping=mapping(("company_name: company", "company_name: {colum: company}")),
         first_line=("colum", "is not a mapping key", "did you mean column?")),
    Case("an unsupported encoding declared (latin-1)", _utf8(csv_text()),
         mapping=mapping(("id: {", "source: {encoding: latin-1}\nid: {")),
         first_line=("source: encoding 'latin-1' is not supported", "fix: use utf-8")),
]  # fmt: skip


def _write(case: Case, where: Path) -> list[str]:
    export = f"export{case.suffix}"
    (where / export).write_bytes(case.export)
    (where / "map.yaml").write_text(case.mapping, encoding="utf-8")
    return ["import", "--mapping", "map.yaml", export, "--out", "data"]


def first_line(case: Case, where: Path) -> tuple[bool, str]:
    """Run `readiness import` in-process in `where`: (ok, the line a user reads)."""
    args = _write(case, where)
    cwd = Path.cwd()
    os.chdir(where)
    try:
        run = CliRunner().invoke(main, args)
    finally:
        os.chdir(cwd)
    if run.exception is not None and not isinstance(run.exception, SystemExit):
        raise AssertionError(f"{case.kind}: crashed") from run.exception
    assert "Traceback" not in run.output, run.output
    lines = run.output.strip().splitlines()
    if run.exit_code == 0:  # the import's own warning, else how it read the time
        shown = [ln for ln in lines if ln.startswith("warning time")]
        shown += [ln for ln in lines if ln.startswith("time: ")]
        return True, shown[0]
    assert lines[0].startswith("Error: "), run.output
    return False, lines[0].removeprefix("Error: ")


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_a_broken_export_fails_with_one_guiding_line_or_imports(
    case: Case, tmp_path: Path
) -> None:
    ok, line = first_line(case, tmp_path)
    assert ok == case.ok, line
    if ok:
        assert (tmp_path / "data" / "import.json").exists()
        if case.check is not None:
            case.check(tmp_path / "data")
        return
    assert "fix" in line, line
    for part in case.first_line:
        assert part in line, (part, line)
    assert not (tmp_path / "data").exists(), "a refused import writes nothing"


SUBPROCESS = [c for c in CASES if c.subprocess]


@pytest.mark.e2e  # the real command in a subprocess
@pytest.mark.parametrize("case", SUBPROCESS, ids=[c.kind for c in SUBPROCESS])
def test_the_real_command_in_a_subprocess_agrees(case: Case, tmp_path: Path) -> None:
    args = _write(case, tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", "from readiness.cli import main; main()", *args],
        cwd=tmp_path,
        env=scrubbed_env(PYTHONPATH=str(SRC)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert (run.returncode == 0) == case.ok, run.stderr
    if case.ok:
        assert "export rows →" in run.stdout
        if case.check is not None:
            case.check(tmp_path / "data")
    else:
        first = run.stderr.splitlines()[0]
        for part in case.first_line:
            assert part in first, (part, first)


def test_nanosecond_timestamps_read_in_every_command_that_reads_a_directory() -> None:
    # validate / train / score-batch read CSV tables through parse_datetimes
    parsed = parse_datetimes(pd.Series(NS, dtype="str"))
    assert str(parsed.dtype) == "datetime64[us]" and parsed.notna().all()
    assert parsed.iloc[0] == pd.Timestamp("2024-05-01 10:00:00.123456")


def test_validate_reads_a_csv_directory_with_nanosecond_timestamps(
    tmp_path: Path,
) -> None:
    frame = pd.DataFrame(
        {
            "lead_id": ["a", "b"],
            "company_name": ["A社", "B社"],
            "industry": ["製造業", "物流"],
            "region": ["Tokyo", "Osaka"],
            "lead_source": ["inquiry", "outbound"],
            "created_at": pd.to_datetime(NS[:2]),
        }
    )
    frame.to_csv(tmp_path / "leads.csv", index=False)  # pandas writes 9 digits
    assert ".123456789" in (tmp_path / "leads.csv").read_text("utf-8")
    run = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert run.exit_code == 0, run.output
    assert run.exception is None or isinstance(run.exception, SystemExit)


def render_doc(work: Path) -> str:
    """docs/broken-exports.md: each kind of export and the line a user reads."""
    lines = [
        "# Broken exports and what `readiness import` says",
        "",
        "Generated by `python tests/data/test_import_broken.py` from its cases",
        "(which also check that this file is current).",
        "Each row is one kind of export; the second column is the first line the",
        "command prints: `Error: …` (exit 1, nothing written) or, where the export",
        "is valid but unusual, the import's first warning or its summary (exit 0).",
        "",
        "| kind of export | first line |",
        "|---|---|",
    ]
    for i, case in enumerate(CASES):
        where = work / f"case{i:02d}"
        where.mkdir()
        ok, line = first_line(case, where)
        shown = (("ok — " if ok else "Error: ") + line).replace("|", "\\|")
        lines.append(f"| {case.kind} | {shown} |")
    return "\n".join(lines) + "\n"


def test_docs_list_every_broken_export_with_its_first_line(tmp_path: Path) -> None:
    expected = render_doc(tmp_path)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "run `python tests/data/test_import_broken.py` and commit "
        "docs/broken-exports.md"
    )


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        DOC.write_text(render_doc(Path(tmp)), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
