"""A panel's table rows, written with f-strings: escaped exactly as Django's
``format_html`` escapes them, pre-escaped (safe) text kept as it is."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from analytics.dashboards.panels import Panel


def _django_row(link, row) -> str:
    label, *cells = row
    if link:
        first = format_html(
            '<a class="cell-label" href="{}" title="{} — show the rows behind this row">{}</a>',
            link,
            label,
            label,
        )
    else:
        first = format_html('<span class="cell-label" title="{}">{}</span>', label, label)
    rest = format_html_join("", "<td>{}</td>", ((cell,) for cell in cells))
    return format_html(
        '<tr{}><td class="label-cell">{}</td>{}</tr>',
        mark_safe(' class="drill"') if link else "",
        first,
        rest,
    )


def test_table_rows_match_format_html_for_hostile_and_safe_values():
    rows = [
        ['Dr "O\'Brien" <PT> & Co', "$1,200.00", None, 3, 0.5],
        ["plain", mark_safe("<b>kept</b>"), "a<b", "", "x'y"],
    ]
    links = ["/analytics/rows/referrals/?start=2026-01-01&source=S%22&x=<y>", None]
    panel = Panel(id="t", title="T", definition="d", figure_json="", columns=list("ABCDE"))
    panel.rows, panel.links = rows, links
    assert str(panel.table_body) == "".join(
        _django_row(link, row) for link, row in zip(links, rows, strict=True)
    )
    assert "<PT>" not in panel.table_body and "<b>kept</b>" in panel.table_body
