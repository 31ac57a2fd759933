"""The shared statements in psycopg's placeholder style.

The package's SQL is written once with SQLite's ``?`` and ``:name``; psycopg wants ``%s`` and
``%(name)s`` and a doubled ``%``. The rewrite skips quoted text and ``::`` casts, and is
cached: each statement is translated once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=512)
def to_psycopg(sql: str) -> str:
    out: list[str] = []
    i, n = 0, len(sql)
    quote = ""
    while i < n:
        ch = sql[i]
        if ch == "%":
            out.append("%%")
        elif quote:
            out.append(ch)
            if ch == quote:
                quote = ""
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == ":" and i + 1 < n and sql[i + 1] == ":":
            out.append("::")
            i += 1
        elif ch == ":" and (m := _NAME.match(sql, i + 1)) and (i == 0 or sql[i - 1] != ":"):
            out.append(f"%({m.group()})s")
            i = m.end()
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)
