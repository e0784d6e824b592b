"""Small claims, charge lines and 835 texts for the posting tests.

The 835 builders write real X12 (envelope, counts) so the tests go through the
same parser as production; only the segments a test is about are spelled out.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from billing.models import ChargeLine, Claim, Payer
from clinics.models import Clinic, Clinician
from episodes.models import Appointment, Episode, Patient, Visit

DOS = date(2025, 1, 10)
PAYER_CODE = "PAYER1"


def make_payer(code: str = PAYER_CODE) -> Payer:
    payer, _ = Payer.objects.get_or_create(
        external_id=f"P-{code}",
        defaults={"name": f"Payer {code}", "type": "commercial", "payer_code": code},
    )
    return payer


def make_claim(claim_id: str, lines: list[tuple], *, dos: date = DOS) -> Claim:
    """A visit with its claim and charge lines, in the current tenant scope.

    ``lines``: (charge_id, cpt, modifiers, units, amount) tuples.
    """
    clinic = Clinic.objects.get(external_id="C1")
    clinician, _ = Clinician.objects.get_or_create(
        external_id="T1", defaults={"clinic": clinic, "name": "Pat Therapist"}
    )
    patient = Patient.objects.create(
        external_id=f"PT-{claim_id}",
        first_name="Ann",
        last_name="Lee",
        birth_date=date(1970, 1, 1),
    )
    episode = Episode.objects.create(
        external_id=f"E-{claim_id}", patient=patient, clinic=clinic, start_date=dos
    )
    appointment = Appointment.objects.create(
        external_id=f"A-{claim_id}",
        patient=patient,
        clinic=clinic,
        clinician=clinician,
        starts_at=datetime(dos.year, dos.month, dos.day, 14, tzinfo=UTC),
        local_date=dos,
        duration_minutes=45,
        status="completed",
        episode=episode,
    )
    visit = Visit.objects.create(
        external_id=f"V-{claim_id}",
        appointment=appointment,
        episode=episode,
        clinic=clinic,
        date_of_service=dos,
        clinician=clinician,
    )
    total = sum((Decimal(amount) for *_, amount in lines), Decimal(0))
    claim = Claim.objects.create(
        external_id=claim_id,
        visit=visit,
        payer=make_payer(),
        submitted_on=dos,
        billed_amount=total,
    )
    for charge_id, cpt, modifiers, units, amount in lines:
        ChargeLine.objects.create(
            external_id=charge_id,
            visit=visit,
            claim=claim,
            cpt_code=cpt,
            modifiers=list(modifiers),
            units=units,
            charge_amount=Decimal(amount),
        )
    return claim


ISA = (
    "ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*ALPHAPT        "
    "*250115*1200*^*00501*000000001*0*P*:"
)


def interchange(*transactions: list[str]) -> bytes:
    """An 835 interchange holding these transaction bodies (segments without ST/SE)."""
    segments = [ISA, "GS*HP*PAYERSENDER*ALPHAPT*20250115*1200*1*X*005010X221A1"]
    for number, body in enumerate(transactions, start=1):
        control = f"{number:04d}"
        segments.append(f"ST*835*{control}")
        segments.extend(body)
        segments.append(f"SE*{len(body) + 2}*{control}")
    segments += [f"GE*{len(transactions)}*1", "IEA*1*000000001"]
    return ("~\n".join(segments) + "~\n").encode()


def transaction(
    *claims: list[str],
    trace: str = "TRACE1",
    paid: str = "0",
    paid_on: str = "20250115",
    payer_code: str = PAYER_CODE,
    plb: list[str] = (),
) -> list[str]:
    body = [
        f"BPR*I*{paid}*C*ACH*CCP*01*111*DA*33*1234567890**01*222*DA*44*{paid_on}",
        f"TRN*1*{trace}*1999999999",
        f"N1*PR*ACME HEALTH*XV*{payer_code}",
        "N1*PE*ALPHA PT*XX*1234567893",
    ]
    if claims:
        body.append("LX*1")
    for claim in claims:
        body.extend(claim)
    body.extend(plb)
    return body


def clp(
    pcn: str, status: str, charge: str, paid: str, *rest: str, responsibility: str = "0"
) -> list[str]:
    """A CLP loop: ``rest`` are its claim-level segments (CAS) then services."""
    return [f"CLP*{pcn}*{status}*{charge}*{paid}*{responsibility}*12*ICN{pcn}", *flatten(*rest)]


def svc(
    cpt: str,
    modifiers: tuple[str, ...],
    charge: str,
    paid: str,
    *rest: str,
    units: int | str = 1,
    ref_6r: str | None = None,
) -> list[str]:
    """An SVC loop; ``rest`` are its CAS/AMT/LQ segments."""
    composite = ":".join(["HC", cpt, *modifiers])
    segments = [f"SVC*{composite}*{charge}*{paid}**{units}", "DTM*472*20250110", *flatten(*rest)]
    if ref_6r:
        segments.insert(2, f"REF*6R*{ref_6r}")
    return segments


def flatten(*parts) -> list[str]:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.extend(flatten(*part))
    return out


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
