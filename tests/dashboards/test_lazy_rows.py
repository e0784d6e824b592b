"""A drill-down list written lazily: a page renders only its own keys, the export all."""

from __future__ import annotations

from django.core.paginator import Paginator

from analytics.dashboards.pages.drilldown import LazyRows


def test_a_page_renders_only_its_rows_and_iteration_reads_all_in_chunks():
    rendered: list[list] = []

    def render(keys):
        rendered.append(list(keys))
        return [[key, key * 2] for key in keys]

    rows = LazyRows(list(range(1, 106)), render)
    rows.CHUNK = 40
    page = Paginator(rows, 50).get_page(3)
    assert list(page) == [[key, key * 2] for key in range(101, 106)]
    assert rendered == [list(range(101, 106))]  # len() rendered nothing
    assert rows[0] == [1, 2]
    rendered.clear()
    assert list(rows) == [[key, key * 2] for key in range(1, 106)]
    assert [len(chunk) for chunk in rendered] == [40, 40, 25]
