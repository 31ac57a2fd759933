"""The SQL of the ward's service indicators (the definitions are in core/indicators.py).

Two aggregate queries, each one index range: the period's new dossiers (``dossiers_received``)
and the period's returns (``dossiers_returned``). Counting by CASE, moments compared as ISO
text, the same on both backends. Progress and the online share are not here: they come from
the report's own figures (``figures.py``), so they never disagree with the report.
"""

from __future__ import annotations

from typing import Any

from core.model import Channel, Satisfaction
from core.storage.rows import in_list

_ONLINE = Channel.ONLINE.value
_SATISFIED = in_list((Satisfaction.SATISFIED, Satisfaction.VERY_SATISFIED))

RECEIVED_SQL = f"""
SELECT
  SUM(CASE WHEN fee_collected > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN fee_collected > 0 AND payment = '{_ONLINE}' THEN 1 ELSE 0 END),
  SUM(CASE WHEN channel <> '{_ONLINE}' AND docs_to_digitise > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN channel <> '{_ONLINE}' AND docs_to_digitise > 0
            AND digitised_at IS NOT NULL AND digitised_at < :bound THEN 1 ELSE 0 END)
FROM dossiers
WHERE received_at >= :start AND received_at < :after
"""
RETURNED_SQL = f"""
SELECT
  COUNT(*),
  SUM(CASE WHEN satisfaction IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN satisfaction IN {_SATISFIED} THEN 1 ELSE 0 END),
  SUM(CASE WHEN result_digitised_at IS NOT NULL AND result_digitised_at < :bound THEN 1 ELSE 0 END)
FROM dossiers
WHERE returned_at >= :start AND returned_at < :after
"""


class IndicatorMixin:
    """Counts for ``core.indicators``; ISO moments in, named ints out."""

    def indicator_counts(self, params: dict[str, Any]) -> dict[str, int]:
        received = [int(v or 0) for v in self._one(RECEIVED_SQL, params)]
        returned = [int(v or 0) for v in self._one(RETURNED_SQL, params)]
        return {
            "with_fee": received[0],
            "fee_online": received[1],
            "paper_to_digitise": received[2],
            "paper_digitised": received[3],
            "returned": returned[0],
            "rated": returned[1],
            "satisfied": returned[2],
            "results_digitised": returned[3],
        }
