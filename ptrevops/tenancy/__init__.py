"""Tenancy core: one organization (clinic group) per request or task.

Scoping is enforced twice: in Python (a ContextVar read by `TenantManager`) and
in PostgreSQL (row-level security keyed on the per-transaction setting
`app.organization_id`, with the application running as a role that owns nothing).
"""
