"""`manage.py generate_demo`: a realistic clinic group as an EMR bundle plus 835s."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Write a deterministic clinic-group data set: DIR/bundle/*.csv (the EMR export "
        "bundle) and DIR/835/*.835 (remittances). Same arguments, same bytes (fix --end)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--clinics", type=int, default=3)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end",
            type=date.fromisoformat,
            default=None,
            help="last day of the history (default: today)",
        )
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args, out, clinics, months, seed, end, workers, **options):
        from ptrevops.generator import generate

        if not 1 <= clinics <= 999:
            raise CommandError("--clinics must be between 1 and 999")
        if not 1 <= months <= 120:
            raise CommandError("--months must be between 1 and 120")
        summary = generate(
            out,
            clinics=clinics,
            months=months,
            seed=seed,
            end=end or date.today(),
            workers=max(1, workers),
        )
        self.stdout.write(summary.describe())
