"""SQL query classes, one per metric family; see ``base.MetricQuery``."""

from analytics.metrics.queries.base import ALL, MetricQuery
from analytics.metrics.queries.charge_lines import ChargeLineContractQuery
from analytics.metrics.queries.claims import FirstAdjudicationQuery
from analytics.metrics.queries.episodes import (
    AtRiskEpisodeQuery,
    DischargedEpisodeQuery,
    ReferralQuery,
)
from analytics.metrics.queries.receivables import ProviderAdjustmentQuery, ReceivablesQuery
from analytics.metrics.queries.schedule import AppointmentQuery, CapacityQuery
from analytics.metrics.queries.visits import GrossChargesWindowQuery, VisitMoneyQuery

# Every family the metrics document is built from, by name.
QUERIES: dict[str, type[MetricQuery]] = {
    "visits": VisitMoneyQuery,
    "charges_90_days": GrossChargesWindowQuery,
    "charge_lines": ChargeLineContractQuery,
    "appointments": AppointmentQuery,
    "capacity": CapacityQuery,
    "discharges": DischargedEpisodeQuery,
    "referrals": ReferralQuery,
    "at_risk": AtRiskEpisodeQuery,
    "claims": FirstAdjudicationQuery,
    "receivables": ReceivablesQuery,
    "provider_adjustments": ProviderAdjustmentQuery,
}

__all__ = ["ALL", "QUERIES", "MetricQuery"]
