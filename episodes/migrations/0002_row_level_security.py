from django.db import migrations

from ptrevops.tenancy.operations import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("episodes", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("patient"),
        EnableRowLevelSecurity("referralsource"),
        EnableRowLevelSecurity("referral"),
        EnableRowLevelSecurity("eligibility"),
        EnableRowLevelSecurity("episode"),
        EnableRowLevelSecurity("authorization"),
        EnableRowLevelSecurity("planofcare"),
        EnableRowLevelSecurity("appointment"),
        EnableRowLevelSecurity("visit"),
    ]
