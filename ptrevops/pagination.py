from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Stable, constant-cost pages ordered by primary key (newest last)."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
