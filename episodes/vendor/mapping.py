"""The mapping engine: a vendor's CSV rows → rows of one canonical bundle file.

A mapping is JSON, per canonical file: `{canonical column: rule}`, where a rule is
`{"source": "Column"}` (or a list of columns for `join` / `minutes_between`) or
`{"constant": "value"}`, plus optional `"transform"` (see transforms.TRANSFORMS) and
`"options"`. The canonical columns and their checks come from
episodes.imports.schema, so a mapped value that the importer would reject is reported
here already — against the *source* file, line and column, which is what the person
who exported the file can act on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from episodes.imports.reader import CsvFile
from episodes.imports.schema import FILES_BY_NAME, FileSpec, Kind
from episodes.imports.validate import CellError, converter_for
from episodes.vendor.transforms import TRANSFORMS, MappingError, TransformError, build

CONSTANT = "(constant)"


@dataclass(frozen=True)
class Rule:
    """How one canonical column is filled."""

    column: str
    sources: tuple[str, ...] = ()
    constant: str | None = None
    transform: str = "text"
    options: dict = field(default_factory=dict, hash=False, compare=True)

    @classmethod
    def from_json(cls, column: str, data: dict) -> Rule:
        if not isinstance(data, dict):
            raise MappingError(f"{column}: a rule must be an object")
        source = data.get("source")
        sources = (source,) if isinstance(source, str) else tuple(source or ())
        constant = data.get("constant")
        if constant is not None and not isinstance(constant, str):
            constant = str(constant)
        transform = data.get("transform") or "text"
        options = data.get("options") or {}
        if not isinstance(options, dict):
            raise MappingError(f"{column}: options must be an object")
        return cls(column, tuple(s for s in sources if s), constant, transform, options)

    def to_json(self) -> dict:
        data: dict = {}
        if self.constant is not None:
            data["constant"] = self.constant
        elif len(self.sources) == 1:
            data["source"] = self.sources[0]
        else:
            data["source"] = list(self.sources)
        if self.transform != "text":
            data["transform"] = self.transform
        if self.options:
            data["options"] = dict(self.options)
        return data

    @property
    def label(self) -> str:
        """The source column(s) an error in this canonical column points at."""
        return CONSTANT if self.constant is not None else " + ".join(self.sources)


def target_spec(target: str) -> FileSpec:
    name = target[: -len(".csv")] if target.endswith(".csv") else target
    if name not in FILES_BY_NAME:
        raise MappingError(f"{target!r} is not a file of the canonical bundle")
    return FILES_BY_NAME[name]


def parse_rules(target: str, data: dict) -> list[Rule]:
    """A mapping's JSON for one target file → its rules, in the spec's column order."""
    spec = target_spec(target)
    if not isinstance(data, dict):
        raise MappingError("a mapping must be an object of canonical column → rule")
    unknown = [name for name in data if name not in spec.by_name]
    if unknown:
        raise MappingError(f"{spec.filename} has no column {', '.join(sorted(unknown))}")
    rules = [Rule.from_json(c.name, data[c.name]) for c in spec.columns if c.name in data]
    return [rule for rule in rules if rule.sources or rule.constant is not None]


def rules_to_json(rules: list[Rule]) -> dict:
    return {rule.column: rule.to_json() for rule in rules}


def mapping_problems(target: str, rules: list[Rule]) -> list[str]:
    """What keeps a mapping from producing importable rows (unmapped required columns,
    bad transforms); empty when it is complete."""
    spec = target_spec(target)
    mapped = {rule.column for rule in rules}
    problems = [
        f"{name} is required by {spec.filename} but not mapped"
        for name in spec.required
        if name not in mapped
    ]
    for rule in rules:
        try:
            _build(spec, rule, "UTC")
        except MappingError as exc:
            problems.append(f"{rule.column}: {exc}")
    return problems


def _build(spec: FileSpec, rule: Rule, default_timezone: str):
    info = TRANSFORMS.get(rule.transform)
    if info is None:
        raise MappingError(f"unknown transform {rule.transform!r}")
    if rule.constant is None:
        wanted = 2 if rule.transform == "minutes_between" else None
        if wanted and len(rule.sources) != wanted:
            raise MappingError("minutes between needs a start and an end column")
        if not info.multiple_sources and len(rule.sources) != 1:
            raise MappingError(f"{info.label} reads exactly one source column")
    column = spec.by_name[rule.column]
    return build(
        rule.transform,
        rule.options,
        default_timezone=default_timezone,
        choices=column.choices if column.kind is Kind.CHOICE else (),
    )


@dataclass
class MappedRow:
    line: int
    values: list[str]
    # (source column label, canonical column, reason)
    errors: list[tuple[str, str, str]]


class CompiledMapping:
    """One target file's rules bound to one source file's header."""

    def __init__(self, target: str, rules: list[Rule], header: list[str], *, default_timezone: str):
        self.spec = target_spec(target)
        self.rules = rules
        self.columns = [rule.column for rule in rules]
        names = [cell.strip() for cell in header]
        exact = {}
        folded = {}
        for position, name in enumerate(names):
            exact.setdefault(name, position)
            folded.setdefault(name.lower(), position)
        self.width = len(names)
        missing: list[str] = []
        self._cells = []
        for rule in rules:
            positions = []
            for source in rule.sources:
                position = exact.get(source.strip(), folded.get(source.strip().lower()))
                if position is None:
                    missing.append(source)
                positions.append(position)
            transform = _build(self.spec, rule, default_timezone)
            check = converter_for(self.spec.by_name[rule.column])
            constant = None
            if rule.constant is not None:
                constant = transform([rule.constant])
            self._cells.append((rule, positions, transform, check, constant))
        if missing:
            raise MappingError(
                "the file has no column "
                + ", ".join(repr(name) for name in dict.fromkeys(missing))
                + " that the mapping reads"
            )

    def position_of(self, source: str) -> int | None:
        for rule, positions, *_ in self._cells:
            for name, position in zip(rule.sources, positions, strict=True):
                if name == source:
                    return position
        return None

    def map(self, line: int, fields: list[str]) -> MappedRow:
        if len(fields) != self.width:
            return MappedRow(
                line, [], [("", "", f"expected {self.width} fields, found {len(fields)}")]
            )
        values: list[str] = []
        errors: list[tuple[str, str, str]] = []
        for rule, positions, transform, check, constant in self._cells:
            try:
                value = (
                    constant if constant is not None else transform([fields[p] for p in positions])
                )
                check(value)
            except (TransformError, CellError) as exc:
                errors.append((rule.label, rule.column, str(exc)))
                values.append("")
            else:
                values.append(value)
        return MappedRow(line, values, errors)


def map_file(csv_file: CsvFile, compiled: CompiledMapping) -> Iterator[MappedRow]:
    """Stream a source file's rows mapped onto the target file."""
    for line, fields in csv_file:
        yield compiled.map(line, fields)


@dataclass
class Preview:
    """The first rows of a sample file, mapped; nothing is written anywhere."""

    source: str
    header: list[str]
    columns: list[str]
    rows: list[MappedRow]
    problems: list[str]
    file_error: str = ""

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)


def preview(
    stream, *, source: str, target: str, rules: list[Rule], default_timezone: str, limit: int = 20
) -> Preview:
    from episodes.imports.reader import FileError

    problems = mapping_problems(target, rules)
    try:
        csv_file = CsvFile(stream)
    except FileError as exc:
        return Preview(source, [], [], [], problems, f"line {exc.line}: {exc.reason}")
    header = [cell.strip() for cell in csv_file.header]
    try:
        compiled = CompiledMapping(target, rules, header, default_timezone=default_timezone)
    except MappingError as exc:
        return Preview(source, header, [r.column for r in rules], [], problems, str(exc))
    rows: list[MappedRow] = []
    try:
        for row in map_file(csv_file, compiled):
            rows.append(row)
            if len(rows) >= limit:
                break
    except FileError as exc:
        return Preview(
            source, header, compiled.columns, rows, problems, f"line {exc.line}: {exc.reason}"
        )
    return Preview(source, header, compiled.columns, rows, problems)
