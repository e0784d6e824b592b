from django.db import migrations

from ptrevops.tenancy.operations import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("clinics", "0005_import_runs")]

    operations = [
        EnableRowLevelSecurity("importrun"),
        EnableRowLevelSecurity("importrowerror"),
    ]
