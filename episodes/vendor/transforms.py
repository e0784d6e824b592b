"""Cell transforms that turn a vendor's values into the canonical bundle's forms.

A transform is built once per mapped column (`build`) and then called per cell with
the source cells it reads; it returns the canonical text or raises `TransformError`
with the reason shown to the user (the engine adds the source file, line and column).
The canonical column's own validation (episodes.imports.validate) runs afterwards, so
transforms only have to produce the right *form*, not re-check every rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class TransformError(ValueError):
    """A value cannot be transformed; the message is the reason shown to the user."""


class MappingError(ValueError):
    """A mapping rule itself is wrong (unknown transform, bad option)."""


Transform = Callable[[list[str]], str]


@dataclass(frozen=True)
class TransformInfo:
    name: str
    label: str
    option_help: str = ""
    multiple_sources: bool = False


TRANSFORMS: dict[str, TransformInfo] = {
    info.name: info
    for info in (
        TransformInfo("text", "as is (trimmed)"),
        TransformInfo("date", "date", "format, e.g. MM/DD/YYYY (several: MM/DD/YYYY | YYYY-MM-DD)"),
        TransformInfo(
            "datetime",
            "date and time",
            "format, e.g. MM/DD/YYYY hh:mm AM; then ' @ ' and an IANA time zone"
            " (blank: the organization's)",
        ),
        TransformInfo("money", "money ($, commas, (negatives))"),
        TransformInfo("integer", "whole number (commas, 2.0)"),
        TransformInfo(
            "enum", "value map", "source=canonical pairs separated by ';', e.g. No Show=no_show"
        ),
        TransformInfo("split", "list split on a separator", "separator, e.g. , or |"),
        TransformInfo(
            "join",
            "join several columns into a list",
            "the other columns, separated by |",
            multiple_sources=True,
        ),
        TransformInfo(
            "minutes_between",
            "minutes between two date-times",
            "the end column (then ' @ ' format as for date and time)",
            multiple_sources=True,
        ),
    )
}

# Format tokens people write → strptime directives (longest first).
_TOKENS = [
    ("YYYY", "%Y"),
    ("YY", "%y"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("HH", "%H"),
    ("hh", "%I"),
    ("mm", "%M"),
    ("ss", "%S"),
    ("AM", "%p"),
    ("PM", "%p"),
    ("M", "%m"),
    ("D", "%d"),
]
_TOKEN_RE = re.compile("|".join(re.escape(token) for token, _ in _TOKENS))
_DIRECTIVE = dict(_TOKENS)

ISO_DATE = "YYYY-MM-DD"


def strptime_format(fmt: str) -> str:
    """'MM/DD/YYYY hh:mm AM' → '%m/%d/%Y %I:%M %p' (a strptime format passes through)."""
    if "%" in fmt:
        return fmt
    return _TOKEN_RE.sub(lambda match: _DIRECTIVE[match.group(0)], fmt)


def _formats(option: str, default: str) -> list[tuple[str, str]]:
    given = [part.strip() for part in (option or default).split("|") if part.strip()]
    return [(fmt, strptime_format(fmt)) for fmt in given]


def _parse(value: str, formats: list[tuple[str, str]], what: str) -> datetime:
    for _, directive in formats:
        try:
            return datetime.strptime(value, directive)
        except ValueError:
            continue
    shown = " or ".join(fmt for fmt, _ in formats)
    raise TransformError(f"{value!r} is not a {what} in the format {shown}")


def _date(options: dict) -> Transform:
    formats = _formats(options.get("format", ""), ISO_DATE)

    def convert(values: list[str]) -> str:
        value = values[0].strip()
        if not value:
            return ""
        return _parse(value, formats, "date").date().isoformat()

    return convert


def _zone(name: str, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{name!r} is not an IANA time zone (e.g. America/Chicago)") from None


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone`; a time skipped by a daylight-saving change is an
    error (it never happened), an ambiguous one takes the first (daylight) offset."""
    aware = naive.replace(tzinfo=zone)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise TransformError(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key} (clock change)")
    return aware


def _datetime_parser(options: dict, default_timezone: str) -> Callable[[str], datetime | None]:
    formats = _formats(options.get("format", ""), "YYYY-MM-DD HH:mm:ss|YYYY-MM-DDTHH:mm:ss")
    zone = _zone(options.get("timezone", ""), default_timezone)

    def parse(value: str) -> datetime | None:
        value = value.strip()
        if not value:
            return None
        try:  # an ISO 8601 value with its own offset is taken as is
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
        return localize(_parse(value, formats, "date-time"), zone)

    return parse


def _datetime(options: dict, default_timezone: str) -> Transform:
    parse = _datetime_parser(options, default_timezone)

    def convert(values: list[str]) -> str:
        parsed = parse(values[0])
        return "" if parsed is None else parsed.isoformat()

    return convert


def _minutes_between(options: dict, default_timezone: str) -> Transform:
    parse = _datetime_parser(options, default_timezone)

    def convert(values: list[str]) -> str:
        start, end = parse(values[0]), parse(values[1])
        if start is None or end is None:
            return ""
        seconds = (end - start).total_seconds()
        if seconds < 0:
            raise TransformError(f"ends ({values[1]!r}) before it starts ({values[0]!r})")
        return str(int(seconds // 60))

    return convert


_MONEY_JUNK = re.compile(r"[\s$,]")


def _money(options: dict) -> Transform:
    def convert(values: list[str]) -> str:
        raw = values[0].strip()
        if not raw:
            return ""
        text = _MONEY_JUNK.sub("", raw)
        negative = text.startswith("(") and text.endswith(")")
        if negative:
            text = text[1:-1]
        if text.startswith("-$"):
            text = "-" + text[2:]
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise TransformError(f"{raw!r} is not an amount of money") from None
        if not amount.is_finite():
            raise TransformError(f"{raw!r} is not an amount of money")
        if amount != amount.quantize(Decimal("0.01")):
            raise TransformError(f"{raw!r} has more than 2 decimal places")
        if negative:
            amount = -amount
        return f"{amount:.2f}"

    return convert


def _integer(options: dict) -> Transform:
    def convert(values: list[str]) -> str:
        raw = values[0].strip()
        if not raw:
            return ""
        text = raw.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise TransformError(f"{raw!r} is not a whole number") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise TransformError(f"{raw!r} is not a whole number")
        return str(int(number))

    return convert


def _normal(value: str) -> str:
    return " ".join(value.strip().lower().split())


def parse_value_map(text: str) -> dict[str, str]:
    """'No Show=no_show; Cancelled=cancelled' → {'No Show': 'no_show', …}."""
    pairs: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise MappingError(f"value map entry {part.strip()!r} has no '='")
        source, target = part.split("=", 1)
        pairs[source.strip()] = target.strip()
    return pairs


def _enum(options: dict, choices: tuple[str, ...]) -> Transform:
    values = options.get("values", {})
    if isinstance(values, str):
        values = parse_value_map(values)
    table = {_normal(source): target for source, target in values.items()}
    if options.get("canonical_names", True):
        # A value already spelled like a canonical one ('No Show' → no_show) needs no entry.
        for choice in choices:
            table.setdefault(_normal(choice.replace("_", " ")), choice)
            table.setdefault(_normal(choice), choice)
    default = options.get("default")

    def convert(cells: list[str]) -> str:
        raw = cells[0]
        key = _normal(raw)
        if not key:
            return ""
        if key in table:
            return table[key]
        if default is not None:
            return default
        raise TransformError(f"{raw.strip()!r} is not in the value map: add it to the mapping")

    return convert


def _split(options: dict) -> Transform:
    separator = options.get("separator") or ","
    pattern = re.compile(
        "|".join(re.escape(ch) for ch in separator) if len(separator) > 1 else re.escape(separator)
    )

    def convert(values: list[str]) -> str:
        return ";".join(part.strip() for part in pattern.split(values[0]) if part.strip())

    return convert


def _join(options: dict) -> Transform:
    def convert(values: list[str]) -> str:
        return ";".join(value.strip() for value in values if value.strip())

    return convert


def _text(options: dict) -> Transform:
    def convert(values: list[str]) -> str:
        return values[0].strip()

    return convert


def build(
    name: str, options: dict, *, default_timezone: str, choices: tuple[str, ...] = ()
) -> Transform:
    """The transform `name` with its options; `MappingError` for a bad rule."""
    if name not in TRANSFORMS:
        raise MappingError(f"unknown transform {name!r}")
    if name == "datetime":
        return _datetime(options, default_timezone)
    if name == "minutes_between":
        return _minutes_between(options, default_timezone)
    if name == "enum":
        return _enum(options, choices)
    if name == "date":
        _formats(options.get("format", ""), ISO_DATE)
        return _date(options)
    return {"text": _text, "money": _money, "integer": _integer, "split": _split, "join": _join}[
        name
    ](options)


def today() -> date:  # pragma: no cover - a seam for tests
    return date.today()
