"""Reading an export file for `readiness import`: bytes to a frame of text cells.

gzip is recognised by its magic bytes, whatever the name; the encoding (UTF-8
with or without BOM, cp932) and the delimiter are sniffed. A declaration in the
mapping that the file contradicts is refused with what the file looks like and
the exact line to put in the mapping, rather than read into garbage columns.
"""

from __future__ import annotations

import csv
import gzip
import io
import warnings
from pathlib import Path
from typing import Final

import pandas as pd

from readiness.data.files import (
    DataFileError,
    refuse_non_text,
    sniff_delimiter,
    sniff_encoding,
)
from readiness.data.mapping import ExportError, ImportMapping, headline

__all__ = ["read_export", "yaml_char"]


_ENCODING_NAMES: Final = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a BOM",
    "cp932": "cp932 (Japanese Excel)",
}


def read_export(path: Path, *, mapping: ImportMapping) -> pd.DataFrame:
    """The export as text cells ("" = empty).

    gzip is recognised by its bytes; encoding and delimiter are sniffed, and a
    declared one the file contradicts is refused with what the file looks like.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(
            headline(
                str(path),
                f"cannot read: {exc.strerror or exc}",
                "check the export path",
            )
        ) from exc
    if data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ExportError(
                headline(
                    str(path),
                    f"is a damaged gzip file ({exc})",
                    "copy or download the export again",
                )
            ) from exc
    try:
        refuse_non_text(path, data)
    except DataFileError as exc:
        raise ExportError(headline(str(path), exc.message, exc.hint)) from exc
    text = _decode_export(path, data, mapping.source.encoding)
    if not text or text.isspace():
        raise ExportError(
            headline(
                str(path),
                "is empty (no header row)",
                "export the data again with its header row",
            )
        )
    delimiter = _delimiter(path, text, mapping.source.delimiter)
    header = next(csv.reader(io.StringIO(text[: 1 << 20]), delimiter=delimiter))
    names = [h.strip() for h in header]
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise ExportError(
            headline(
                f"{path} header",
                f"column {', '.join(map(repr, twice))} appears more than once",
                "rename one of them in the export so each column has one name",
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise ExportError(_ragged(path, text, delimiter, len(header), exc)) from exc
    except (pd.errors.EmptyDataError, ValueError) as exc:
        raise ExportError(
            headline(
                str(path),
                f"cannot be read as CSV ({exc})",
                f"check source.delimiter ({delimiter!r}) and quoting",
            )
        ) from exc
    if frame.empty:
        raise ExportError(
            headline(
                str(path),
                "has a header but no data rows",
                "export again with the rows (check the CRM filter)",
            )
        )
    frame.columns = pd.Index(range(len(frame.columns)))
    return _named(path, frame, names)


def _named(path: Path, frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Columns named from the header; unnamed empty ones (a trailing delimiter that
    Excel writes) are dropped, unnamed ones holding values are refused."""
    keep = []
    for i, name in enumerate(names):
        if name:
            keep.append(i)
        elif (frame[i].str.strip() != "").any():
            raise ExportError(
                headline(
                    f"{path} header",
                    f"column {i + 1} has no name but holds values",
                    "give it a name in the header row (or delete the column)",
                )
            )
    out = frame[keep]
    out.columns = pd.Index([names[i] for i in keep])
    return out


def _decode_export(path: Path, data: bytes, declared: str | None) -> str:
    sniffed = sniff_encoding(data)
    if declared is None:
        if sniffed is None:
            raise ExportError(
                headline(
                    str(path),
                    "is neither UTF-8 nor cp932 text",
                    "save it from Excel as 'CSV UTF-8'",
                )
            )
        return data.decode(sniffed)
    utf8_declared = declared in {"utf-8", "utf-8-sig"}
    try:
        text = data.decode("utf-8-sig" if utf8_declared else declared)
    except UnicodeDecodeError as exc:
        text = None
        failed_at = exc.start
    else:
        failed_at = -1
    if not utf8_declared and sniffed in {"utf-8", "utf-8-sig"} and not data.isascii():
        text = None  # valid UTF-8 with Japanese in it is not cp932, whatever decodes
    if text is not None:
        return text
    if sniffed is None or sniffed == declared:
        raise ExportError(
            headline(
                str(path),
                f"is neither UTF-8 nor cp932 text (byte {failed_at})",
                "save it from Excel as 'CSV UTF-8' and set source.encoding: utf-8",
            )
        )
    looks = _ENCODING_NAMES[sniffed]
    fix = "cp932" if sniffed == "cp932" else "utf-8"
    line = data[: max(failed_at, 0)].count(b"\n") + 1
    where = f"line {line}, byte {failed_at}" if failed_at >= 0 else "its Japanese text"
    raise ExportError(
        headline(
            str(path),
            f"the mapping says source.encoding: {declared}, but the file is not "
            f"{declared} ({where}); the file looks like {looks}",
            f"set source.encoding: {fix} (or remove it: the encoding is detected)",
        )
    )


def _delimiter(path: Path, text: str, declared: str | None) -> str:
    sniffed = sniff_delimiter(text)
    if declared is None:
        return sniffed or ","
    lines = text[:65536].splitlines()
    first = lines[0] if lines else ""
    header = next(csv.reader([first], delimiter=declared), [])
    if len(header) <= 1 and sniffed is not None and sniffed != declared:
        cells = next(csv.reader([first], delimiter=sniffed))
        shown = sniffed.join(cells[:4]) + (sniffed + "…" if len(cells) > 4 else "")
        raise ExportError(
            headline(
                str(path),
                f"the mapping says source.delimiter: {declared!r}, but the header "
                f"is one column with it and {len(cells)} columns with {sniffed!r} "
                f"({shown})",
                f"set source.delimiter: {yaml_char(sniffed)} (or remove it: the "
                "delimiter is detected)",
            )
        )
    return declared


def yaml_char(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else f'"{delimiter}"'


def _ragged(path: Path, text: str, delimiter: str, width: int, exc: Exception) -> str:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    next(reader, None)
    for record in reader:
        if len(record) > width:
            return headline(
                f"{path} line {reader.line_num}",
                f"{len(record)} cells where the header has {width} "
                f"(delimiter {delimiter!r})",
                f'quote cells that contain {delimiter!r} ("a{delimiter}b"), or '
                "remove the extra cells",
            )
    return headline(
        str(path),
        f"cannot be read as CSV ({exc})",
        "check quoting: cells with delimiters or line breaks must be in double quotes",
    )
