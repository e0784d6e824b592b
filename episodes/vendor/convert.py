"""Convert a vendor export (a .zip of CSV files, or one CSV) into a canonical bundle.

Streaming: each source file is read line by line and each mapped row written at once
to its canonical file in a temporary folder. For every written row the source file
and line are remembered (two compact integer arrays per canonical file), so errors
the canonical importer reports later are translated back to the vendor's file, line
and column.
"""

from __future__ import annotations

import csv
import zipfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from episodes.imports.reader import BundleError, CsvFile, FileError
from episodes.imports.report import RowError
from episodes.imports.schema import FILES
from episodes.vendor import webpt
from episodes.vendor.mapping import CompiledMapping, Rule, parse_rules, target_spec
from episodes.vendor.transforms import MappingError

Opener = Callable[[], IO[bytes]]
MAX_ERRORS = 1000
# A removal list larger than this is refused (it would be held in memory).
MAX_REMOVALS = 1_000_000


@dataclass
class Target:
    """One canonical file a source file feeds. `primary`: the source rows *are* this
    entity (its removals apply to it); otherwise rows are deduplicated by id."""

    name: str
    rules: list[Rule]
    primary: bool = True


@dataclass
class SourcePlan:
    name: str
    opener: Opener
    targets: list[Target]
    flag_column: str | None = None
    title: str = ""


@dataclass
class Removal:
    external_id: str
    source: str
    line: int


@dataclass
class Conversion:
    folder: Path
    sources: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    removals: dict[str, list[Removal]] = field(default_factory=dict)
    # canonical file → (source index per data row, source line per data row)
    line_maps: dict[str, tuple[array, array]] = field(default_factory=dict)
    # (canonical file, source index) → canonical column → source column label
    labels: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)

    def error(self, file: str, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(file, line, column, reason))

    def source_of(self, error: RowError) -> RowError:
        """A canonical importer error, pointed at the vendor's file, line and column."""
        name = error.file[: -len(".csv")] if error.file.endswith(".csv") else error.file
        maps = self.line_maps.get(name)
        where = f"{error.file} {error.column}".strip()
        if maps is None or error.line < 2 or error.line - 2 >= len(maps[0]):
            return RowError(error.file, error.line, error.column, error.reason)
        index, line = maps[0][error.line - 2], maps[1][error.line - 2]
        label = self.labels.get((name, index), {}).get(error.column, error.column)
        return RowError(self.sources[index], line, label, f"({where}) {error.reason}")


class _Writer:
    def __init__(self, folder: Path, conversion: Conversion, plans: list[SourcePlan]):
        self.folder = folder
        self.conversion = conversion
        self.headers: dict[str, list[str]] = {}
        for plan in plans:
            for target in plan.targets:
                header = self.headers.setdefault(target.name, [])
                header.extend(r.column for r in target.rules if r.column not in header)
        order = {spec.name: [c.name for c in spec.columns] for spec in FILES}
        self.handles: dict[str, tuple[IO[str], csv.writer]] = {}
        for name, header in self.headers.items():
            header.sort(key=order[name].index)
            handle = open(folder / f"{name}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
            writer = csv.writer(handle)
            writer.writerow(header)
            self.handles[name] = (handle, writer)
            conversion.line_maps[name] = (array("I"), array("I"))
            conversion.rows[name] = 0
        self.seen: dict[str, set[str]] = {}

    def write(self, target: str, columns: list[str], values: list[str], index: int, line: int):
        header = self.headers[target]
        cells = dict(zip(columns, values, strict=True))
        self.handles[target][1].writerow([cells.get(name, "") for name in header])
        sources, lines = self.conversion.line_maps[target]
        sources.append(index)
        lines.append(line)
        self.conversion.rows[target] += 1

    def close(self):
        for handle, _ in self.handles.values():
            handle.close()


def convert(
    plans: list[SourcePlan], folder: Path, *, default_timezone: str, partial: bool = False
) -> Conversion:
    conversion = Conversion(folder=folder)
    writer = _Writer(folder, conversion, plans)
    try:
        for plan in plans:
            _convert_one(plan, writer, conversion, default_timezone)
    finally:
        writer.close()
    return conversion


def _convert_one(plan: SourcePlan, writer: _Writer, conversion: Conversion, tz: str) -> None:
    index = len(conversion.sources)
    conversion.sources.append(plan.name)
    try:
        stream = plan.opener()
    except OSError as exc:
        conversion.error(plan.name, 0, "", f"cannot be opened: {exc}")
        return
    with stream:
        try:
            csv_file = CsvFile(stream)
        except FileError as exc:
            conversion.error(plan.name, exc.line, "", exc.reason)
            return
        header = [cell.strip() for cell in csv_file.header]
        compiled: list[tuple[Target, CompiledMapping]] = []
        for target in plan.targets:
            try:
                compiled.append(
                    (
                        target,
                        CompiledMapping(target.name, target.rules, header, default_timezone=tz),
                    )
                )
            except MappingError as exc:
                conversion.error(plan.name, 1, "", f"({target.name}.csv) {exc}")
                return
            conversion.labels[(target.name, index)] = {r.column: r.label for r in target.rules}
        flag_position = None
        if plan.flag_column:
            folded = [name.lower() for name in header]
            if plan.flag_column in folded:
                flag_position = folded.index(plan.flag_column)
            else:
                conversion.warnings.append(
                    f"{plan.name}: no {plan.flag_column} column; every row is taken as new or"
                    " modified and nothing is removed"
                )
        try:
            for line, fields in csv_file:
                flag = (
                    fields[flag_position].strip()
                    if flag_position is not None and len(fields) > flag_position
                    else ""
                )
                if flag_position is not None and flag not in (
                    webpt.FLAG_NEW,
                    webpt.FLAG_MODIFIED,
                    webpt.FLAG_REMOVED,
                ):
                    conversion.error(
                        plan.name, line, plan.flag_column, f"{flag!r} is not 1, 2 or 3"
                    )
                    continue
                if flag == webpt.FLAG_REMOVED:
                    _removal(plan, compiled, conversion, line, fields, index)
                    continue
                _row(plan, compiled, writer, conversion, line, fields, index)
        except FileError as exc:
            conversion.error(plan.name, exc.line, "", exc.reason)


def _row(plan, compiled, writer, conversion, line, fields, index) -> None:
    mapped = [(target, mapping, mapping.map(line, fields)) for target, mapping in compiled]
    failed = False
    for target, _, row in mapped:
        for label, column, reason in row.errors:
            failed = True
            where = f"({target.name}.csv {column}) " if column else ""
            conversion.error(plan.name, line, label, where + reason)
    if failed:
        return
    for target, mapping, row in mapped:
        if not target.primary:
            spec = mapping.spec
            row_id = row.values[mapping.columns.index(spec.id_column)]
            seen = writer.seen.setdefault(target.name, set())
            if row_id in seen:
                continue
            seen.add(row_id)
        writer.write(target.name, mapping.columns, row.values, index, line)


def _removal(plan, compiled, conversion, line, fields, index) -> None:
    for target, mapping in compiled:
        if not target.primary:
            continue
        spec = mapping.spec
        id_rule = next((r for r in target.rules if r.column == spec.id_column), None)
        if id_rule is None or len(id_rule.sources) != 1:
            continue
        position = mapping.position_of(id_rule.sources[0])
        value = fields[position].strip() if position is not None and position < len(fields) else ""
        if not value:
            conversion.error(
                plan.name, line, id_rule.label, "a removed row (export_flag 3) has no id"
            )
            continue
        removals = conversion.removals.setdefault(target.name, [])
        if len(removals) >= MAX_REMOVALS:
            conversion.error(plan.name, line, "", "too many removals in one run")
            return
        removals.append(Removal(value, plan.name, line))


# ---------------------------------------------------------------------------- sources


def source_files(path: Path, original_name: str) -> list[tuple[str, Opener]]:
    """The CSV files of an upload: the members of a .zip, or the file itself."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise BundleError(f"{original_name} is not a readable .zip file: {exc}") from exc
        files = []
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1][:1] == ".":
                continue
            files.append((name, lambda info=info: archive.open(info)))
        return files
    return [(original_name, lambda: open(path, "rb"))]  # noqa: SIM115


@dataclass
class Override:
    """A saved mapping that applies to one table of a vendor extract."""

    source_table: str
    target: str
    mapping: dict


def webpt_plans(
    files: list[tuple[str, Opener]], overrides: list[Override], warnings: list[str]
) -> tuple[list[SourcePlan], list[RowError]]:
    """What to do with each file of a WebPT Standard Extract."""
    plans: list[SourcePlan] = []
    errors: list[RowError] = []
    for name, opener in files:
        if not name.lower().endswith(".csv"):
            warnings.append(f"ignored {name}: not a .csv file")
            continue
        table = webpt.table_for(name)
        if table is not None:
            mine = [o for o in overrides if webpt.normalize(o.source_table) == table.key]
        else:
            mine = [o for o in overrides if webpt.matches(name, o.source_table)]
        if table is not None and table.not_imported:
            warnings.append(f"ignored {name} (WebPT {table.title}): {table.not_imported}")
            continue
        if table is None and not mine:
            warnings.append(
                f"ignored {name}: not a documented WebPT Standard Extract table"
                " (save a column mapping for it, vendor WebPT, to import it)"
            )
            continue
        targets: dict[str, dict] = {}
        if table is not None:
            targets = {t: dict(rules) for t, rules in table.targets.items()}
        for override in mine:
            targets.setdefault(override.target, {}).update(override.mapping)
        plan_targets = []
        bad = False
        for position, (target, mapping) in enumerate(targets.items()):
            try:
                rules = parse_rules(target, mapping)
            except MappingError as exc:
                errors.append(RowError(name, 0, "", str(exc)))
                bad = True
                continue
            unmapped = [
                c for c in target_spec(target).required if c not in {r.column for r in rules}
            ]
            if unmapped:
                why = (table.missing.get(target) if table else None) or "not mapped"
                errors.append(
                    RowError(
                        name,
                        1,
                        "",
                        f"{target}.csv needs {', '.join(unmapped)} ({why}): add them in a saved"
                        f" column mapping (vendor WebPT, source table"
                        f" {table.title if table else webpt.normalize(name)!r})",
                    )
                )
                bad = True
                continue
            plan_targets.append(Target(target, rules, primary=position == 0))
        if not bad:
            plans.append(
                SourcePlan(
                    name, opener, plan_targets, webpt.FLAG_COLUMN, table.title if table else ""
                )
            )
    order = {spec.name: position for position, spec in enumerate(FILES)}
    plans.sort(key=lambda plan: min(order[t.name] for t in plan.targets))
    return plans, errors


def custom_plans(
    files: list[tuple[str, Opener]], target: str, mapping: dict, warnings: list[str]
) -> list[SourcePlan]:
    rules = parse_rules(target, mapping)
    plans = []
    for name, opener in files:
        if not name.lower().endswith(".csv"):
            warnings.append(f"ignored {name}: not a .csv file")
            continue
        plans.append(SourcePlan(name, opener, [Target(target_spec(target).name, rules)]))
    return plans
