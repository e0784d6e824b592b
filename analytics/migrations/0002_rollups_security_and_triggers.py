from django.db import migrations

from analytics.rollups import triggers
from ptrevops.tenancy.operations import EnableRowLevelSecurity

ROLLUP_MODELS = (
    "visitrollup",
    "chargelinerollup",
    "appointmentrollup",
    "capacityrollup",
    "dischargerollup",
    "referralrollup",
    "claimrollup",
    "provideradjustmentrollup",
    "rollupdirtyday",
)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_rollups"),
        ("billing", "0004_import_index_trim"),
        ("episodes", "0003_import_index_trim"),
        ("clinics", "0008_column_mapping_profile"),
    ]

    operations = [
        *(EnableRowLevelSecurity(name) for name in ROLLUP_MODELS),
        migrations.RunSQL(triggers.create_sql(), triggers.drop_sql()),
    ]
