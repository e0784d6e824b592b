#!/usr/bin/env python
"""Django's command-line utility. With no DATABASE_URL it starts (or reuses) the
embedded PostgreSQL and Redis under var/."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ptrevops.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
