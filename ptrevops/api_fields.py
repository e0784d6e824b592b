"""Fields and filters every API app declares the same way: related rows named by
their external id (what the caller's systems know), and date ranges."""

from __future__ import annotations

import django_filters
from rest_framework import serializers


def external_id_field(source: str) -> serializers.CharField:
    """The external id of the row at ``source`` (``None`` when there is none)."""
    return serializers.CharField(source=f"{source}.external_id", default=None)


def external_id_filter(path: str, what: str) -> django_filters.CharFilter:
    """Rows whose ``path`` row has this external id; one of no row matches nothing."""
    return django_filters.CharFilter(
        field_name=f"{path}__external_id", help_text=f"The {what}'s external id."
    )


def date_range(field: str) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    """(on or after, on or before) filters of a date field."""
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte"),
        django_filters.DateFilter(field_name=field, lookup_expr="lte"),
    )
