from django.db import migrations

from analytics.rollups import triggers


class Migration(migrations.Migration):
    """The dirty-day triggers take a written table's distinct days (and an episode's,
    an appointment's) before crossing them with the families they dirty."""

    dependencies = [("analytics", "0018_slot_time_zone_triggers")]

    operations = [migrations.RunSQL(triggers.create_sql(), migrations.RunSQL.noop)]
