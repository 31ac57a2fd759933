"""Entry point of the frozen ``MotCua`` program (windowed): opens the counter window.

``main([])`` rather than ``main()``: a double-click passes no command, and a windowed
program has no console to print a command's output to. The database is the default one
(``MOTCUA_DB`` or the per-user data folder).
"""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main([]))
