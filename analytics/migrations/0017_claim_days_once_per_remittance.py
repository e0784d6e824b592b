from django.db import migrations

from analytics.rollups import triggers


class Migration(migrations.Migration):
    """The dirty-day triggers look a remittance's payment date up once per remittance
    and a visit's date of service once per day, not once per claim payment."""

    dependencies = [("analytics", "0016_claim_days_to_pay")]

    operations = [migrations.RunSQL(triggers.create_sql(), migrations.RunSQL.noop)]
