"""Honour a vendor's removals (WebPT `export_flag` 3): delete the rows, set-based.

Runs inside the import's transaction, after the upserts. A row that other data still
refers to (an appointment with a visit, a charge with 835 payments posted to it) is
not deleted: it is reported as an error naming the vendor's file and line, and —
unless the run is partial — the run then commits nothing. An id that ptrevops never
had is counted and otherwise ignored (a delta may remove what was never exported).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

from episodes.imports.report import RowError
from episodes.imports.schema import FILES, FILES_BY_NAME


@dataclass
class RemovalReport:
    deleted: dict[str, int] = field(default_factory=dict)
    not_found: dict[str, int] = field(default_factory=dict)
    blocked: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"deleted": self.deleted, "not_found": self.not_found, "blocked": self.blocked}


def _locations(items: Iterable) -> dict[str, tuple[str, int]]:
    """ids (plain strings, or objects with external_id/source/line) → where each came from."""
    where: dict[str, tuple[str, int]] = {}
    for item in items:
        if isinstance(item, str):
            where.setdefault(item, ("", 0))
        else:
            where.setdefault(item.external_id, (item.source, item.line))
    return where


def _dependants(model) -> list:
    """Every foreign key pointing at `model`, hidden ones (`related_name="+"`) included.

    Most of these have no database constraint (imported tables, `episodes.models.
    reference`): this check is the only thing that keeps a removal from leaving rows
    that point at nothing, so none may be skipped."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_many or relation.one_to_one)
        and relation.field.concrete
    ]


def apply_removals(organization_id: int, removals: dict[str, Iterable]) -> RemovalReport:
    """Delete `removals` ({canonical file name: ids or Removal records}) of one
    organization; dependants first (files in reverse bundle order)."""
    report = RemovalReport()
    with connection.cursor() as cursor:
        for spec in reversed(FILES):
            if spec.name not in removals or not spec.id_column:
                continue
            where = _locations(removals[spec.name])
            if not where:
                continue
            ids = list(where)
            model = apps.get_model(FILES_BY_NAME[spec.name].model)
            table = model._meta.db_table
            blocked: dict[str, list[str]] = {}
            for relation in _dependants(model):
                related = relation.related_model
                cursor.execute(
                    f'SELECT t.external_id, count(*) FROM "{related._meta.db_table}" r'
                    f' JOIN "{table}" t ON t.id = r."{relation.field.column}"'
                    " WHERE t.organization_id = %s AND t.external_id = ANY(%s)"
                    " GROUP BY t.external_id",
                    [organization_id, ids],
                )
                for external_id, count in cursor.fetchall():
                    noun = str(
                        related._meta.verbose_name
                        if count == 1
                        else related._meta.verbose_name_plural
                    )
                    blocked.setdefault(external_id, []).append(f"{count} {noun}")
            for external_id, what in sorted(blocked.items()):
                source, line = where[external_id]
                report.errors.append(
                    RowError(
                        source or spec.filename,
                        line,
                        spec.id_column,
                        f"{spec.name[:-1] if spec.name.endswith('s') else spec.name}"
                        f" {external_id!r} is marked removed (export_flag 3) but cannot be"
                        f" deleted: {' and '.join(what)} still refer to it",
                    )
                )
            free = [external_id for external_id in ids if external_id not in blocked]
            cursor.execute(
                f'DELETE FROM "{table}" WHERE organization_id = %s AND external_id = ANY(%s)',
                [organization_id, free],
            )
            report.deleted[spec.name] = cursor.rowcount
            report.blocked[spec.name] = len(blocked)
            report.not_found[spec.name] = len(free) - cursor.rowcount
    return report
