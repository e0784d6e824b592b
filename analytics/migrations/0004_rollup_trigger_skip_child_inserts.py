from django.db import migrations

from analytics.rollups import triggers


class Migration(migrations.Migration):
    """Service-line and CAS insert triggers skip what the 835 posting's claim-payment
    insert has already marked (CREATE OR REPLACE of the trigger functions)."""

    dependencies = [("analytics", "0003_receivable_ledgers")]

    operations = [migrations.RunSQL(triggers.create_sql(), migrations.RunSQL.noop)]
