"""The denial queue's filter form and sort (django-filter).

Every choice list comes from the tenant managers, so a payer, clinic or user id of
another organization is not a valid choice and is ignored (with the form's error).
"""

from __future__ import annotations

import django_filters

from billing.choices import DenialStatus, RootCause
from billing.denials import selectors
from billing.models import Payer

STATUS_ALL = "all"
ASSIGNEE_MINE = "mine"
ASSIGNEE_NONE = "unassigned"
# Sort keys: age counts from the denying remittance's payment date (see selectors).
SORTS = {
    "-age": ("Oldest first", ("aged_from", "-amount", "pk")),
    "age": ("Newest first", ("-aged_from", "-amount", "pk")),
    "-amount": ("Largest amount first", ("-amount", "aged_from", "pk")),
    "amount": ("Smallest amount first", ("amount", "aged_from", "pk")),
}
DEFAULT_SORT = "-age"


class DenialQueueFilter(django_filters.FilterSet):
    root_cause = django_filters.ChoiceFilter(
        choices=RootCause.choices, empty_label="All root causes", label="Root cause"
    )
    payer = django_filters.ModelChoiceFilter(
        field_name="claim__payer",
        queryset=Payer.objects.none(),
        empty_label="All payers",
        label="Payer",
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=[*DenialStatus.choices, (STATUS_ALL, "Any status")],
        empty_label="To work (open, in progress, appealed)",
        label="Status",
    )
    assignee = django_filters.ChoiceFilter(
        method="filter_assignee", choices=[], empty_label="Anyone", label="Assignee"
    )
    age = django_filters.ChoiceFilter(
        method="filter_age",
        choices=[(key, label) for key, (label, _, _) in selectors.AGE_BUCKETS.items()],
        empty_label="Any age",
        label="Age",
    )
    clinic = django_filters.ModelChoiceFilter(
        field_name="claim__visit__clinic", queryset=None, empty_label="All clinics", label="Clinic"
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
        label="Sort",
    )

    def __init__(self, data=None, queryset=None, *, request, membership, today, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.membership = membership
        self.today = today
        self.filters["payer"].queryset = Payer.objects.order_by("name")
        self.filters["clinic"].queryset = selectors.queue_clinics(membership)
        self.filters["assignee"].extra["choices"] = [
            (ASSIGNEE_MINE, "Mine"),
            (ASSIGNEE_NONE, "Unassigned"),
            *[(str(m.user_id), m.user.email) for m in selectors.denial_workers()],
        ]

    # -- filtering -------------------------------------------------------------------
    def filter_queryset(self, queryset):
        return self.apply(queryset)

    def apply(self, queryset, *, skip: tuple[str, ...] = ()):
        """The filters of the form but those in ``skip``; the queue's statuses when no
        status is chosen; the chosen (or default) order."""
        data = getattr(self.form, "cleaned_data", None) or {}
        for name, value in data.items():
            if name in skip or name == "sort":
                continue
            queryset = self.filters[name].filter(queryset, value)
        if not data.get("status"):
            queryset = queryset.filter(status__in=selectors.WORK_STATUSES)
        return queryset.order_by(*SORTS[self.sort_key][1])

    @property
    def sort_key(self) -> str:
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("sort") or DEFAULT_SORT

    def without_root_cause(self):
        """The queue with every filter but the root cause: what the per-root-cause
        totals count, so each total is what its link would list."""
        self.errors  # noqa: B018 (validates the form)
        return self.apply(self.queryset.all(), skip=("root_cause",))

    def filter_status(self, queryset, name, value):
        return queryset if value == STATUS_ALL else queryset.filter(status=value)

    def filter_assignee(self, queryset, name, value):
        if value == ASSIGNEE_MINE:
            return queryset.filter(assignee=self.request.user)
        if value == ASSIGNEE_NONE:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=int(value))

    def filter_age(self, queryset, name, value):
        return selectors.filter_age_bucket(queryset, value, self.today)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in apply()
