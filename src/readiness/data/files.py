"""Table files on disk: the file kinds and encodings, finding and reading them.

`readiness.data.contract` says what the tables mean; this module knows how they look in
files. CSV comes from CRM and MA exports, often saved by Japanese Excel in cp932, so
encodings are detected and dates, booleans and numbers are read in the spellings those
tools produce (`readiness.data.cells`). Writing is `readiness.data.write`.
"""

from __future__ import annotations

import csv
import io
import re
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
        return parquet_frame(pq.read_table(pa.BufferReader(data)))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataFileError(path, f"cannot read Parquet: {exc}", hint) from exc


def parquet_frame(table: pa.Table) -> pd.DataFrame:
    """The frame of a Parquet table as read (an engine reading the file in parts
    rebuilds each part's Arrow table and goes through here too)."""
    frame = table.to_pandas()
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
