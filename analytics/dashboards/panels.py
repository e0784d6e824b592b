"""A dashboard panel: a chart, the table behind it, its CSV, and its definition."""

from __future__ import annotations

import csv
import html
import io
import math
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass
class Panel:
    id: str
    title: str
    definition: str  # metric name: anchor on the definitions page
    figure_json: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    # Per row, the drill-down URL of the rows behind it (None: no drill-down).
    links: list[str | None] = field(default_factory=list)
    # Lists (at-risk episodes, underpaid lines) are tables without a chart.
    wide: bool = False

    @property
    def table_rows(self) -> list[tuple[str | None, list]]:
        links = self.links or []
        return [
            (links[index] if index < len(links) else None, row)
            for index, row in enumerate(self.rows)
        ]

    @property
    def table_body(self) -> SafeString:
        """The table's ``<tr>`` rows (escaped): written here rather than by template
        loops, which cost a node render per cell — a tenth of the Overview's time at
        fifty clinics."""
        if not self.rows:
            return format_html(
                '<tr><td colspan="{}" class="empty">No data in this selection.</td></tr>',
                len(self.columns),
            )
        return mark_safe("".join(_table_row(link, row) for link, row in self.table_rows))

    def csv_response(self, filename_stem: str) -> HttpResponse:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename_stem}-{self.id}.csv"'
        return response


def _escaped(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper (a table of thousands of
    rows — the Referrals page lists every referral source — spent more on that than on
    its SQL); the same text."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _table_row(link: str | None, row: list) -> str:
    label, *cells = row
    label = _escaped(label)
    if link:
        first = (
            f'<a class="cell-label" href="{_escaped(link)}"'
            f' title="{label} — show the rows behind this row">{label}</a>'
        )
    else:
        first = f'<span class="cell-label" title="{label}">{label}</span>'
    rest = "".join(f"<td>{_escaped(cell)}</td>" for cell in cells)
    drill = ' class="drill"' if link else ""
    return f'<tr{drill}><td class="label-cell">{first}</td>{rest}</tr>'


# -- cell formats: every table writes its numbers with these (thousands separators; an
# empty cell for no value, None or pandas' NaN alike) --------------------------------


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value) -> str:
    return "" if _missing(value) else f"${float(value):,.2f}"


def pct(value) -> str:
    return "" if _missing(value) else f"{float(value):.1%}"


def count(value) -> str:
    return "" if _missing(value) else f"{int(value):,}"


def number(value, places: int = 2) -> str:
    return "" if _missing(value) else f"{float(value):,.{places}f}"


def money_cell(value) -> str:
    return "" if value is None else f"${value:,.2f}"


def ratio_cell(value) -> str:
    return "" if value is None else f"{value:.1%}"


def number_cell(value, places: int = 2) -> str:
    if value is None:
        return ""
    return f"{value:,.{places}f}" if isinstance(value, float) else f"{value:,}"
