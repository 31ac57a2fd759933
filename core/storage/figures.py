"""The SQL of the report's figures and of the end-of-day summary (the rules are in core/stats.py).

Three aggregate queries per report, ``GROUP BY field``: one over the dossiers received in the
period, two over those carried over into it, each found by an index range, so a year on a
million dossiers costs about one pass over the rows that belong to the period. Timestamps are
ISO text with the fixed +07:00 offset (a "C" collation on PostgreSQL), so they compare as text,
the same way on both backends. Counting is by CASE (SQLite could sum booleans, PostgreSQL cannot).
"""

from __future__ import annotations

from typing import Any

from core.model import Channel, EventKind, Status
from core.storage.rows import in_list

_SUPP_REQ = EventKind.SUPPLEMENT_REQUESTED.value
_PAUSES = in_list((EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_RECEIVED))
_DONE = in_list((Status.RESOLVED, Status.RETURNED))
_RUNNING = in_list((Status.RECEIVED, Status.IN_PROGRESS))

# Was the dossier awaiting supplementary documents at the cut-off? The last supplement event
# before ``:bound`` decides (events_dossier index: a handful of rows per dossier). Only evaluated
# for open dossiers already past due: CASE WHEN ... AND ... stops at the first false term.
_PAUSED_AT_CUTOFF = (
    "(SELECT e.kind FROM events e WHERE e.dossier_id = d.id "
    f"AND e.kind IN {_PAUSES} AND e.at < :bound "
    f"ORDER BY e.at DESC, e.id DESC LIMIT 1) = '{_SUPP_REQ}'"
)
_PENDING = "(d.outcome_at IS NULL OR d.outcome_at >= :after)"

# The inner query gives each dossier its class ``k``: 0 early, 1 on time (withdrawn, stopped
# and refused included), 2 late, 3 pending in time, 4 pending overdue. "Early" compares dates:
# an outcome before the due day's date text sorts before it. ``{no_flatten}`` keeps the inner
# query from being merged into the outer one (SQLite: about 20 % faster on a year).
_FIGURES_SQL = f"""
SELECT field, COUNT(*) AS received, SUM(online) AS online,
       SUM(CASE WHEN k <= 2 THEN 1 ELSE 0 END) AS resolved,
       SUM(CASE WHEN k = 0 THEN 1 ELSE 0 END) AS early,
       SUM(CASE WHEN k = 2 THEN 1 ELSE 0 END) AS late,
       SUM(CASE WHEN k = 4 THEN 1 ELSE 0 END) AS overdue
FROM (
  SELECT d.field AS field, CASE WHEN d.channel = '{Channel.ONLINE.value}' THEN 1 ELSE 0 END AS online,
    CASE WHEN d.outcome_at < :after THEN
           CASE WHEN d.status NOT IN {_DONE} THEN 1
                WHEN d.outcome_at < substr(d.due_at, 1, 10) THEN 0
                WHEN d.outcome_at > d.due_at THEN 2
                ELSE 1 END
         WHEN d.due_at < :cut AND NOT coalesce({_PAUSED_AT_CUTOFF}, FALSE) THEN 4
         ELSE 3 END AS k
  FROM dossiers d
  WHERE {{where}}
  {{no_flatten}}
) AS classes
GROUP BY field
"""
_PARTS = (
    ("d.received_at >= :start AND d.received_at < :after", False),
    # carried over, with an outcome since: one range of dossiers_outcome_received
    ("d.outcome_at >= :start AND d.received_at < :start", True),
    # carried over, still open: the NULL end of the same index
    ("d.outcome_at IS NULL AND d.received_at < :start", True),
)

# Open at the cut-off with a stored due moment after it, and a supplement pause that began
# after the cut-off and has ended since: the stored due moment counts that pause, which the
# cut-off could not know. Few rows; core/stats.py re-derives their due moment at the cut-off.
LATER_PAUSE_SQL = f"""
SELECT DISTINCT d.id, d.field, d.received_at, d.working_days, d.cutoff_applies
FROM events s JOIN dossiers d ON d.id = s.dossier_id
WHERE s.kind = '{EventKind.SUPPLEMENT_RECEIVED.value}' AND s.at >= :bound
  AND d.received_at < :after AND {_PENDING} AND d.due_at >= :cut
  AND NOT coalesce({_PAUSED_AT_CUTOFF}, FALSE)
"""

# One index range per figure (an OR across columns would read the whole table; ``{no_index}``
# keeps SQLite off the status index, where "resolved or returned" is nearly every row).
# Returns are counted from their events (events_kind_at).
DAY_SQL = f"""
SELECT
  (SELECT COUNT(*) FROM dossiers WHERE received_at >= :start AND received_at < :after),
  (SELECT COUNT(*) FROM dossiers WHERE outcome_at >= :start AND outcome_at < :after
     AND {{no_index}}status IN {_DONE}),
  (SELECT COUNT(*) FROM events WHERE kind = '{EventKind.RETURNED.value}' AND at >= :start AND at < :after),
  (SELECT COUNT(*) FROM dossiers WHERE status IN {_RUNNING}
     AND due_at >= :next_start AND due_at < :next_after),
  (SELECT COUNT(*) FROM dossiers WHERE status IN {_RUNNING} AND due_at < :cut)
"""
DAY_FIELD_SQL = """
SELECT field, COUNT(*) FROM dossiers WHERE received_at >= :start AND received_at < :after GROUP BY field
"""


def figures_sql(no_flatten: str) -> list[tuple[str, bool]]:
    """The three parts' statements for one engine, with whether each counts carried-over rows."""
    return [(_FIGURES_SQL.format(where=w, no_flatten=no_flatten), carried) for w, carried in _PARTS]


class FiguresMixin:
    """Aggregates for ``core.stats``; stored text in (ISO moments), plain tuples out."""

    NO_FLATTEN: str
    NO_INDEX: str
    _figures_sql: list[tuple[str, bool]] | None = None

    def figure_parts(self, params: dict[str, Any]) -> list[tuple[list[tuple], bool]]:
        """Per-field sums of the three parts: (field, received, online, resolved, early, late, overdue)."""
        if self._figures_sql is None:
            type(self)._figures_sql = figures_sql(self.NO_FLATTEN)
        return [
            ([tuple(r) for r in self._tuples(sql, params)], carried) for sql, carried in self._figures_sql
        ]

    def later_pause_rows(self, params: dict[str, Any]) -> list[tuple]:
        return [tuple(r) for r in self._tuples(LATER_PAUSE_SQL, params)]

    def day_counts(self, params: dict[str, Any]) -> tuple[int, ...]:
        row = self._one(DAY_SQL.format(no_index=self.NO_INDEX), params)
        return tuple(int(v or 0) for v in row)

    def day_by_field(self, params: dict[str, Any]) -> dict[str, int]:
        return {f: int(n) for f, n in self._tuples(DAY_FIELD_SQL, params)}
