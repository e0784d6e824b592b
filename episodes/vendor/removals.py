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


# References that let go of a removed row instead of blocking its removal: a copay
# logged at the front desk (billing.copays) keeps its money and loses the link to the
# appointment or visit the EMR deleted (the EMR never removes such a copay itself).
DETACHED_ON_REMOVAL = {
    ("billing_patientpayment", "appointment_id"),
    ("billing_patientpayment", "visit_id"),
}


def _letting_go(related_table: str, column: str) -> tuple[str, list] | None:
    """SQL (and its parameters) picking the referencing rows ``r`` that let go of a
    removed row, or None when every reference blocks."""
    if (related_table, column) not in DETACHED_ON_REMOVAL:
        return None
    from billing.copays.services import EXTERNAL_ID_PREFIX

    return "r.external_id LIKE %s", [EXTERNAL_ID_PREFIX + "%"]


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
            detach = []
            for relation in _dependants(model):
                related = relation.related_model
                related_table, column = related._meta.db_table, relation.field.column
                letting_go = _letting_go(related_table, column)
                keeps, keeps_params = "", []
                if letting_go is not None:
                    detach.append((related_table, column, *letting_go))
                    keeps, keeps_params = f" AND NOT ({letting_go[0]})", letting_go[1]
                cursor.execute(
                    f'SELECT t.external_id, count(*) FROM "{related_table}" r'
                    f' JOIN "{table}" t ON t.id = r."{column}"'
                    f" WHERE t.organization_id = %s AND t.external_id = ANY(%s){keeps}"
                    " GROUP BY t.external_id",
                    [organization_id, ids, *keeps_params],
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
            for related_table, column, letting_go, letting_go_params in detach:
                cursor.execute(
                    f'UPDATE "{related_table}" r SET "{column}" = NULL FROM "{table}" t'
                    f' WHERE t.id = r."{column}" AND t.organization_id = %s'
                    f" AND t.external_id = ANY(%s) AND r.organization_id = %s AND {letting_go}",
                    [organization_id, free, organization_id, *letting_go_params],
                )
            cursor.execute(
                f'DELETE FROM "{table}" WHERE organization_id = %s AND external_id = ANY(%s)',
                [organization_id, free],
            )
            report.deleted[spec.name] = cursor.rowcount
            report.blocked[spec.name] = len(blocked)
            report.not_found[spec.name] = len(free) - cursor.rowcount
    return report
