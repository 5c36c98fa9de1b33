"""Table files on disk: finding, reading and writing them, and the value formats inside.

`readiness.data.contract` says what the tables mean; this module knows how they look in
files. CSV comes from CRM and MA exports, often saved by Japanese Excel in cp932, so
encodings are detected and dates, booleans and numbers are read in the spellings those
tools produce. Writes are atomic (no half-written table if a run dies) and
deterministic (a rebuilt data directory is byte-identical, so fingerprints are stable).
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from readiness.clock import TIMEZONE
from readiness.errors import ReadinessError

FileKind = Literal["csv", "parquet"]
ExtraKind = Literal["numeric", "category", "boolean"]
CsvEncoding = Literal["utf-8", "utf-8-sig", "cp932"]

DATETIME_DTYPE: Final = "datetime64[us]"
CONFIG_FILE: Final = "dataset.yaml"
FILE_SUFFIXES: Final[dict[FileKind, str]] = {"csv": ".csv", "parquet": ".parquet"}
_SUFFIXES: Final = tuple(FILE_SUFFIXES.values())

_ENCODING_ALIASES: Final[dict[str, str]] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
}

TRUE_WORDS: Final = ("true", "1", "yes", "y", "はい")
FALSE_WORDS: Final = ("false", "0", "no", "n", "いいえ")
_BOOL_WORDS: Final[dict[str, bool]] = {
    **dict.fromkeys(TRUE_WORDS, True),
    **dict.fromkeys(FALSE_WORDS, False),
}

# Tried in order on what is still unparsed. Japanese Excel writes `2026/11/3 9:05`;
# no day-first or month-first formats, because 03/11 is ambiguous.
DATETIME_FORMATS: Final = (
    "ISO8601",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H時%M分",
    "%Y年%m月%d日",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
    "%Y%m%d",
)
# Plain strings without \d or \s, so that pandas runs them in pyarrow (RE2) rather
# than row by row in Python: ~30x faster on a million timestamps.
_TZ_SUFFIX: Final = (
    r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)? ?(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
)
_EXCEL_SERIAL: Final = r"[0-9]{5}(?:\.[0-9]+)?"
_NUMBER: Final = r"[+-]?[0-9]+(?:\.[0-9]*)?"
# Year 1 of each era is the year before + 1: 令和元年 = 2019, 平成元年 = 1989.
_ERAS: Final[dict[str, int]] = {"令和": 2018, "平成": 1988, "昭和": 1925}
_ERA_YEAR: Final = r"(令和|平成|昭和) ?([0-9]{1,2}|元) ?年"
_WEEKDAY_IN_BRACKETS: Final = r" ?\((?:月|火|水|木|金|土|日)(?:曜日?)?\)"
_AM_PM: Final = r"(午前|午後) ?([0-9]{1,2})(:|時)"
_EXCEL_EPOCH: Final = pd.Timestamp("1899-12-30")
# cp932 decodes almost any byte soup; what comes out of binary data is full of control
# and private-use characters, which real exports hardly contain (a rare 外字 aside).
_NOT_TEXT: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")


class DataFileError(ReadinessError):
    """A file that cannot be read or written, with what to do about it."""

    def __init__(self, path: Path | str, message: str, hint: str = "") -> None:
        self.path = Path(path)
        self.message = message
        self.hint = hint
        super().__init__(f"{self.path}: {message}" + (f" ({hint})" if hint else ""))


class UnencodableError(DataFileError):
    """A CSV cell holds a character the target encoding cannot represent."""

    def __init__(
        self,
        path: Path | str,
        *,
        table: str,
        column: str,
        row: int,
        char: str,
        encoding: str,
        count: int,
    ) -> None:
        self.table, self.column, self.row, self.char = table, column, row, char
        more = f" ({count} cells in all)" if count > 1 else ""
        super().__init__(
            path,
            f"{table}.{column} row {row}: character {char!r} (U+{ord(char):04X}) "
            f"cannot be written in {encoding}{more}",
            "write UTF-8 instead (encoding='utf-8'), or replace the character "
            "(e.g. 〜 → ～, − → －, emoji → text)",
        )


class DatasetConfig(BaseModel):
    """`dataset.yaml`: the file encoding and the user's extra lead attribute columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    encoding: Literal["utf-8", "cp932"] | None = None
    extra_lead_columns: dict[str, ExtraKind] = {}

    @field_validator("encoding", mode="before")
    @classmethod
    def _known_encoding(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _ENCODING_ALIASES.get(value.strip().lower(), value)
        return value

    @field_validator("extra_lead_columns", mode="before")
    @classmethod
    def _kinds_lower_case(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, Mapping):
            return {
                str(k): v.strip().lower() if isinstance(v, str) else v
                for k, v in value.items()
            }
        return value


@dataclass(frozen=True, eq=False)
class TableSource:
    """Where a table came from, so problems can point at file lines."""

    path: Path
    kind: FileKind
    encoding: str | None
    rows: int
    # Physical line of each record when quoted cells span lines; else line = row + 1.
    record_lines: np.ndarray | None = None

    def file_line(self, row: int) -> int | None:
        """The CSV line where 1-based data `row` starts (the header is line 1)."""
        if self.kind != "csv":
            return None
        if self.record_lines is not None and 1 <= row <= len(self.record_lines):
            return int(self.record_lines[row - 1])
        return row + 1

    def describe(self) -> str:
        encoding = f", {self.encoding}" if self.encoding else ""
        return f"{self.path.name} ({self.kind}{encoding}, {self.rows:,} rows)"


@dataclass(frozen=True, eq=False)
class FileProblem:
    """A table file or `dataset.yaml` that could not be used."""

    table: str | None
    path: Path
    kind: str
    message: str
    hint: str = ""


@dataclass(frozen=True, eq=False)
class RawTables:
    """Tables as found: CSV cells as strings (empty cell = ""), Parquet as stored."""

    frames: Mapping[str, pd.DataFrame]
    data_dir: Path | None = None
    sources: Mapping[str, TableSource] = field(default_factory=dict)
    config: DatasetConfig = field(default_factory=DatasetConfig)
    file_problems: tuple[FileProblem, ...] = ()
    unknown_files: tuple[Path, ...] = ()

    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, pd.DataFrame],
        *,
        extra_lead_columns: Mapping[str, ExtraKind] | None = None,
    ) -> RawTables:
        """Wrap in-memory frames (a simulator's output, a test) for validation."""
        config = DatasetConfig(extra_lead_columns=dict(extra_lead_columns or {}))
        return cls(frames=dict(frames), config=config)

    @property
    def unreadable(self) -> frozenset[str]:
        """Tables whose file exists but could not be read."""
        return frozenset(p.table for p in self.file_problems if p.table is not None)


# --- finding and reading -------------------------------------------------------


def read_dataset_config(data_dir: Path) -> DatasetConfig:
    """Read `dataset.yaml` if present; a missing file means defaults."""
    path = data_dir / CONFIG_FILE
    if not path.exists():
        return DatasetConfig()
    hint = (
        "dataset.yaml may hold `encoding: utf-8|cp932` and "
        "`extra_lead_columns: {column: numeric|category|boolean}`"
    )
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DataFileError(path, f"cannot read: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"not valid YAML: {exc}", hint) from exc
    if loaded is None:
        return DatasetConfig()
    if not isinstance(loaded, dict):
        raise DataFileError(path, "must be a mapping of settings", hint)
    try:
        return DatasetConfig.model_validate(loaded)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
            for err in exc.errors()
        )
        raise DataFileError(path, details, hint) from exc


def read_directory(data_dir: Path, names: Iterable[str]) -> RawTables:
    """Read every table file of `data_dir`; file problems are recorded, not raised.

    Raises FileNotFoundError / NotADirectoryError / OSError only for the directory
    itself, because then there is nothing to report on.
    """
    names = tuple(names)
    if not data_dir.exists():
        raise FileNotFoundError(f"{data_dir} does not exist")
    if not data_dir.is_dir():
        raise NotADirectoryError(f"{data_dir} is not a directory")
    listing = sorted(p for p in data_dir.iterdir() if p.is_file())
    problems: list[FileProblem] = []
    try:
        config = read_dataset_config(data_dir)
    except DataFileError as exc:
        problems.append(
            FileProblem(None, exc.path, "invalid_config", exc.message, exc.hint)
        )
        config = DatasetConfig()
    frames: dict[str, pd.DataFrame] = {}
    sources: dict[str, TableSource] = {}
    for name in names:
        present = [p for p in listing if p.name in {f"{name}{s}" for s in _SUFFIXES}]
        if len(present) > 1:
            a, b = present[0].name, present[1].name
            hint = f"delete the one that is out of date ({a} or {b})"
            problems.append(
                FileProblem(
                    name, present[0], "duplicate_file", f"{b} also exists", hint
                )
            )
            continue
        if not present:
            continue
        path = present[0]
        try:
            frame, encoding, lines = read_table_file(path, encoding=config.encoding)
        except DataFileError as exc:
            problems.append(
                FileProblem(name, path, "unreadable_file", exc.message, exc.hint)
            )
            continue
        kind: FileKind = "parquet" if path.suffix == ".parquet" else "csv"
        frames[name] = frame
        sources[name] = TableSource(path, kind, encoding, len(frame), lines)
    expected = {f"{n}{s}" for n in names for s in _SUFFIXES}
    unknown = tuple(
        p for p in listing if p.suffix.lower() in _SUFFIXES and p.name not in expected
    )
    return RawTables(frames, data_dir, sources, config, tuple(problems), unknown)


def read_table_file(
    path: Path, *, encoding: str | None = None
) -> tuple[pd.DataFrame, str | None, np.ndarray | None]:
    """Read one table file as-is: (frame, encoding used, CSV record start lines)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(
            path,
            f"cannot read: {exc.strerror or exc}",
            "check that the file exists and is readable",
        ) from exc
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path, data), None, None
    frame, used = _read_csv(path, data, encoding)
    return frame, used, csv_record_lines(frame)


def _read_parquet(path: Path, data: bytes) -> pd.DataFrame:
    hint = "re-export the table, or write it as CSV"
    if len(data) < 12 or data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise DataFileError(path, "not a Parquet file (corrupt or truncated)", hint)
    try:
        frame = pq.read_table(pa.BufferReader(data)).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFileError(path, f"cannot read Parquet: {exc}", hint) from exc
    if isinstance(frame.index, pd.RangeIndex) or not any(frame.index.names):
        return frame.reset_index(drop=True)
    # Written with a named index (e.g. lead_id): it is a column of the table.
    return frame.reset_index()


def _read_csv(
    path: Path, data: bytes, encoding: str | None
) -> tuple[pd.DataFrame, str]:
    refuse_non_text(path, data)
    text, used = _decode(path, data, encoding)
    sample = text[:65536]
    if len(_NOT_TEXT.findall(sample)) > max(2, len(sample) // 100):
        raise DataFileError(
            path,
            "is full of control characters: binary data, not CSV text",
            "export the table again as CSV",
        )
    if not text.strip():
        raise DataFileError(path, "is empty (no header row)", "add the header row")
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataFileError(
            path,
            f"cannot parse as CSV: {exc}",
            "check quoting: cells with commas or line breaks must be in double quotes",
        ) from exc
    return frame, used


def refuse_non_text(path: Path, data: bytes) -> None:
    """Raise DataFileError for Parquet, Excel/zip, UTF-16 or binary bytes."""
    if data.startswith(b"PAR1"):
        raise DataFileError(
            path, "is a Parquet file", f"rename it to {path.stem}.parquet"
        )
    if data.startswith(b"PK\x03\x04"):
        raise DataFileError(
            path, "is an Excel workbook or a zip archive", "save it as CSV from Excel"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataFileError(
            path, "is UTF-16 text", "save it as 'CSV UTF-8' or 'CSV' (cp932) from Excel"
        )
    if b"\x00" in data[:65536]:
        raise DataFileError(
            path,
            "contains NUL bytes: binary data, not CSV text",
            "export the table again as CSV",
        )


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    bom = data.startswith(b"\xef\xbb\xbf")
    utf8 = "utf-8-sig" if bom else "utf-8"
    if encoding is not None:
        codec = _ENCODING_ALIASES.get(encoding.lower(), encoding)
        used = utf8 if codec == "utf-8" else codec
        try:
            return data.decode("utf-8-sig" if codec == "utf-8" else codec), used
        except UnicodeDecodeError as exc:
            raise DataFileError(
                path,
                f"is not valid {codec} (byte {exc.start})",
                f"dataset.yaml says encoding: {encoding}; fix it or remove it to "
                "auto-detect",
            ) from exc
    try:
        return data.decode("utf-8-sig"), utf8
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        raise DataFileError(
            path,
            f"is neither UTF-8 nor cp932 text (byte {exc.start})",
            "save it as 'CSV UTF-8' from Excel",
        ) from exc


def sniff_encoding(data: bytes) -> str | None:
    """`utf-8-sig` (BOM), `utf-8`, `cp932` or None: the first that decodes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


SNIFFED_DELIMITERS: Final = ",;\t|"


def sniff_delimiter(text: str) -> str | None:
    """The delimiter of CSV `text`, or None when the first lines do not tell.

    csv.Sniffer guesses; the guess is kept only if it splits the header into
    several cells and every sampled record into as many.
    """
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=SNIFFED_DELIMITERS).delimiter
    except csv.Error:
        guess = None
    candidates = [guess] if guess else []
    candidates += [d for d in SNIFFED_DELIMITERS if d != guess]
    for delimiter in candidates:
        records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        if len(records[0] if records else []) < 2:
            continue
        # the last sampled record may be cut off by the sample
        if all(len(r) == len(records[0]) for r in records[:-1] or records):
            return delimiter
    return None


def csv_record_lines(frame: pd.DataFrame) -> np.ndarray | None:
    """Start line of each CSV record, or None when no cell spans lines.

    Hand-off memos are multi-line, so row N is not line N+1 in such files.
    """
    newlines = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_string_dtype(values):
            newlines += values.str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    if not newlines.any():
        return None
    spans = newlines + 1
    return 2 + np.concatenate(([0], np.cumsum(spans)[:-1]))


# --- value formats ---------------------------------------------------------------


# Up to this many cells, text columns are cleaned cell by cell in Python: the same
# result as the vectorised path, without its per-call overhead (a single lead).
_SMALL: Final = 64


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)


def is_present(values: pd.Series) -> pd.Series:
    """True where a cell holds a value: not NA and not blank text."""
    if _is_text(values):
        if len(values) <= _SMALL:
            flags = [not _missing(v) and bool(str(v).strip()) for v in values]
            return pd.Series(flags, index=values.index, dtype=bool)
        text = values.astype("str")
        return text.notna() & (text.str.strip() != "")
    return values.notna()


def _clean_cells(values: pd.Series, normalize: bool) -> pd.Series:
    out: list[str | None] = []
    for value in values:
        if _missing(value):
            out.append(None)
            continue
        text = str(value).strip()
        if normalize and not text.isascii():
            text = unicodedata.normalize("NFKC", text).strip()
        out.append(text or None)
    return pd.Series(out, index=values.index, dtype="str")


def clean_text(values: pd.Series, *, normalize: bool = False) -> pd.Series:
    """Values as stripped `str`, blanks as NA; NFKC makes full-width input match."""
    if len(values) <= _SMALL and _is_text(values):
        return _clean_cells(values, normalize)
    if pd.api.types.is_bool_dtype(values):
        text = values.astype("str")
    elif pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
        finite = numbers[numbers.notna()]
        if len(finite) and bool((finite == finite.round()).all()):
            text = numbers.astype("Int64").astype("str")
        else:
            text = numbers.astype("str")
    else:
        text = values.astype("str")
    text = text.str.strip()
    if normalize:  # NFKC is the identity on ASCII; only touch the rest (it is slow)
        wide = ~text.str.isascii().fillna(True).astype(bool)
        if wide.any():
            text = text.where(~wide, text[wide].str.normalize("NFKC").str.strip())
    return text.where(text != "", np.nan).astype("str")


def parse_datetimes(values: pd.Series, *, numbers: bool = True) -> pd.Series:
    """Naive Asia/Tokyo `datetime64[us]`; missing or unparsable cells become NaT.

    Offsets (`+09:00`, `Z`) are converted to Tokyo wall time and dropped; naive
    values are taken as Tokyo time already. Digits finer than a microsecond (pandas
    writes nanoseconds to CSV) are truncated. Japanese era dates (`令和6年5月1日`),
    a weekday in brackets (`2024/5/1(水)`) and 午前/午後 clocks are read. Bare
    numbers are dates only as Excel serial days (5 digits) or `YYYYMMDD` (8 digits),
    and only when `numbers` is true: the importer passes false, because there a
    numeric id mapped as the time must be refused, not read as the year 6607.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return _as_us(values.dt.tz_convert(TIMEZONE).dt.tz_localize(None))
    if pd.api.types.is_datetime64_dtype(values):
        return _as_us(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        if not numbers:
            return pd.Series(pd.NaT, index=values.index, dtype=DATETIME_DTYPE)
        return from_excel_serial(values.astype("float64"))
    text = clean_text(values, normalize=True)
    spaced = text.str.contains("  ", regex=False, na=False)
    spaced |= text.str.contains("\t", regex=False, na=False)
    if spaced.any():  # Excel pads `2026/11/3  9:05`
        text = text.where(~spaced, text[spaced].str.replace(r"[ \t]+", " ", regex=True))
    japanese = ~text.str.isascii().fillna(True).astype(bool)
    if japanese.any():
        text = text.where(~japanese, _western_years(text[japanese]))
    out = pd.Series(pd.NaT, index=values.index, dtype=DATETIME_DTYPE)
    present = text.notna().to_numpy()
    if not present.any():
        return out
    aware = present & text.str.contains(_TZ_SUFFIX, na=False).to_numpy()
    if aware.any():
        parsed = pd.to_datetime(
            text[aware], format="ISO8601", utc=True, errors="coerce"
        )
        out[aware] = _as_us(parsed.dt.tz_convert(TIMEZONE).dt.tz_localize(None))
    digits = present & text.str.fullmatch(_NUMBER, na=False).to_numpy()
    if digits.any() and numbers:
        serial = digits & text.str.fullmatch(_EXCEL_SERIAL, na=False).to_numpy()
        if serial.any():
            out[serial] = from_excel_serial(
                pd.to_numeric(text[serial], errors="coerce")
            )
        ymd = digits & text.str.fullmatch("[0-9]{8}", na=False).to_numpy()
        if ymd.any():
            out[ymd] = _as_us(
                pd.to_datetime(text[ymd], format="%Y%m%d", errors="coerce")
            )
    for fmt in DATETIME_FORMATS:
        todo = present & ~aware & ~digits & out.isna().to_numpy()
        if not todo.any():
            break
        out[todo] = _as_us(pd.to_datetime(text[todo], format=fmt, errors="coerce"))
    return out.astype(DATETIME_DTYPE)


def has_utc_offset(values: pd.Series) -> pd.Series:
    """True where a text timestamp carries an offset (`+09:00`, `Z`)."""
    text = clean_text(values, normalize=True)
    return text.str.contains(_TZ_SUFFIX, na=False).astype(bool)


def looks_numeric(values: pd.Series) -> pd.Series:
    """True where a text cell is a bare number (`660737`, `46329.5`)."""
    text = clean_text(values, normalize=True)
    return text.str.fullmatch(_NUMBER, na=False).astype(bool)


def _as_us(parsed: pd.Series) -> pd.Series:
    # Floor first: a nanosecond value does not cast losslessly to microseconds.
    if getattr(parsed.dtype, "unit", "us") == "ns":
        parsed = parsed.dt.floor("us")
    return parsed.astype(DATETIME_DTYPE)


def _western_years(text: pd.Series) -> pd.Series:
    """`令和6年5月1日` → `2024年5月1日`; `2024/5/1(水) 午後3:00` → `2024/5/1 15:00`."""

    def era(match: re.Match[str]) -> str:
        n = 1 if match.group(2) == "元" else int(match.group(2))
        return f"{_ERAS[match.group(1)] + n}年"

    def clock(match: re.Match[str]) -> str:  # 午後3:00 → 15:00, 午前12:30 → 0:30
        hour = int(match.group(2)) % 12 + (12 if match.group(1) == "午後" else 0)
        return f"{hour}{match.group(3)}"

    text = text.str.replace(_ERA_YEAR, era, regex=True)
    text = text.str.replace(_AM_PM, clock, regex=True)
    return text.str.replace(_WEEKDAY_IN_BRACKETS, "", regex=True).str.strip()


def from_excel_serial(days: pd.Series) -> pd.Series:
    """Excel serial days (since 1899-12-30, fractions are the time) → datetimes."""
    # 2958465 is 9999-12-31.
    valid = days.notna() & (days >= 1) & (days < 2958466)
    out = pd.Series(pd.NaT, index=days.index, dtype=DATETIME_DTYPE)
    if valid.any():
        micros = (days[valid] * 86_400_000_000).round().astype("int64")
        out[valid] = _EXCEL_EPOCH + pd.to_timedelta(micros, unit="us")
    return out


def parse_bools(values: pd.Series) -> pd.Series:
    """Nullable `boolean`; true/false, 1/0, yes/no, y/n, はい/いいえ in any case."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
        return numbers.map({1.0: True, 0.0: False}).astype("boolean")
    text = clean_text(values, normalize=True).str.lower()
    return text.map(_BOOL_WORDS).astype("boolean")


def parse_numbers(values: pd.Series) -> pd.Series:
    """`float64`; accepts `1,200`, `¥1,200`, full-width digits; junk and ±inf → NaN."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index, dtype="float64")
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
    else:
        text = clean_text(values, normalize=True).str.replace(
            r"[,¥円 ]", "", regex=True
        )
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers), np.nan)


# --- writing -------------------------------------------------------------------


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write via a temp file in the same folder, then rename: readers never see half."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def parquet_bytes(frame: pd.DataFrame, *, path: Path, table: str) -> bytes:
    """Parquet without the pandas index; same frame, same bytes."""
    try:
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise DataFileError(
            path,
            f"table {table} cannot be stored as Parquet: {exc}",
            "give each column one type (e.g. no numbers mixed with text)",
        ) from exc
    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def csv_bytes(
    frame: pd.DataFrame, *, path: Path, table: str, encoding: CsvEncoding
) -> bytes:
    """CSV with ISO timestamps and true/false; refuses characters it cannot encode."""
    text_frame = _csv_ready(frame)
    text = text_frame.to_csv(index=False, lineterminator="\n", na_rep="")
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        error = _locate_unencodable(
            text_frame, path=path, table=table, encoding=encoding
        )
        raise error from None


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
        if pd.api.types.is_datetime64_dtype(values):
            fraction = bool((values.dt.microsecond.fillna(0) != 0).any())
            fmt = "%Y-%m-%dT%H:%M:%S" + (".%f" if fraction else "")
            values = values.dt.strftime(fmt)
        elif pd.api.types.is_bool_dtype(values):
            values = values.map({True: "true", False: "false"})
        columns[str(name)] = values
    return pd.DataFrame(columns, index=frame.index)


def _locate_unencodable(
    frame: pd.DataFrame, *, path: Path, table: str, encoding: str
) -> UnencodableError:
    def bad_char(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        for char in value:
            try:
                char.encode(encoding)
            except UnicodeEncodeError:
                return char
        return None

    first: tuple[str, int, str] | None = None
    count = 0
    for column in frame.columns:
        header_char = bad_char(str(column))
        if header_char is not None:
            count += 1
            first = first or (str(column), 0, header_char)
        if not (
            pd.api.types.is_string_dtype(frame[column])
            or pd.api.types.is_object_dtype(frame[column])
        ):
            continue
        chars = frame[column].map(bad_char)
        bad = np.flatnonzero(chars.notna().to_numpy())
        count += len(bad)
        if len(bad) and first is None:
            first = (str(column), int(bad[0]) + 1, str(chars.iloc[bad[0]]))
    column, row, char = first or ("?", 0, "?")
    return UnencodableError(
        path,
        table=table,
        column=column,
        row=row,
        char=char,
        encoding=encoding,
        count=count,
    )


def config_yaml_bytes(config: DatasetConfig) -> bytes:
    """`dataset.yaml` text, keys in a fixed order."""
    body: dict[str, Any] = {}
    if config.encoding is not None:
        body["encoding"] = config.encoding
    body["extra_lead_columns"] = dict(config.extra_lead_columns)
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")


def write_frames(
    frames: Mapping[str, pd.DataFrame],
    out_dir: Path,
    *,
    fmt: FileKind = "parquet",
    encoding: CsvEncoding = "utf-8",
    config: DatasetConfig | None = None,
) -> list[Path]:
    """Write NAME.<fmt> per frame (and `dataset.yaml`); all encoded before any write.

    Refuses to put NAME.csv beside an existing NAME.parquet (or the reverse): the
    directory would then hold the table twice and be unreadable.
    """
    if fmt not in FILE_SUFFIXES:
        raise ValueError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    if fmt == "parquet" and encoding != "utf-8":
        raise ValueError("encoding applies to CSV only; Parquet text is always UTF-8")
    suffix = FILE_SUFFIXES[fmt]
    other = next(s for s in _SUFFIXES if s != suffix)
    clashes = [f"{n}{other}" for n in frames if (out_dir / f"{n}{other}").exists()]
    if clashes:
        raise ValueError(
            f"{out_dir} already holds {', '.join(clashes)}; writing {fmt} beside it "
            "would give those tables twice. Delete them or write the same format."
        )
    payloads: list[tuple[Path, bytes]] = []
    for name, frame in frames.items():
        path = out_dir / f"{name}{suffix}"
        if fmt == "parquet":
            payloads.append((path, parquet_bytes(frame, path=path, table=name)))
        else:
            data = csv_bytes(frame, path=path, table=name, encoding=encoding)
            payloads.append((path, data))
    if config is not None:
        payloads.append((out_dir / CONFIG_FILE, config_yaml_bytes(config)))
    out_dir.mkdir(parents=True, exist_ok=True)
    return [atomic_write_bytes(path, data) for path, data in payloads]
