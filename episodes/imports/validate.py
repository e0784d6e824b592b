"""Check a file's header and turn each row's cells into staging values, or row errors.

Cells are validated in Python because the report must name the line and column of
every bad value, and a bad value must never reach PostgreSQL (one rejected COPY line
would abort the whole transaction). The converters return text in the form
PostgreSQL's COPY reads for the staging column's type. Most columns repeat a few
values (dates, codes, amounts), so converters memoise what they have accepted — that
keeps validation cheap at millions of rows. References are not checked here: they
resolve in SQL, set-based, against what is already in the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import call, itemgetter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from episodes.imports.schema import Column, FileSpec, Kind

Converter = Callable[[str], str]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)"
)
# numeric(12, 2): at most 10 digits before the point and 2 after.
_MONEY = re.compile(r"-?\d{1,10}(?:\.\d{1,2})?")
_INTEGER = re.compile(r"\d{1,9}")  # PositiveIntegerField: 0 … 999,999,999 fits int4
_BOOLEANS = {"true": "t", "false": "f"}
_CACHE_LIMIT = 50_000


class CellError(ValueError):
    """A cell's value is not acceptable; the message is the reason shown to the user."""


def _text(column: Column) -> Converter:
    limit = column.max_length

    def convert(value: str) -> str:
        if limit is not None and len(value) > limit:
            raise CellError(f"longer than {limit} characters")
        if "\x00" in value:  # PostgreSQL text cannot hold NUL
            raise CellError("contains a NUL character")
        return value

    return convert


def _date_value(value: str) -> str:
    if not _DATE.fullmatch(value):
        raise CellError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise CellError(f"{value!r} is not a calendar date") from exc
    return value


def _datetime_value(value: str) -> str:
    if not _DATETIME.fullmatch(value):
        raise CellError(f"{value!r} is not an ISO 8601 date-time with an offset (or Z)")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CellError(f"{value!r} is not a valid date-time") from exc
    return parsed.isoformat()


def _money_value(value: str) -> str:
    if not _MONEY.fullmatch(value):
        raise CellError(f"{value!r} is not money (a decimal with at most 2 places, e.g. 125.00)")
    return value


def _integer_value(value: str) -> str:
    if not _INTEGER.fullmatch(value):
        raise CellError(f"{value!r} is not a whole number ≥ 0")
    return value


def _boolean_value(value: str) -> str:
    try:
        return _BOOLEANS[value.lower()]
    except KeyError:
        raise CellError(f"{value!r} is not true or false") from None


def _timezone_value(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise CellError(f"{value!r} is not an IANA time zone (e.g. America/Chicago)") from None
    return value


def _decimal(column: Column) -> Converter:
    places = column.places
    pattern = re.compile(rf"\d{{1,{len(str(column.max_value))}}}(?:\.\d{{1,{places}}})?")

    def convert(value: str) -> str:
        if not pattern.fullmatch(value) or Decimal(value) > column.max_value:
            raise CellError(
                f"{value!r} is not a number from 0 to {column.max_value}"
                f" with at most {places} decimal place{'s' if places > 1 else ''}"
            )
        return value

    return convert


def _choice(column: Column) -> Converter:
    allowed = frozenset(column.choices)

    def convert(value: str) -> str:
        if value not in allowed:
            raise CellError(f"{value!r} is not one of: {', '.join(column.choices)}")
        return value

    return convert


def _list(column: Column) -> Converter:
    """`;`-separated items → a PostgreSQL array literal. Items are upper-cased codes
    matching the column's pattern, so they never need quoting inside the literal."""
    item = re.compile(column.pattern or r"[A-Za-z0-9.]+")

    def convert(value: str) -> str:
        items = [part.strip().upper() for part in value.split(";") if part.strip()]
        bad = [part for part in items if not item.fullmatch(part)]
        if bad:
            raise CellError(f"list item {bad[0]!r} is not a valid code")
        return "{" + ",".join(items) + "}"

    return convert


_SIMPLE: dict[Kind, Converter] = {
    Kind.DATE: _date_value,
    Kind.DATETIME: _datetime_value,
    Kind.MONEY: _money_value,
    Kind.INTEGER: _integer_value,
    Kind.BOOLEAN: _boolean_value,
}


class _Memo(dict):
    """Accepted values → converted values; a hit is a C-level dict lookup, a miss
    converts (raising for a bad value, which is never remembered). Bounded."""

    def __init__(self, convert: Converter):
        super().__init__()
        self._convert = convert

    def __missing__(self, value: str) -> str:
        result = self._convert(value)
        if len(self) < _CACHE_LIMIT:
            self[value] = result
        return result


def _memoised(convert: Converter) -> Converter:
    return _Memo(convert).__getitem__


# COPY's text format: a NULL, and the characters a value must escape.
COPY_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_escape(value: str | None) -> str:
    """A staging value as a field of COPY's text format."""
    return COPY_NULL if value is None else value.translate(_COPY_ESCAPES)


def converter_for(column: Column, *, null: str | None = None) -> Converter:
    """The cell converter of a column, blanks included (see `_blank_aware`); a blank
    optional cell becomes `null` (None, or `COPY_NULL` for COPY's text format)."""
    if column.kind is Kind.TEXT:
        # Free text and ids: mostly unique, nothing to memoise.
        return _text_cell(column, null)
    if column.kind is Kind.DATETIME:
        # Appointment slots repeat (the same times every day in every clinic); the
        # memo is bounded, and a miss costs what an unmemoised conversion does.
        return _memoised(_blank_aware(column, _datetime_value, null))
    if column.kind is Kind.TIMEZONE:
        text = _text(column)
        convert = lambda value: _timezone_value(text(value))  # noqa: E731
    elif column.kind is Kind.DECIMAL:
        convert = _decimal(column)
    elif column.kind is Kind.CHOICE:
        convert = _choice(column)
    elif column.kind is Kind.LIST:
        convert = _list(column)
    else:
        convert = _SIMPLE[column.kind]
    return _memoised(_blank_aware(column, convert, null))


def _text_cell(column: Column, null: str | None) -> Converter:
    """`_blank_aware(column, _text(column), null)` in one call: text cells are the
    most numerous (every id and reference) and mostly unique."""
    limit = column.max_length if column.max_length is not None else float("inf")
    required = column.required

    def convert_cell(value: str) -> str | None:
        if value:
            if len(value) > limit:
                raise CellError(f"longer than {column.max_length} characters")
            if "\x00" in value:  # PostgreSQL text cannot hold NUL
                raise CellError("contains a NUL character")
            return value
        if required:
            raise CellError("required value is empty")
        return null

    return convert_cell


def _blank_aware(column: Column, convert: Converter, null: str | None = None) -> Converter:
    """Blank cells: an error when required, else NULL (the model default applies)."""
    required = column.required

    def convert_cell(value: str) -> str | None:
        if value:
            return convert(value)
        if required:
            raise CellError("required value is empty")
        return null

    return convert_cell


@dataclass(frozen=True)
class Header:
    """What a file's header row means for the spec: which spec columns are present and
    where, which are unknown (reported, ignored) and which required ones are missing."""

    positions: dict[str, int]
    unknown: list[str]
    missing_required: list[str]
    duplicated: list[str]
    width: int


def read_header(spec: FileSpec, header: list[str]) -> Header:
    names = [cell.strip().lower() for cell in header]
    positions: dict[str, int] = {}
    duplicated: list[str] = []
    for position, name in enumerate(names):
        if name in positions:
            duplicated.append(name)
        positions.setdefault(name, position)
    known = {name: pos for name, pos in positions.items() if name in spec.by_name}
    return Header(
        positions=known,
        unknown=[name for name in names if name and name not in spec.by_name],
        missing_required=[name for name in spec.required if name not in known],
        duplicated=duplicated,
        width=len(names),
    )


class RowConverter:
    """Converts the cells of one file's rows, in the order of `columns` (the spec
    columns present in the header, which is also the staging COPY's column list)."""

    def __init__(self, spec: FileSpec, header: Header):
        self.columns = [column for column in spec.columns if column.name in header.positions]
        self._width = header.width
        self._id_position = header.positions.get(spec.id_column or "")
        self._positions = [header.positions[column.name] for column in self.columns]
        self._names = [column.name for column in self.columns]
        self._fast = [converter_for(column) for column in self.columns]
        self._copy = [converter_for(column, null=COPY_NULL) for column in self.columns]
        pick = itemgetter(*self._positions) if self._positions else (lambda fields: ())
        # itemgetter of one position returns the item, not a 1-tuple.
        self._pick = pick if len(self._positions) != 1 else (lambda fields: (pick(fields),))

    def row_id(self, fields: list[str]) -> str | None:
        """The row's own EMR id, if it has one (to explain its dependants' failures)."""
        position = self._id_position
        if position is None or position >= len(fields):
            return None
        return fields[position] or None

    def convert(self, fields: list[str]) -> tuple[list[str | None], list[tuple[str, str]]]:
        """Return the staging values and the (column, reason) errors of one row.

        The fast path maps every cell through its converter in C (`map`); the first
        bad cell sends the row through the slow path, which names every bad cell.
        """
        if len(fields) != self._width:
            return [], [("", f"expected {self._width} fields, found {len(fields)}")]
        try:
            return list(map(call, self._fast, self._pick(fields))), []
        except CellError:
            return self._explain(fields)

    def copy_line(self, fields: list[str]) -> tuple[str | None, list[tuple[str, str]]]:
        """Like `convert`, but the values come as one line of COPY's text format
        (tab-separated, without the newline), or None with the row's errors.

        Converters never produce a backslash, tab or line break of their own, so a
        row whose cells hold none of them is joined as is; only the rare row that does
        is escaped value by value.
        """
        if len(fields) != self._width:
            return None, [("", f"expected {self._width} fields, found {len(fields)}")]
        picked = self._pick(fields)
        try:
            values = list(map(call, self._copy, picked))
        except CellError:
            return None, self._explain(fields)[1]
        raw = "".join(picked)
        if "\\" in raw or "\t" in raw or "\n" in raw or "\r" in raw:
            values = list(map(copy_escape, map(call, self._fast, picked)))
        return "\t".join(values), []

    def _explain(self, fields: list[str]) -> tuple[list[str | None], list[tuple[str, str]]]:
        values: list[str | None] = []
        errors: list[tuple[str, str]] = []
        for convert, position, name in zip(self._fast, self._positions, self._names, strict=True):
            try:
                values.append(convert(fields[position]))
            except CellError as exc:
                errors.append((name, str(exc)))
        return values, errors
