"""Vendor exports → the canonical EMR export bundle (spec/emr-export.md).

- `transforms` — cell transforms vendors need (dates, date-times in a time zone,
  money, value maps, list split/join, minutes between two times);
- `mapping` — the mapping engine: rules per canonical column, compiled against a
  source header, streaming rows with errors at the source file/line/column; preview;
- `webpt` — WebPT Standard Extract, from its documented columns only;
- `convert` — a vendor upload → a canonical bundle folder plus removal lists;
- `removals` — honour removals (export_flag 3) inside the import transaction;
- `runner` — what the import-run executor calls for a non-canonical profile.
"""
