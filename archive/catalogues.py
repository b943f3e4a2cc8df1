"""A bureau's unit catalogue (e.g. the units of nuclear tests and their years) read from a CSV
or XLSX file, every row checked, every bad row reported with its number and why.

Pure: bytes in, rows and errors out. Storing a version is the use case's business. A unit is
read with ``archive.units.parse_unit``, as extraction reads a form's unit, so a row matches a
person's unit however either was printed.
"""

from __future__ import annotations

import csv
import io
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime

from archive.text import fold
from archive.units import Unit, parse_unit

# Headers as bureaus write them (the first that is present is used).
UNIT_HEADERS = ("部队番号", "番号", "部队", "单位", "部队名称", "unit")
START_HEADERS = ("起始时间", "开始时间", "起始日期", "开始日期", "起", "自", "start")
END_HEADERS = ("截止时间", "结束时间", "截止日期", "结束日期", "止", "至", "end")
TASK_HEADERS = ("任务", "项目", "参加任务", "备注", "task")
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
_DATE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2})(?:[-./月](\d{1,2})日?|月)?)?年?$")


@dataclass(frozen=True, slots=True)
class Period:
    """A day, a month or a year as written: the first and the last day it may mean."""

    text: str  # ISO, to the precision written: 1964, 1964-10, 1964-10-16
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    number: int  # the row's line in the file (the header is line 1)
    unit_text: str  # as written in the file
    unit: Unit
    start: Period | None  # None: the catalogue sets no bound
    end: Period | None
    task: str


@dataclass(frozen=True, slots=True)
class RowError:
    number: int
    message: str  # Chinese, for the person who fixes the file


@dataclass(frozen=True, slots=True)
class ParsedCatalogue:
    rows: list[CatalogueRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def period(value: object) -> Period | None:
    """A cell as a period: 1964, 1964-10, 1964年10月, 1964.10.16, or a spreadsheet date; None
    when it is none of these (an empty cell is handled by the caller)."""
    if isinstance(value, datetime | date):
        d = value.date() if isinstance(value, datetime) else value
        return Period(d.isoformat(), d, d)
    m = _DATE.match(fold(str(value)))
    if m is None:
        return None
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            return Period(f"{year:04d}", date(year, 1, 1), date(year, 12, 31))
        mo = int(month)
        if day is None:
            last = monthrange(year, mo)[1]
            return Period(f"{year:04d}-{mo:02d}", date(year, mo, 1), date(year, mo, last))
        d = date(year, mo, int(day))
    except ValueError:
        return None
    return Period(d.isoformat(), d, d)


def _cells(data: bytes, file_name: str) -> list[list[object]]:
    """The first sheet of an XLSX, or a CSV in UTF-8 (with or without BOM) or GB18030."""
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook  # only an XLSX import needs it

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a damaged file
            raise CatalogueFileError(f"无法读取 XLSX 文件：{e}") from e
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogueFileError("CSV 文件既不是 UTF-8 也不是 GB18030 编码")
    return [list(r) for r in csv.reader(io.StringIO(text))]


class CatalogueFileError(ValueError):
    """The file as a whole cannot be read: wrong format, no header, too large."""


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _text(row: list[object], col: int | None) -> str:
    if col is None or col >= len(row) or row[col] is None:
        return ""
    return str(row[col]).strip()


def parse_catalogue(data: bytes, file_name: str) -> ParsedCatalogue:
    """Every row of a catalogue file, or every reason its rows cannot be taken."""
    if len(data) > MAX_BYTES:
        raise CatalogueFileError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
    table = [r for r in _cells(data, file_name) if any(c not in (None, "") for c in r)]
    if not table:
        raise CatalogueFileError("文件中没有任何行")
    header = [fold(str(c or "")) for c in table[0]]
    unit_col = _column(header, UNIT_HEADERS)
    if unit_col is None:
        raise CatalogueFileError(f"首行没有部队番号列（可用列名：{'、'.join(UNIT_HEADERS[:4])}）")
    if len(table) - 1 > MAX_ROWS:
        raise CatalogueFileError(f"至多 {MAX_ROWS} 行")
    start_col, end_col = _column(header, START_HEADERS), _column(header, END_HEADERS)
    task_col = _column(header, TASK_HEADERS)
    rows: list[CatalogueRow] = []
    errors: list[RowError] = []
    for number, raw in enumerate(table[1:], start=2):
        problems: list[str] = []
        unit_text = _text(raw, unit_col)
        unit = parse_unit(unit_text) if unit_text else None
        if not unit_text:
            problems.append("部队番号为空")
        elif unit is None:
            problems.append(
                f"“{unit_text}”不是可识别的部队番号形式（如 66325部队、第27集团军80师）"
            )
        bounds: list[Period | None] = []
        for col, what in ((start_col, "起始时间"), (end_col, "截止时间")):
            cell = raw[col] if col is not None and col < len(raw) else None
            if cell in (None, ""):
                bounds.append(None)
                continue
            p = period(cell)
            if p is None:
                problems.append(f"{what}“{cell}”不是日期（如 1964、1964-10、1964年10月16日）")
            bounds.append(p)
        start, end = bounds
        if start and end and start.first > end.last:
            problems.append(f"起始时间 {start.text} 晚于截止时间 {end.text}")
        if problems or unit is None:
            errors.append(RowError(number, "；".join(problems)))
            continue
        rows.append(CatalogueRow(number, unit_text, unit, start, end, _text(raw, task_col)))
    errors += _overlaps(rows)
    return ParsedCatalogue(rows if not errors else [], sorted(errors, key=lambda e: e.number))


def _overlaps(rows: list[CatalogueRow]) -> list[RowError]:
    """Rows of one unit whose periods meet: a repeated row, or two that should be one."""
    errors = []
    by_unit: dict[Unit, list[CatalogueRow]] = {}
    for row in rows:
        for other in by_unit.get(row.unit, []):
            lo = max(_first(row.start), _first(other.start))
            hi = min(_last(row.end), _last(other.end))
            if lo <= hi:
                errors.append(
                    RowError(
                        row.number,
                        f"与第 {other.number} 行同一部队（{row.unit.key}）的时段重叠，请合并为一行",
                    )
                )
                break
        by_unit.setdefault(row.unit, []).append(row)
    return errors


def _first(p: Period | None) -> date:
    return p.first if p else date.min


def _last(p: Period | None) -> date:
    return p.last if p else date.max
