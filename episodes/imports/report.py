"""What an import did, per file: counts, errors with file/line/column, warnings, timings.

The report is the import's only output besides the database, so it must be
JSON-serialisable as is (`as_dict`): a Celery task stores it on the ImportRun and the
UI and API show it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# An import of a million bad rows must not build a million-entry report: the counts
# stay exact, the error list keeps the first rows of each file.
MAX_ERRORS_PER_FILE = 1000


@dataclass(frozen=True)
class RowError:
    """One problem: `line` is the physical line in the CSV, the header being line 1
    (0 for problems of the bundle itself); `column` is empty for whole-row or
    whole-file problems."""

    file: str
    line: int
    column: str
    reason: str


@dataclass
class FileReport:
    file: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    unknown_columns: list[str] = field(default_factory=list)


@dataclass
class BundleReport:
    partial: bool = False
    files: dict[str, FileReport] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # True when the run's writes were committed: no error at all, or partial=True and
    # nothing fatal (failed rows are then reported and left out).
    succeeded: bool = False
    _errors_per_file: dict[str, int] = field(default_factory=dict, repr=False)

    def file(self, name: str) -> FileReport:
        if name not in self.files:
            self.files[name] = FileReport(file=name)
        return self.files[name]

    def add_error(self, file: str, line: int, column: str, reason: str) -> None:
        """Keep the error unless the file already has its share listed (counted anyway)."""
        seen = self._errors_per_file.get(file, 0)
        self._errors_per_file[file] = seen + 1
        if seen < MAX_ERRORS_PER_FILE:
            self.errors.append(RowError(file, line, column, reason))

    def add_unlisted_errors(self, file: str, count: int) -> None:
        """Count `count` more errors of `file` that were never listed (over its share)."""
        if count > 0:
            self._errors_per_file[file] = self._errors_per_file.get(file, 0) + count

    def errors_in(self, file: str) -> int:
        """All errors of a file, including those not listed."""
        return self._errors_per_file.get(file, 0)

    def sort_errors(self) -> None:
        """Errors come from several passes (Python, SQL); show them by file, then line."""
        order = {name: position for position, name in enumerate(self.files)}
        self.errors.sort(key=lambda e: (order.get(e.file, -1), e.line, e.column))

    @property
    def has_errors(self) -> bool:
        return bool(self._errors_per_file)

    def as_dict(self) -> dict:
        return {
            "succeeded": self.succeeded,
            "partial": self.partial,
            "files": {name: asdict(report) for name, report in self.files.items()},
            "errors": [asdict(error) for error in self.errors],
            "error_count": sum(self._errors_per_file.values()),
            "warnings": list(self.warnings),
            "timings": dict(self.timings),
        }
