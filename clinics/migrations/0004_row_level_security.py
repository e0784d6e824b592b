from django.db import migrations

from ptrevops.tenancy.operations import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("clinics", "0003_clinician_schedule_capacity")]

    operations = [
        EnableRowLevelSecurity("clinician"),
        EnableRowLevelSecurity("schedulecapacity"),
    ]
