"""Entry point of the frozen ``motcua-cli`` program (console): the ``motcua`` command line,
for the IT officer and for scheduled tasks (e.g. the daily report through Task Scheduler)."""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
