"""Statement-level triggers that mark the rollup days a write makes stale.

Every table a metric family reads gets an AFTER INSERT / UPDATE / DELETE trigger
(``FOR EACH STATEMENT`` with transition tables: one set-based statement per write
statement, whatever its row count). It records, in ``analytics_rollupdirtyday``, each
(family, day) whose rollup rows may change — for the row's own dates and, through
joins, for the rows that depend on it: a remittance posted today dirties the DOS of
the visits it pays (money is "to date"), an episode's new referral source dirties
the days of its visits, appointments, discharge and claims (attribution), and so
on. UPDATE marks both the old and the new rows' days. Marking too much only costs a
refresh; marking too little would be a wrong number, so every dependency of the
family SQL in ``analytics.metrics.queries`` is listed here (``tests/rollups`` checks
incremental refreshes against the direct computation).
"""

from __future__ import annotations

DIRTY_TABLE = "analytics_rollupdirtyday"
# Set (transaction-local) by the 835 posting around the insert of a batch's service
# lines and CAS, whose days its claim payments' insert has just marked: their own
# insert triggers then skip the same joins (the posting's hottest statements).
CHILD_MARKS_SETTING = "ptrevops.rollup_days_marked_by_claim_payments"
SKIPS_WHEN_MARKED = ("billing_servicepayment", "billing_adjustment")


# Each helper takes SQL selecting (organization_id, id) pairs and joins on both, so
# that the (organization_id, foreign key) indexes serve every lookup.


def _visit_days(visits: str) -> str:
    """Visit and charge-line families on the DOS of the visits ``visits`` selects."""
    return f"""
        SELECT d.organization_id, f.family, d.date_of_service
        FROM (
            SELECT DISTINCT v.organization_id, v.date_of_service
            FROM ({visits}) s(organization_id, id)
            JOIN episodes_visit v ON v.id = s.id AND v.organization_id = s.organization_id
        ) d
        CROSS JOIN (VALUES ('visits'), ('charge_lines')) f(family)"""


def _claim_days(claims: str) -> str:
    """Claims family on every payment date of the claims' remittances (any of them
    may be, or become, the first adjudication)."""
    return f"""
        SELECT r.organization_id, 'claims', rem.payment_date
        FROM (
            SELECT DISTINCT cp.organization_id, cp.remittance_id
            FROM ({claims}) s(organization_id, id)
            JOIN billing_claimpayment cp
              ON cp.organization_id = s.organization_id AND cp.claim_id = s.id
        ) r
        -- Once per remittance (a posting's batch has thousands of claim payments and a
        -- few remittances), by primary key: statistics of a table filled in this
        -- transaction are stale, and a join was planned as a scan per claim payment.
        CROSS JOIN LATERAL (
            SELECT one.payment_date FROM billing_remittance one
            WHERE one.id = r.remittance_id LIMIT 1
        ) rem"""


def _discharge_days(episodes: str) -> str:
    return f"""
        SELECT DISTINCT e.organization_id, 'discharges', e.discharge_date
        FROM ({episodes}) s(organization_id, id)
        JOIN episodes_episode e ON e.id = s.id AND e.organization_id = s.organization_id"""


def _referral_days_of_episodes(episodes: str) -> str:
    return f"""
        SELECT DISTINCT ref.organization_id, 'referrals', ref.received_on
        FROM ({episodes}) s(organization_id, id)
        JOIN episodes_episode e ON e.id = s.id AND e.organization_id = s.organization_id
        JOIN episodes_referral ref ON ref.id = e.referral_id"""


def _appointment_days(episodes: str) -> str:
    return f"""
        SELECT DISTINCT a.organization_id, 'appointments', a.local_date
        FROM ({episodes}) s(organization_id, id)
        JOIN episodes_appointment a
          ON a.organization_id = s.organization_id AND a.episode_id = s.id"""


def _visits_of_episodes(episodes: str) -> str:
    return f"""
        SELECT v.organization_id, v.id FROM ({episodes}) s(organization_id, id)
        JOIN episodes_visit v ON v.organization_id = s.organization_id AND v.episode_id = s.id"""


def _claims_of_visits(visits: str) -> str:
    return f"""
        SELECT c.organization_id, c.id FROM ({visits}) s(organization_id, id)
        JOIN billing_claim c ON c.organization_id = s.organization_id AND c.visit_id = s.id"""


def _claims_of_claim_payments(claim_payments: str) -> str:
    return f"""
        SELECT cp.organization_id, cp.claim_id FROM ({claim_payments}) s(organization_id, id)
        JOIN billing_claimpayment cp ON cp.id = s.id AND cp.organization_id = s.organization_id"""


def _visits_of_claims(claims: str) -> str:
    return f"""
        SELECT c.organization_id, c.visit_id FROM ({claims}) s(organization_id, id)
        JOIN billing_claim c ON c.id = s.id AND c.organization_id = s.organization_id"""


def _episode_dependants(episodes: str) -> list[str]:
    """Everything attributed through an episode (its payer, source, clinic)."""
    visits = _visits_of_episodes(episodes)
    return [
        _visit_days(visits),
        _appointment_days(episodes),
        _discharge_days(episodes),
        _claim_days(_claims_of_visits(visits)),
    ]


def _own(column: str, *families: str) -> str:
    # Distinct days before they are crossed with the families: a bundle's visits
    # are 100,000s of rows on a few hundred days.
    values = ", ".join(f"('{family}')" for family in families)
    return f"""
        SELECT d.organization_id, f.family, d.day
        FROM (SELECT DISTINCT r.organization_id, r.{column} FROM {{rows}} r) d(organization_id, day)
        CROSS JOIN (VALUES {values}) f(family)"""


def _rows(column: str) -> str:
    """(organization_id, ``column``) of the changed rows."""
    return (
        f"SELECT DISTINCT x.organization_id, x.{column} FROM {{rows}} x"
        f" WHERE x.{column} IS NOT NULL"
    )


_CLAIMS_OF_PAYMENTS = _claims_of_claim_payments(_rows("claim_payment_id"))

# table -> the SELECTs (organization_id, family, day) of what its changed rows
# ({rows}: the transition table) make stale.
DEPENDENCIES: dict[str, list[str]] = {
    "episodes_visit": [
        _own("date_of_service", "visits", "charge_lines"),
        _discharge_days(_rows("episode_id")),
        _referral_days_of_episodes(_rows("episode_id")),
        _claim_days(_claims_of_visits(_rows("id"))),
    ],
    "billing_chargeline": [_visit_days(_rows("visit_id"))],
    "billing_claim": [_visit_days(_rows("visit_id")), _claim_days(_rows("id"))],
    "billing_patientpayment": [_visit_days(_rows("visit_id"))],
    "billing_claimpayment": [
        _visit_days(_visits_of_claims(_rows("claim_id"))),
        _claim_days(_rows("claim_id")),
    ],
    "billing_servicepayment": [
        _visit_days(
            f"SELECT DISTINCT cl.organization_id, cl.visit_id FROM ({_rows('charge_line_id')}) s"
            " JOIN billing_chargeline cl"
            " ON cl.id = s.charge_line_id AND cl.organization_id = s.organization_id"
        ),
        _visit_days(_visits_of_claims(_CLAIMS_OF_PAYMENTS)),
        _claim_days(_CLAIMS_OF_PAYMENTS),
    ],
    "billing_adjustment": [
        _visit_days(_visits_of_claims(_CLAIMS_OF_PAYMENTS)),
        _claim_days(_CLAIMS_OF_PAYMENTS),
    ],
    "billing_remittance": [
        _own("payment_date", "claims", "provider_adjustments"),
        # A/R ages the payment by its date (the A/R ledgers follow the visit days).
        _visit_days(
            _visits_of_claims(
                "SELECT cp.organization_id, cp.claim_id FROM {rows} x"
                " JOIN billing_claimpayment cp"
                " ON cp.remittance_id = x.id AND cp.organization_id = x.organization_id"
            )
        ),
        _claim_days(
            "SELECT cp.organization_id, cp.claim_id FROM {rows} x"
            " JOIN billing_claimpayment cp"
            " ON cp.remittance_id = x.id AND cp.organization_id = x.organization_id"
        ),
    ],
    "billing_provideradjustment": [
        """
        SELECT rem.organization_id, 'provider_adjustments', rem.payment_date
        FROM {rows} x JOIN billing_remittance rem ON rem.id = x.remittance_id"""
    ],
    "episodes_appointment": [
        _own("local_date", "appointments"),
        _referral_days_of_episodes(_rows("episode_id")),
    ],
    "clinics_schedulecapacity": [_own("date", "capacity")],
    "episodes_episode": [
        _own("discharge_date", "discharges"),
        """
        SELECT ref.organization_id, 'referrals', ref.received_on
        FROM {rows} x JOIN episodes_referral ref ON ref.id = x.referral_id""",
        *_episode_dependants(_rows("id")),
    ],
    "episodes_planofcare": [_discharge_days(_rows("episode_id"))],
    "episodes_referral": [
        _own("received_on", "referrals"),
        *_episode_dependants(
            "SELECT e.organization_id, e.id FROM {rows} x JOIN episodes_episode e"
            " ON e.organization_id = x.organization_id AND e.referral_id = x.id"
        ),
    ],
    # The copay due on a DOS is the patient's eligibility row in force then.
    "episodes_eligibility": [
        _visit_days(
            _visits_of_episodes(
                "SELECT e.organization_id, e.id FROM {rows} x JOIN episodes_episode e"
                " ON e.organization_id = x.organization_id AND e.patient_id = x.patient_id"
            )
        )
    ],
    # A rate prices the payer's lines with DOS in its effective range. Each table is
    # read once through arrays of ids (a join here was planned as nested loops over
    # whole tables whenever the statistics claimed them empty, as after a TRUNCATE:
    # minutes for one rate). Lines of every changed rate's payers, dated in any changed
    # rate's range: a day more than needed at worst, never one less.
    "billing_feeschedule": [
        """
        SELECT v.organization_id, 'charge_lines', v.date_of_service
        FROM {rows} f
        JOIN episodes_visit v ON v.organization_id = f.organization_id
         AND v.date_of_service >= f.effective_from
         AND (f.effective_to IS NULL OR v.date_of_service <= f.effective_to)
        WHERE v.id = ANY(ARRAY(
            SELECT cl.visit_id FROM billing_chargeline cl
            WHERE cl.claim_id = ANY(ARRAY(
                SELECT c.id FROM billing_claim c JOIN {rows} p
                  ON c.payer_id = p.payer_id AND c.organization_id = p.organization_id))))"""
    ],
}

# Time zones: an appointment's schedule slot (weekday and hour of its local start) is
# read through its clinic's time zone, or the organization's when the clinic has none.
# A change of either re-slots the appointments concerned (UPDATE only: a new clinic has
# no appointments yet, a deleted one takes its appointments along).
TIME_ZONE_DEPENDENCIES: dict[str, str] = {
    "clinics_clinic": """
        SELECT DISTINCT a.organization_id, 'appointment_slots', a.local_date
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN episodes_appointment a
          ON a.organization_id = n.organization_id AND a.clinic_id = n.id
        WHERE o.timezone IS DISTINCT FROM n.timezone""",
    "clinics_organization": """
        SELECT DISTINCT a.organization_id, 'appointment_slots', a.local_date
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN clinics_clinic c ON c.organization_id = n.id AND coalesce(c.timezone, '') = ''
        JOIN episodes_appointment a ON a.organization_id = n.id AND a.clinic_id = c.id
        WHERE o.timezone IS DISTINCT FROM n.timezone""",
}

_ROWS = {
    "INSERT": "new_rows",
    "DELETE": "old_rows",
    "UPDATE": "(SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows)",
}


def _function_name(table: str) -> str:
    return f"analytics_mark_dirty_{table}"


def _mark(table: str, operation: str) -> str:
    selects = "\n        UNION ALL".join(
        select.format(rows=_ROWS[operation]) for select in DEPENDENCIES[table]
    )
    return _insert_marks(selects)


def _insert_marks(selects: str) -> str:
    """Record the (organization_id, family, day) rows ``selects`` yields as dirty."""
    return f"""
        INSERT INTO {DIRTY_TABLE} (organization_id, family, day)
        SELECT DISTINCT m.organization_id, m.family, m.day
        FROM ({selects}
        ) m(organization_id, family, day)
        WHERE m.day IS NOT NULL
        ON CONFLICT DO NOTHING;"""


def _skip(table: str) -> str:
    if table not in SKIPS_WHEN_MARKED:
        return ""
    return (
        f"IF TG_OP = 'INSERT' AND current_setting('{CHILD_MARKS_SETTING}', true) = 'on'"
        " THEN RETURN NULL; END IF;\n    "
    )


def create_sql() -> str:
    statements = []
    for table in DEPENDENCIES:
        function = _function_name(table)
        statements.append(
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    {_skip(table)}IF TG_OP = 'INSERT' THEN {_mark(table, "INSERT")}
    ELSIF TG_OP = 'DELETE' THEN {_mark(table, "DELETE")}
    ELSE {_mark(table, "UPDATE")}
    END IF;
    RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS analytics_dirty_insert ON {table};
DROP TRIGGER IF EXISTS analytics_dirty_update ON {table};
DROP TRIGGER IF EXISTS analytics_dirty_delete ON {table};
CREATE TRIGGER analytics_dirty_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER analytics_dirty_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER analytics_dirty_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
        )
    for table, select in TIME_ZONE_DEPENDENCIES.items():
        function = _function_name(table)
        statements.append(
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    {_insert_marks(select)}
    RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS analytics_dirty_update ON {table};
CREATE TRIGGER analytics_dirty_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
        )
    return "\n".join(statements)


def drop_sql() -> str:
    statements = []
    for table in [*DEPENDENCIES, *TIME_ZONE_DEPENDENCIES]:
        for name in ("insert", "update", "delete"):
            statements.append(f"DROP TRIGGER IF EXISTS analytics_dirty_{name} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS {_function_name(table)}();")
    return "\n".join(statements)
