"""The EMR export bundle importer (spec/emr-export.md).

`import_bundle` reads a folder or a .zip of the spec's CSV files, validates every row
while streaming it into PostgreSQL with COPY, and upserts each file into its table by
the EMR's own ids in set-based SQL, all in one transaction.
"""

from episodes.imports.report import BundleReport, FileReport, RowError
from episodes.imports.service import import_bundle

__all__ = ["BundleReport", "FileReport", "RowError", "import_bundle"]
