from django.db import migrations

from analytics.rollups import triggers


class Migration(migrations.Migration):
    """A clinic's or the organization's new time zone re-slots its appointments in the
    Schedule heatmap's kept table."""

    dependencies = [("analytics", "0017_claim_days_once_per_remittance")]

    operations = [migrations.RunSQL(triggers.create_sql(), migrations.RunSQL.noop)]
