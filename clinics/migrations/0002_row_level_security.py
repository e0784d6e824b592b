from django.db import migrations

from ptrevops.tenancy.operations import (
    CURRENT_ORGANIZATION,
    CURRENT_USER,
    EnableRowLevelSecurity,
    tenant_policy_sql,
)

# A user may read their own memberships (and those organizations) before one is
# chosen; writes stay limited to the current organization.
OWN_MEMBERSHIP = f"organization_id = {CURRENT_ORGANIZATION} OR user_id = {CURRENT_USER}"
MEMBER_ORGANIZATION = (
    f"id = {CURRENT_ORGANIZATION} OR id IN "
    f"(SELECT organization_id FROM clinics_membership WHERE user_id = {CURRENT_USER})"
)
# An API request reads its token by public prefix before it knows the organization.
TOKEN_BY_PREFIX = (
    f"organization_id = {CURRENT_ORGANIZATION} OR "
    "prefix = NULLIF(current_setting('app.api_token_prefix', true), '')"
)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0001_initial")]

    operations = [
        migrations.RunSQL(
            tenant_policy_sql(
                "clinics_organization", MEMBER_ORGANIZATION, f"id = {CURRENT_ORGANIZATION}"
            ),
            reverse_sql=migrations.RunSQL.noop,
        ),
        EnableRowLevelSecurity("clinic"),
        EnableRowLevelSecurity(
            "membership", using=OWN_MEMBERSHIP, check=f"organization_id = {CURRENT_ORGANIZATION}"
        ),
        EnableRowLevelSecurity("membershipclinic"),
        EnableRowLevelSecurity(
            "apitoken", using=TOKEN_BY_PREFIX, check=f"organization_id = {CURRENT_ORGANIZATION}"
        ),
        EnableRowLevelSecurity("auditevent"),
    ]
