"""``python -m ptrevops.generator``: see ``cli.py``."""

import sys

from ptrevops.generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
