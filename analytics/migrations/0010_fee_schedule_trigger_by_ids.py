from django.db import migrations

from analytics.rollups import triggers


class Migration(migrations.Migration):
    """The fee-schedule trigger reads its tables through arrays of ids."""

    dependencies = [("analytics", "0009_receivable_movements")]

    operations = [migrations.RunSQL(triggers.create_sql(), migrations.RunSQL.noop)]
