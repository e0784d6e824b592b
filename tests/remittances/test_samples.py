"""Every public sample 835 posts without error (their claims match nothing here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from billing.models import ClaimPayment, Remittance
from billing.remittances import post_835_file

SAMPLES = Path("/work/shared/samples/835")


def _readme_claim_counts() -> dict[str, int]:
    """file name → claims, from the README table (the claims column follows the commit)."""
    counts = {}
    for line in (SAMPLES / "README.md").read_text().splitlines():
        match = re.match(r"\| `([^`]+)` \|.*?\| [0-9a-f]{12} \| (\d+) \|", line)
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


CLAIM_COUNTS = _readme_claim_counts() if SAMPLES.exists() else {}


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not mounted")
def test_the_readme_lists_every_sample():
    files = {p.name for p in SAMPLES.iterdir() if p.name != "README.md"}
    assert files == set(CLAIM_COUNTS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CLAIM_COUNTS))
def test_sample_posts_without_error(org, in_org, name):
    with in_org(org), (SAMPLES / name).open("rb") as f:
        report = post_835_file(organization_id=org.pk, fileobj=f, filename=name)
        assert report.errors == []
        assert report.claim_payments_read == CLAIM_COUNTS[name]
        skipped = sum(d.claims for d in report.duplicates)
        assert report.claim_payments_posted + skipped == CLAIM_COUNTS[name]
        assert report.claim_payments_unmatched == report.claim_payments_posted
        assert report.remittances_created + report.duplicates_skipped == report.transactions_read
        assert Remittance.objects.count() == report.remittances_created
        assert ClaimPayment.objects.count() == report.claim_payments_posted
        report.as_dict()
