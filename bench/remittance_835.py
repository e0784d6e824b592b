"""End-to-end 835 posting speed: parse + stage + post + denials, against pyx12.

Run: ``.venv/bin/python bench/remittance_835.py [claims] [--unmatched]``.

Writes a synthetic, balanced 835 (``tests.x12.synth``: 2–4 PT service lines per
claim with CAS, REF*6R, AMT) to a temporary file, creates a throw-away
organization whose claims and charge lines match every CLP01 and REF*6R (unless
``--unmatched``), posts the file with ``post_835_file`` and prints claim
payments per second (wall clock, what a user waits for), peak RSS, and pyx12's
parse-only rate (its segment reader, on a tenth of the file) with the ratio.
Everything runs in one transaction that is rolled back (after firing the
deferred foreign-key checks a commit would run, so they are timed): the
database is left as it was. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from billing.remittances import post_835_file  # noqa: E402
from clinics.services import organization_create  # noqa: E402
from ptrevops.tenancy.context import tenant_context  # noqa: E402
from tests.x12.synth import Expected, synthetic_835  # noqa: E402

# Claims and charge lines for C00000000…, lines L{claim:07d}{0..3}, one visit each.
SEED_CLAIMS = """
WITH p AS (
    INSERT INTO episodes_patient (organization_id, external_id, first_name, last_name,
                                  birth_date, sex, zip)
    VALUES (%(org)s, 'BENCH', 'Bench', 'Patient', '1970-01-01', '', '') RETURNING id),
c AS (SELECT id FROM clinics_clinic WHERE organization_id = %(org)s LIMIT 1),
t AS (
    INSERT INTO clinics_clinician (organization_id, external_id, clinic_id, name, npi,
                                   credential, active)
    SELECT %(org)s, 'BENCH', c.id, 'Bench', '', '', true FROM c RETURNING id, clinic_id),
e AS (
    INSERT INTO episodes_episode (organization_id, external_id, patient_id, clinic_id,
                                  start_date, discharge_reason)
    SELECT %(org)s, 'BENCH', p.id, t.clinic_id, '2026-01-05', '' FROM p, t RETURNING id),
a AS (
    INSERT INTO episodes_appointment (organization_id, external_id, patient_id, clinic_id,
        clinician_id, starts_at, local_date, duration_minutes, status, episode_id, visit_type)
    SELECT %(org)s, 'A' || n, p.id, t.clinic_id, t.id, '2026-01-05 14:00+00', '2026-01-05',
           45, 'completed', e.id, 'treatment'
    FROM generate_series(0, %(n)s - 1) n, p, t, e RETURNING id, external_id),
v AS (
    INSERT INTO episodes_visit (organization_id, external_id, appointment_id, episode_id,
                                clinic_id, date_of_service, clinician_id)
    SELECT %(org)s, 'V' || substr(a.external_id, 2), a.id, e.id, t.clinic_id, '2026-01-05', t.id
    FROM a, e, t RETURNING id, external_id),
payer AS (
    INSERT INTO billing_payer (organization_id, external_id, name, type, unit_rule,
                               requires_auth, payer_code, timely_filing_days)
    VALUES (%(org)s, 'ACME', 'Acme', 'commercial', 'cms_8_minute', false, 'ACME01', 365)
    RETURNING id),
cl AS (
    INSERT INTO billing_claim (organization_id, external_id, visit_id, payer_id, submitted_on,
                               billed_amount, payer_rank)
    SELECT %(org)s, 'C' || lpad(substr(v.external_id, 2), 8, '0'), v.id, payer.id,
           '2026-01-06', 300, 'primary'
    FROM v, payer RETURNING id, visit_id, external_id)
INSERT INTO billing_chargeline (organization_id, external_id, visit_id, claim_id, cpt_code,
                                modifiers, units, charge_amount, diagnosis_pointers)
SELECT %(org)s, 'L' || lpad(substr(cl.external_id, 2)::int::text, 7, '0') || k, cl.visit_id, cl.id,
       '97110', '{GP}', 1, 60, '{}'
FROM cl, generate_series(0, 3) k
"""


class _Rollback(Exception):
    pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(claims: int, path: Path) -> Expected:
    expected = Expected()
    with path.open("wb") as out:
        for piece in synthetic_835(claims, expected=expected):
            out.write(piece)
    return expected


def pyx12_rate(claims: int) -> float:
    import io

    import pyx12.x12file

    data = b"".join(synthetic_835(claims)).decode()
    started = time.perf_counter()
    count = sum(
        1 for segment in pyx12.x12file.X12Reader(io.StringIO(data)) if segment.get_seg_id() == "CLP"
    )
    return count / (time.perf_counter() - started)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    claims = int(args[0]) if args else 100_000
    matched = "--unmatched" not in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.835"
        expected = write_file(claims, path)
        size_mb = path.stat().st_size / 1e6
        print(f"{claims:,} claims, {expected.services:,} service lines, {size_mb:.1f} MB")
        try:
            with transaction.atomic():
                slug = f"bench-{uuid.uuid4().hex[:8]}"
                organization, _, _ = organization_create(
                    slug=slug, name="Bench", owner_email=f"owner@{slug}.test",
                    owner_password=uuid.uuid4().hex,
                )  # fmt: skip
                with tenant_context(organization.pk):
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "INSERT INTO clinics_clinic (organization_id, external_id, name,"
                            " state, timezone) VALUES (%s, 'C1', 'Bench', '', '')",
                            [organization.pk],
                        )
                        if matched:
                            started = time.perf_counter()
                            cursor.execute(SEED_CLAIMS, {"org": organization.pk, "n": claims})
                            print(f"seeded claims in {time.perf_counter() - started:.1f} s")
                    rss_before = peak_rss_mb()
                    started = time.perf_counter()
                    with path.open("rb") as f:
                        report = post_835_file(
                            organization_id=organization.pk, fileobj=f, filename=path.name
                        )
                    # The deferred foreign-key checks run at COMMIT; fire them
                    # now so the timing includes them, then roll back.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    elapsed = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
    assert report.ok, report.errors
    rate = report.claim_payments_posted / elapsed
    print(
        f"posted {report.claim_payments_posted:,} claim payments "
        f"({report.claim_payments_matched:,} matched, "
        f"{report.service_payments_matched_by_ref:,} lines by REF*6R) in {elapsed:.2f} s"
    )
    print("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    print(f"end to end: {rate:,.0f} CLP/s; peak RSS {peak_rss_mb():.0f} MB "
          f"(before posting {rss_before:.0f} MB)")  # fmt: skip
    reference = pyx12_rate(max(claims // 10, 1000))
    print(f"pyx12 X12Reader parse-only: {reference:,.0f} CLP/s; ratio {rate / reference:.1f}x")


if __name__ == "__main__":
    main()
