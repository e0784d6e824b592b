"""Migration operations for the rollup tables."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


class MarkFamilyDirty(Operation):
    """Mark, for every organization, each day of a rollup family as dirty: the days of
    the daily rows of ``days_from`` (the family it follows). A new per-entity table is
    then filled by the next refresh (the next import's, or ``manage.py
    refresh_rollups``) instead of inside the migration."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, family: str, days_from: str):
        self.family = family
        self.days_from = days_from

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"family": self.family, "days_from": self.days_from},
        )

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = to_state.apps.get_model(app_label, self.days_from)._meta.db_table
        schema_editor.execute(
            "INSERT INTO analytics_rollupdirtyday (organization_id, family, day)"
            f" SELECT DISTINCT organization_id, %s, day FROM {table}"
            " WHERE NOT monthly AND NOT by_clinic ON CONFLICT DO NOTHING",
            [self.family],
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Mark every {self.days_from} day of family {self.family} dirty"
