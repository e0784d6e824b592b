"""Template filters of the billing pages: money as the dashboards write it."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """``Decimal("1234.5")`` -> ``$1,234.50``; negative -> ``-$12.00``; None -> ``""``."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
