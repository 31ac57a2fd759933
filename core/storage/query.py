"""Finding dossiers: the query the dossier table, search and quick filters send to the store.

Sorting, filtering, paging and search all run in SQL, so the table stays instant at hundreds
of thousands of rows. Search is over a folded search key (``rows.dossier_search_key``): every
typed token must occur in it as a substring. SQLite answers that with an FTS5 trigram index
(tokens of 3+ characters) plus LIKE for shorter ones; PostgreSQL with LIKE on a pg_trgm GIN
index. Same substring rule on the same folded text: the same dossiers on both backends. A code
typed from its start uses the code index instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from core.model import OPEN_STATUSES, Dossier, Status
from core.storage.rows import dossier_from_row, in_list
from core.text import fold, nfc
from core.timeutil import end_of_day, start_of_day, to_db

DOSSIER_SORT_COLUMNS = {
    "code": "d.code",
    "applicant": "d.applicant",
    "procedure": "d.procedure_name",
    "field": "d.field",
    "received_at": "d.received_at",
    "due_at": "d.due_at",
    "status": "d.status",
    "phone": "d.phone",
    "channel": "d.channel",
    "outcome_at": "d.outcome_at",
    "returned_at": "d.returned_at",
}
# Sort columns that are never NULL: a page after a known row is found by keyset (the row's sort
# value and id), which costs the same at row 1,000,000 as at row 200. The two nullable moments
# sort NULLs differently on SQLite and PostgreSQL, so their pages use OFFSET.
KEYSET_SORTS = {
    "code": lambda d: d.code,
    "applicant": lambda d: d.applicant,
    "procedure": lambda d: d.procedure_name,
    "field": lambda d: d.field,
    "received_at": lambda d: to_db(d.received_at),
    "due_at": lambda d: to_db(d.due_at),
    "status": lambda d: Status(d.status).value,
    "phone": lambda d: d.phone,
    "channel": lambda d: str(getattr(d.channel, "value", d.channel)),
}


class QuickFilter(StrEnum):
    ALL = "all"
    RECEIVED_TODAY = "received_today"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_2_days"
    OVERDUE = "overdue"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    READY_TO_RETURN = "ready_to_return"
    RETURNED_TODAY = "returned_today"
    OPEN = "open"

    @property
    def label(self) -> str:
        return {
            "all": "Tất cả",
            "received_today": "Nhận hôm nay",
            "due_today": "Đến hạn hôm nay",
            "due_2_days": "Đến hạn trong 2 ngày",
            "overdue": "Quá hạn",
            "awaiting_supplement": "Chờ bổ sung",
            "ready_to_return": "Chờ trả kết quả",
            "returned_today": "Đã trả hôm nay",
            "open": "Đang giải quyết",
        }[self.value]


@dataclass(frozen=True)
class DossierQuery:
    """What the dossier table asks for; filtering, sorting and paging all run in SQL."""

    text: str = ""
    quick: QuickFilter = QuickFilter.ALL
    status: Status | None = None
    field: str = ""
    received_from: date | None = None
    received_to: date | None = None
    sort: str = "received_at"
    descending: bool = True
    offset: int = 0
    limit: int = 200
    after: tuple[Any, int] | None = None  # keyset: the page after (sort value, id); offset unused
    now: datetime | None = None  # "today" for the quick filters; required by those that need it
    due_soon_until: datetime | None = None  # computed by the register from the calendar


BROAD_CODE_PREFIX = 2000  # codes sharing a typed prefix above which the sort order leads the search
# Trigram matches above which SQLite reads a search along the sort order instead of the index.
# The cross-over measured on a million dossiers (bench/bench_gui.py): sorting 20,000 index hits
# costs what walking the sort order does at a 2% density, about 20 ms.
BROAD_TEXT = 20_000
_OPEN = in_list(sorted(OPEN_STATUSES))
_RUNNING = in_list((Status.RECEIVED, Status.IN_PROGRESS))  # open, clock running (a pause is in time)


def like_pattern(token: str) -> str:
    return "%" + token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_query(text: str) -> tuple[str, list[str]]:
    """Split folded text into an FTS5 trigram MATCH (tokens of 3+) and LIKE patterns (shorter)."""
    tokens = fold(text).split()
    long = [t for t in tokens if len(t) >= 3]
    short = [t for t in tokens if len(t) < 3]
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long)
    return match, [like_pattern(t) for t in short]


def page_after(q: DossierQuery, last: Dossier, offset: int) -> DossierQuery:
    """The query for the page that follows ``last`` (the last row of the page before): by keyset
    where the sort column allows it, else by ``offset`` (the row number of the page's first row)."""
    value = KEYSET_SORTS.get(q.sort)
    if value is None:
        return replace(q, offset=offset, after=None)
    return replace(q, offset=0, after=(value(last), last.id))


class DossierQueryMixin:
    """``query_dossiers`` / ``count_dossiers``; the text-search clause is the backend's."""

    NO_INDEX: str

    def _text_clauses(self, text: str, counting: bool = False) -> tuple[list[str], list[Any]]:
        """The search's clauses; ``counting``: for a COUNT, where no sort order can lead."""
        raise NotImplementedError

    def _where(self, q: DossierQuery, counting: bool = False) -> tuple[str, list[Any]]:
        clauses, params = [], []
        prefix, broad = self._code_prefix(q.text)
        if prefix:
            # Typed from the agency prefix every code shares: the trigram index would match
            # every row until the date part is typed; the code index answers a prefix at once.
            # A broad prefix ("000.17.22.H56-") is filtered along the sort order instead (kept
            # off the code index), so the first page comes without sorting them all.
            column = f"{self.NO_INDEX}d.code" if broad and not counting else "d.code"
            clauses.append(f"{column} >= ? AND {column} < ?")
            params += [prefix, prefix + "\uffff"]
            edge = None
            if broad and not counting and q.sort == "received_at":
                edge = self._code_range_edge(prefix, newest=q.descending)
            if edge is not None:
                # Codes carry their day: the matches of an old year lie far down the sort
                # order. Start the walk at the newest (oldest) match, found on the index.
                clauses.append(f"d.received_at {'<=' if q.descending else '>='} ?")
                params.append(edge)
        elif q.text.strip():
            more, values = self._text_clauses(q.text, counting)
            clauses += more
            params += values
        if q.status:
            clauses.append("d.status = ?")
            params.append(Status(q.status).value)
        if q.field:
            clauses.append("d.field = ?")
            params.append(q.field)
        if q.received_from:
            clauses.append("d.received_at >= ?")
            params.append(to_db(start_of_day(q.received_from)))
        if q.received_to:
            clauses.append("d.received_at <= ?")
            params.append(to_db(end_of_day(q.received_to)))
        if q.quick != QuickFilter.ALL:
            at = q.now
            assert at is not None, "quick filters need DossierQuery.now"
            today = at.date()
            if q.quick == QuickFilter.RECEIVED_TODAY:
                clauses.append("d.received_at BETWEEN ? AND ?")
                params += [to_db(start_of_day(today)), to_db(end_of_day(today))]
            elif q.quick == QuickFilter.DUE_TODAY:
                clauses.append(f"d.status IN {_RUNNING} AND d.due_at BETWEEN ? AND ?")
                params += [to_db(at), to_db(end_of_day(today))]
            elif q.quick == QuickFilter.DUE_SOON:
                clauses.append(f"d.status IN {_RUNNING} AND d.due_at BETWEEN ? AND ?")
                params += [to_db(at), to_db(q.due_soon_until or end_of_day(today))]
            elif q.quick == QuickFilter.OVERDUE:
                clauses.append(f"d.status IN {_RUNNING} AND d.due_at < ?")
                params.append(to_db(at))
            elif q.quick == QuickFilter.AWAITING_SUPPLEMENT:
                clauses.append("d.status = ?")
                params.append(Status.AWAITING_SUPPLEMENT.value)
            elif q.quick == QuickFilter.READY_TO_RETURN:
                clauses.append("d.status = ?")
                params.append(Status.RESOLVED.value)
            elif q.quick == QuickFilter.RETURNED_TODAY:  # the Today tile's count (core.today)
                clauses.append("d.status = ? AND d.returned_at BETWEEN ? AND ?")
                params += [Status.RETURNED.value, to_db(start_of_day(today)), to_db(end_of_day(today))]
            elif q.quick == QuickFilter.OPEN:
                clauses.append(f"d.status IN {_OPEN}")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _code_prefix(self, text: str) -> tuple[str, bool]:
        """(``text`` upper-cased, whether many codes share it) when it starts some dossier code.

        Only one token with '.' or '-' qualifies: names, ID numbers and phones never do.
        """
        token = nfc(text).strip().upper()
        if not token or " " in token or not ("." in token or "-" in token):
            return "", False
        hits = self._scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM dossiers WHERE code >= ? AND code < ? LIMIT ?) AS hits",
            [token, token + "\uffff", BROAD_CODE_PREFIX + 1],
        )
        return (token, hits > BROAD_CODE_PREFIX) if hits else ("", False)

    def _code_range_edge(self, prefix: str, newest: bool) -> str | None:
        """The latest (or earliest) moment of receipt among the codes starting with ``prefix``,
        read from the (code, received_at) index alone (``+`` keeps SQLite off the received_at
        index, which would walk the sort order to the first match: the slow case itself; so
        would PostgreSQL, 360 ms for an old year of a million dossiers, 4-28 ms this way).

        ``None`` when the first dossier of the sort order matches already (the walk starts on a
        match; and the agency prefix every code shares would cost a scan of the whole index).
        """
        first = self._scalar(
            f"SELECT code FROM dossiers ORDER BY received_at {'DESC' if newest else 'ASC'} LIMIT 1"
        )
        if first is None or first.startswith(prefix):
            return None
        moment = f"{'MAX' if newest else 'MIN'}({self.unindexed_text('received_at')})"
        return self._scalar(
            f"SELECT {moment} FROM dossiers WHERE code >= ? AND code < ?",
            [prefix, prefix + "\uffff"],
        )

    def query_dossiers(self, q: DossierQuery) -> list[Dossier]:
        where, params = self._where(q)
        column = DOSSIER_SORT_COLUMNS.get(q.sort, "d.received_at")
        direction = "DESC" if q.descending else "ASC"
        offset = q.offset
        if q.after is not None and q.sort in KEYSET_SORTS:
            # The rows after the last one shown, in the same order: a row-value comparison
            # that walks the sort index from that row (both engines), instead of skipping
            # ``offset`` rows one by one.
            where += (
                " AND " if where else " WHERE "
            ) + f"({column}, d.id) {'<' if q.descending else '>'} (?, ?)"
            params = [*params, *q.after]
            offset = 0
        sql = (
            f"SELECT d.* FROM dossiers d{where} ORDER BY {column} {direction}, d.id {direction}"
            " LIMIT ? OFFSET ?"
        )
        return [dossier_from_row(r) for r in self._rows(sql, [*params, q.limit, offset])]

    def count_dossiers(self, q: DossierQuery) -> int:
        where, params = self._where(q, counting=True)
        return self._scalar(f"SELECT COUNT(*) FROM dossiers d{where}", params)
