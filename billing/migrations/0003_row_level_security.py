from django.db import migrations

from ptrevops.tenancy.operations import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_initial")]

    operations = [
        EnableRowLevelSecurity("payer"),
        EnableRowLevelSecurity("feeschedule"),
        EnableRowLevelSecurity("claim"),
        EnableRowLevelSecurity("chargeline"),
        EnableRowLevelSecurity("remittance"),
        EnableRowLevelSecurity("claimpayment"),
        EnableRowLevelSecurity("servicepayment"),
        EnableRowLevelSecurity("adjustment"),
        EnableRowLevelSecurity("provideradjustment"),
        EnableRowLevelSecurity("denial"),
        EnableRowLevelSecurity("patientpayment"),
    ]
