"""What a generation run produced: rows and bytes per file, the 835s, and the time it took."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class FileSummary:
    rows: int  # data rows, header excluded
    bytes: int


@dataclass
class GenerationSummary:
    out_dir: Path
    clinics: int
    months: int
    seed: int
    start: date
    end: date
    files: dict[str, FileSummary] = field(default_factory=dict)  # "bundle/visits.csv" -> ...
    remittance_files: int = 0
    remittance_transactions: int = 0
    remittance_claim_payments: int = 0
    remittance_bytes: int = 0
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)  # "clinics", "remittances"

    @property
    def total_bytes(self) -> int:
        return sum(item.bytes for item in self.files.values()) + self.remittance_bytes

    def rows(self, name: str) -> int:
        """Rows of a bundle file by its short name, e.g. ``rows("visits")``."""
        return self.files[f"bundle/{name}.csv"].rows

    def as_manifest(self) -> dict:
        """Everything but the timing, so the manifest itself is deterministic."""
        return {
            "generator": "ptrevops.generator",
            "clinics": self.clinics,
            "months": self.months,
            "seed": self.seed,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "files": {
                name: {"rows": item.rows, "bytes": item.bytes}
                for name, item in sorted(self.files.items())
            },
            "remittances": {
                "files": self.remittance_files,
                "transactions": self.remittance_transactions,
                "claim_payments": self.remittance_claim_payments,
                "bytes": self.remittance_bytes,
            },
        }

    def describe(self) -> str:
        lines = [
            f"{self.clinics} clinics x {self.months} months, seed {self.seed}, "
            f"{self.start.isoformat()} .. {self.end.isoformat()} -> {self.out_dir}",
        ]
        for name, item in self.files.items():
            lines.append(f"  {name:<36} {item.rows:>12,} rows {item.bytes / 1e6:>10.1f} MB")
        lines.append(
            f"  835/ {self.remittance_files:,} files, {self.remittance_transactions:,} "
            f"transactions, {self.remittance_claim_payments:,} claim payments, "
            f"{self.remittance_bytes / 1e6:.1f} MB"
        )
        phases = ", ".join(f"{name} {value:.1f} s" for name, value in self.phase_seconds.items())
        lines.append(
            f"  total {self.total_bytes / 1e9:.2f} GB in {self.seconds:.1f} s"
            + (f" ({phases})" if phases else "")
        )
        return "\n".join(lines)
