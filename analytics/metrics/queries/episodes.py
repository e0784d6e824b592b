"""Episodes and referrals: discharged episodes and their outcomes, referrals and their
conversion, and the at-risk episodes as of a date."""

from __future__ import annotations

from analytics.metrics.queries.base import (
    ATTENDED,
    EPISODE_CLINICIAN_JOIN,
    Attribution,
    MetricQuery,
)

EPISODE_ATTRIBUTION = Attribution(
    clinic="e.clinic_id",
    # The clinician of the episode's first visit (episodes carry no clinician).
    clinician="efv.clinician_id",
    payer="e.primary_payer_id",
    source="esrc.source_id",
    day="e.discharge_date",
)

REFERRAL_ATTRIBUTION = Attribution(
    clinic="r.clinic_id",
    # Through the referral's first episode (by start date): its first visit's
    # clinician and its primary payer. A referral with no episode has neither.
    clinician="rfv.clinician_id",
    payer="rep.primary_payer_id",
    source="r.source_id",
    day="r.received_on",
)

COMPLETED_REASONS = ("goals_met", "plan_completed")
DROP_OFF_REASONS = ("self_discharged", "no_show_discharge")

# Narrow restrictions (MetricQuery.among): the CTEs' ids.
EP_IDS = "SELECT id FROM ep"
REF_IDS = "SELECT id FROM ref"
EPISODE_IDS = "SELECT id FROM episodes"


def episode_joins(query: MetricQuery) -> str:
    joins = ""
    if query.needs("clinician"):
        joins += EPISODE_CLINICIAN_JOIN.format(alias="efv", episode="e")
    if query.needs("source"):
        joins += query.source_join("esrc", "e")
    return joins


class DischargedEpisodeQuery(MetricQuery):
    """Episodes discharged in period with all their visits to date and the planned
    visits of all their plans of care."""

    def __init__(self, filters, **options) -> None:
        super().__init__(filters, **options)
        self.params.update(completed=list(COMPLETED_REASONS), drop_off=list(DROP_OFF_REASONS))

    def sql(self) -> str:
        return f"""
        WITH ep AS MATERIALIZED (
            SELECT e.id, e.discharge_reason, {self.group(EPISODE_ATTRIBUTION)} AS grp
            FROM episodes_episode e
            {episode_joins(self)}
            WHERE e.organization_id = %(org)s
              AND e.discharge_date BETWEEN %(start)s AND %(end)s
              {self.where(EPISODE_ATTRIBUTION)}
        ),
        visits AS (
            SELECT vv.episode_id, count(*) AS visits FROM episodes_visit vv
            WHERE vv.organization_id = %(org)s AND {self.among("vv.episode_id", EP_IDS)}
            GROUP BY vv.episode_id
        ),
        planned AS (
            SELECT poc.episode_id, sum(poc.planned_visits) AS planned
            FROM episodes_planofcare poc
            WHERE poc.organization_id = %(org)s AND {self.among("poc.episode_id", EP_IDS)}
            GROUP BY poc.episode_id
        )
        SELECT ep.grp,
               count(*) AS discharged_episodes,
               count(*) FILTER (WHERE ep.discharge_reason = ANY(%(completed)s)) AS completed,
               count(*) FILTER (WHERE ep.discharge_reason = ANY(%(drop_off)s)) AS dropped_off,
               coalesce(sum(visits.visits), 0)::bigint AS episode_visits,
               coalesce(sum(planned.planned), 0)::bigint AS planned_visits
        FROM ep
        LEFT JOIN visits ON visits.episode_id = ep.id
        LEFT JOIN planned ON planned.episode_id = ep.id
        GROUP BY ep.grp
        """


class ReferralQuery(MetricQuery):
    """Referrals received in period, converted (an attended evaluation in one of their
    episodes, to date) and the visits to date of their episodes."""

    # A nightly import dirties the received days of the referrals whose episodes got
    # visits: months apart, merged into one long range of a few referrals a day (at
    # 50 clinics, 157 days: 1.1 s index-driven, 2.8 s hashing the whole tables).
    narrow_scale = 6

    def __init__(self, filters, **options) -> None:
        super().__init__(filters, **options)
        self.params["attended"] = list(ATTENDED)

    def referral_selection(self) -> str:
        """The ``ref`` CTE: the referrals received in period matching the filters, with
        their group key."""
        joins = ""
        if self.needs("payer") or self.needs("clinician"):
            joins += """
            LEFT JOIN LATERAL (
                SELECT fe.id, fe.primary_payer_id FROM episodes_episode fe
                WHERE fe.organization_id = %(org)s AND fe.referral_id = r.id
                ORDER BY fe.start_date, fe.id
                LIMIT 1
            ) rep ON TRUE
            """
        if self.needs("clinician"):
            joins += EPISODE_CLINICIAN_JOIN.format(alias="rfv", episode="rep")
        return f"""ref AS MATERIALIZED (
            SELECT r.id, {self.group(REFERRAL_ATTRIBUTION)} AS grp
            FROM episodes_referral r
            {joins}
            WHERE r.organization_id = %(org)s
              AND r.received_on BETWEEN %(start)s AND %(end)s
              {self.where(REFERRAL_ATTRIBUTION)}
        )"""

    def sql(self) -> str:
        return f"""
        WITH {self.referral_selection()},
        episodes AS (
            SELECT e.id, e.referral_id FROM episodes_episode e
            WHERE e.organization_id = %(org)s AND {self.among("e.referral_id", REF_IDS)}
        ),
        converted AS (
            SELECT DISTINCT episodes.referral_id
            FROM episodes JOIN episodes_appointment a
              ON a.episode_id = episodes.id AND a.organization_id = %(org)s
            WHERE a.status = ANY(%(attended)s) AND a.visit_type = 'evaluation'
              {self.also_among("a.episode_id", EPISODE_IDS)}
        ),
        visits AS (
            SELECT episodes.referral_id, count(*) AS visits
            FROM episodes JOIN episodes_visit vv
              ON vv.episode_id = episodes.id AND vv.organization_id = %(org)s
            WHERE TRUE {self.also_among("vv.episode_id", EPISODE_IDS)}
            GROUP BY episodes.referral_id
        )
        SELECT ref.grp,
               count(*) AS referrals_received,
               count(converted.referral_id) AS referrals_converted,
               coalesce(sum(visits.visits), 0)::bigint AS referral_visits
        FROM ref
        LEFT JOIN converted ON converted.referral_id = ref.id
        LEFT JOIN visits ON visits.referral_id = ref.id
        GROUP BY ref.grp
        """


class ReferralNetCollectedQuery(ReferralQuery):
    """Referrals received in period and the net collected to date (insurance paid +
    patient paid) of all visits of their episodes, summed from ``ReferralMoneyRollup``
    — the refresh keeps it; callers make the organization's rollups fresh first."""

    def sql(self) -> str:
        return f"""
        WITH {self.referral_selection()},
        money AS (
            SELECT m.referral_id, sum(m.net_collected) AS net_collected
            -- (Daily rows only: the table keeps no tiers. Naming them would cost the
            -- index-only scan of (organization, referral) INCLUDE (net_collected).)
            FROM analytics_referralmoneyrollup m
            WHERE m.organization_id = %(org)s
              AND m.referral_id = ANY(ARRAY(SELECT id FROM ref))
            GROUP BY m.referral_id
        )
        SELECT ref.grp,
               count(*) AS referrals_received,
               coalesce(sum(money.net_collected), 0) AS net_collected
        FROM ref LEFT JOIN money ON money.referral_id = ref.id
        GROUP BY ref.grp
        """


class AtRiskEpisodeQuery(MetricQuery):
    """As of D: episodes with no discharge date, no appointment still ``scheduled``
    dated after D and no visit with DOS in [D − 6, D]."""

    def sql(self) -> str:
        return f"""
        SELECT {self.group(EPISODE_ATTRIBUTION)} AS grp,
               count(*) AS at_risk_episodes,
               array_agg(e.external_id ORDER BY e.external_id) AS episode_ids
        FROM episodes_episode e
        {episode_joins(self)}
        WHERE e.organization_id = %(org)s
          AND e.discharge_date IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM episodes_appointment a
              WHERE a.organization_id = %(org)s AND a.episode_id = e.id
                AND a.status = 'scheduled' AND a.local_date > %(as_of)s)
          AND NOT EXISTS (
              SELECT 1 FROM episodes_visit vv
              WHERE vv.organization_id = %(org)s AND vv.episode_id = e.id
                AND vv.date_of_service BETWEEN %(as_of)s::date - 6 AND %(as_of)s)
          {self.where(EPISODE_ATTRIBUTION)}
        GROUP BY 1
        """
