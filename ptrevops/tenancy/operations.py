"""Migration operations that put a table under row-level security."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

# NULLIF: an unset or empty setting compares as NULL, so no row matches (fail closed).
CURRENT_ORGANIZATION = "NULLIF(current_setting('app.organization_id', true), '')::bigint"
CURRENT_USER = "NULLIF(current_setting('app.user_id', true), '')::bigint"
POLICY_NAME = "tenant_isolation"


def tenant_policy_sql(table: str, using: str, check: str | None = None) -> list[str]:
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({using}) WITH CHECK ({check or using})',
    ]


class EnableRowLevelSecurity(Operation):
    """Enable and force RLS on a tenant model's table with the standard policy.

    `using` overrides the policy expression for the few tables that must also be
    readable by their own user before an organization is chosen (memberships).
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, using: str | None = None, check: str | None = None):
        self.model_name = model_name
        self.using = using
        self.check = check

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        if self.using:
            kwargs["using"] = self.using
        if self.check:
            kwargs["check"] = self.check
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        standard = f"organization_id = {CURRENT_ORGANIZATION}"
        for statement in tenant_policy_sql(table, self.using or standard, self.check):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, from_state)
        schema_editor.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"')
        schema_editor.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')

    def describe(self):
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"rls_{self.model_name.lower()}"
