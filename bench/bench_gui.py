"""Benchmark of the counter window on a big register (100,000 dossiers by default;
``--dossiers 1000000`` is ten years of a big ward).

Prints, beside a bare baseline measured in the same run:
- time to first window: process start to the main window shown with its dossier table painted
  (login skipped: the session is given a known clerk), beside a bare ``QApplication`` showing an
  empty ``QMainWindow`` in a process of its own;
- time to apply each quick filter and to answer a keystroke in the search box (model reset until
  the visible rows are painted), beside the same ``COUNT`` + first page run with bare ``sqlite3``
  and the first page alone;
- peak memory (``ru_maxrss``) of both processes.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui.py [--dossiers N] [--db FILE]``.
The database is made fast: a realistic 2,000-dossier demo (every life-cycle step, on the real
register), then copied back in time in 63-day steps (weekdays kept) with plain inserts.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import median_ms  # noqa: E402  (bench/ is on sys.path when run)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEMPLATE = 2000
TEMPLATE_DAYS = 60
STEP_DAYS = 63  # > TEMPLATE_DAYS and a multiple of 7: copies never share a day and keep weekdays
MOMENTS = ("received_at", "due_at", "outcome_at", "returned_at", "new_appointment_at")


# --- the database -----------------------------------------------------------------------------
def build(path: Path, count: int) -> None:
    from core.demo import make_demo
    from core.register import Register
    from core.store import dossier_search_key

    reg = Register.open(path)
    make_demo(reg, dossiers=min(TEMPLATE, count), days=TEMPLATE_DAYS)
    reg.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.row_factory = sqlite3.Row
    dossiers = [dict(r) for r in db.execute("SELECT * FROM dossiers ORDER BY id")]
    events: dict[int, list[dict]] = {}
    for r in db.execute("SELECT * FROM events ORDER BY id"):
        events.setdefault(r["dossier_id"], []).append(dict(r))
    columns = [c for c in dossiers[0] if c != "id"]
    insert = f"INSERT INTO dossiers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    ev_columns = [c for c in next(iter(events.values()))[0] if c not in ("id", "dossier_id")]
    ev_insert = (
        f"INSERT INTO events (dossier_id, {', '.join(ev_columns)}) "
        f"VALUES (?, {', '.join('?' * len(ev_columns))})"
    )
    made = len(dossiers)
    copy = 0
    db.execute("BEGIN")
    while made < count:
        copy += 1
        shift = timedelta(days=STEP_DAYS * copy)
        for d in dossiers[: count - made]:
            row = dict(d)
            for key in MOMENTS:
                if row[key]:
                    row[key] = (datetime.fromisoformat(row[key]) - shift).isoformat()
            agency, _day, seq = row["code"].rsplit("-", 2)
            row["code"] = f"{agency}-{datetime.fromisoformat(row['received_at']):%y%m%d}-{seq}"
            row["search_key"] = dossier_search_key(
                row["applicant"], row["code"], row["id_number"], row["phone"]
            )
            new_id = db.execute(insert, [row[c] for c in columns]).lastrowid
            db.executemany(
                ev_insert,
                [
                    [new_id, *[(datetime.fromisoformat(e[c]) - shift).isoformat() if c == "at" else e[c]
                               for c in ev_columns]]
                    for e in events.get(d["id"], [])
                ],
            )  # fmt: skip
            made += 1
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


# --- the child processes ----------------------------------------------------------------------
def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _say(tag: str, **data) -> None:
    print(tag, json.dumps(data), flush=True)


def child_bare() -> None:
    """A bare QApplication with an empty QMainWindow: the floor for time to first window."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    _say("READY", peak_mb=_peak_mb())


def _no_modals() -> None:
    """A message box would wait forever for a click: say it on stderr and stop instead."""
    from gui.prompts import Prompts, set_prompts

    class Loud(Prompts):
        def error(self, parent, message):
            print(f"error shown to the user: {message}", file=sys.stderr, flush=True)
            os._exit(3)

        def info(self, parent, message):
            print(f"info: {message}", file=sys.stderr, flush=True)

    set_prompts(Loud())


def child_window(db_path: str, repeat: int, start_only: bool = False) -> None:
    """The real window on the big database; then filters and keystrokes timed on it."""
    t0 = time.perf_counter()
    from gui.app import application

    app = application()
    from core.register import Register
    from gui.main_window import MainWindow
    from gui.session import Session

    t_import = time.perf_counter()
    _no_modals()
    register = Register.open(db_path)
    session = Session(register)
    session.set_user(register.user("canbo1"))
    window = MainWindow(session)
    t_built = time.perf_counter()
    window.show()
    view = window.show_screen("dossiers")
    while view.model.fetches == 0:  # the visible rows painted (the model fetches on paint)
        app.processEvents()
    _say(
        "READY",
        imports_ms=(t_import - t0) * 1000,
        built_ms=(t_built - t_import) * 1000,
        painted_ms=(time.perf_counter() - t_built) * 1000,
    )
    from gui.tasks import wait_for_idle

    wait_for_idle()
    app.processEvents()
    _say("SETTLED")
    if start_only:
        _say("DONE", peak_mb=_peak_mb(), debounce_ms=0)
        return

    store = register.store
    bare = sqlite3.connect(db_path, isolation_level=None)

    def painted(action) -> None:
        """Run ``action`` (which resets the model), then paint until the rows are fetched."""
        before = view.model.fetches
        action()
        app.processEvents()
        if view.model.total and view.model.fetches == before:
            raise RuntimeError("the table did not repaint")

    def bare_query(q, count: bool = True) -> None:
        """The very SQL the model runs, on a bare connection: with the COUNT of every match
        (what a table that shows its total at once must run), or the first page alone."""
        q = register._with_now(q)
        if count:
            where, params = store._where(q, counting=True)
            bare.execute(f"SELECT COUNT(*) FROM dossiers d{where}", params).fetchone()
        where, params = store._where(q)
        bare.execute(  # LIMIT bound as the store binds it: a literal 200 changes SQLite's plan
            f"SELECT * FROM dossiers d{where} ORDER BY d.received_at DESC, d.id DESC LIMIT ? OFFSET ?",
            [*params, 200, 0],
        ).fetchall()

    from core.store import QuickFilter
    from gui.views.dossiers import QUICK, SEARCH_DELAY_MS

    for q in QUICK:
        ours = median_ms(lambda q=q: painted(lambda: view.set_quick_filter(q)), repeat)
        base = median_ms(lambda q=q: bare_query(view.model.query), repeat)
        page = median_ms(lambda q=q: bare_query(view.model.query, count=False), repeat)
        _say("FILTER", label=q.label, rows=view.model.total, ours=ours, bare=base, page=page)
    view.set_quick_filter(QuickFilter.ALL)

    middle = register.store.db.execute(
        "SELECT code, applicant, id_number FROM dossiers WHERE id = (SELECT MAX(id) / 2 FROM dossiers)"
    ).fetchone()
    code, applicant, id_number = middle
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    from core.text import fold

    def press(ch: str) -> None:
        """One real key press and release in the search box, as the keyboard sends them."""
        key = ord(ch.upper()) if ch.isascii() and ch.isalnum() else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            app.sendEvent(view.search, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))

    def answered(target: str) -> None:
        """Spin the event loop until the table shows the rows for ``target``."""
        while view.model.query.text != target:
            app.processEvents()
            time.sleep(0.0005)
        app.processEvents()  # paint

    for label, text in (
        ("name, accent-free", fold(applicant)),
        ("code, date-number tail", code.rsplit("-", 2)[1] + "-" + code.rsplit("-", 1)[1]),
        ("code, whole (agency prefix first)", code),
        ("ID number", id_number),
    ):
        for n in range(1, len(text) + 1):
            prefix = text[:n]

            def keystroke(prefix=prefix):
                view.search.setText(prefix)  # the debounce timer starts; we fire it now
                view.search_timer.stop()
                view.apply_query()

            ours = median_ms(lambda k=keystroke: painted(k), repeat)
            base = median_ms(lambda p=prefix: bare_query(view.model.query), repeat)
            page = median_ms(lambda p=prefix: bare_query(view.model.query, count=False), repeat)
            _say("KEY", search=label, text=prefix, rows=view.model.total, ours=ours, bare=base, page=page)
        # End to end: real key events, the typing pause included, until the rows are painted.
        for _ in range(max(1, repeat // 2)):
            view.search.setText("")
            view.search_timer.stop()
            view.apply_query()
            app.processEvents()
            for n, ch in enumerate(text, 1):
                t0 = time.perf_counter()
                press(ch)
                answered(text[:n])
                _say("TYPED", search=label, text=text[:n], ms=(time.perf_counter() - t0) * 1000)
    view.search.setText("")
    view.search_timer.stop()
    reports_figures(app, window, register)
    _say("DONE", peak_mb=_peak_mb(), debounce_ms=SEARCH_DELAY_MS)
    bare.close()
    window.close()
    register.close()


def reports_figures(app, window, register) -> None:
    """F6, then a period's figures on screen (computed off the GUI thread) beside core.stats alone."""
    from core.periods import preset_period
    from core.stats import compute

    t0 = time.perf_counter()
    reports = window.show_screen("reports")
    tab = reports.period_tab
    while tab.live is None:
        app.processEvents()
        time.sleep(0.0005)
    app.processEvents()
    first = (time.perf_counter() - t0) * 1000
    base = median_ms(lambda: compute(register, tab.period()), 1)
    _say("REPORT", label="F6: reports screen built, official month shown", ours=first, bare=base)
    today = register.now().date()
    for preset in ("official-month", "year"):
        period = preset_period(preset, today.replace(year=today.year - 1))

        def shown(preset=preset):
            tab.live = None
            tab.set_preset(preset, today.replace(year=today.year - 1))
            while tab.live is None:
                app.processEvents()
                time.sleep(0.0005)
            app.processEvents()

        ours = median_ms(shown, 3)
        base = median_ms(lambda period=period: compute(register, period), 3)
        _say("REPORT", label=f"{preset} of last year: figures on screen", ours=ours, bare=base)


# --- the parent -------------------------------------------------------------------------------
def run_child(args: list[str]) -> tuple[float, dict[str, list[dict]]]:
    """Start a child; return seconds from start to its READY line, and every line it printed."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=os.environ
    )
    ready = 0.0
    lines: dict[str, list[dict]] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        tag, _, data = line.partition(" ")
        if tag == "READY":
            ready = time.perf_counter() - t0
        if tag.isupper():
            lines.setdefault(tag, []).append(json.loads(data) if data.strip() else {})
    if proc.wait() != 0:
        raise SystemExit(f"child {args} failed")
    return ready, lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse (or make) this database file")
    parser.add_argument("--starts", type=int, default=3, help="process starts of each kind")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--start-only", action="store_true", help="time to first window and memory only")
    parser.add_argument("--child", choices=["bare", "window"])
    args = parser.parse_args()
    if args.child == "bare":
        return child_bare()
    if args.child == "window":
        return child_window(str(args.db), args.repeat, args.start_only)

    path = args.db or Path(tempfile.mkdtemp(prefix="motcua-bench-gui-")) / "bench.sqlite3"
    if not path.exists():
        t0 = time.perf_counter()
        build(path, args.dossiers)
        print(f"built {args.dossiers:,} dossiers in {time.perf_counter() - t0:.1f} s ({path})")
    with sqlite3.connect(path) as db:
        n = db.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
    print(f"database: {n:,} dossiers, {path.stat().st_size / 1e6:.0f} MB")

    bare_runs = [run_child(["--child", "bare"]) for _ in range(args.starts)]
    window_runs = [
        run_child(
            ["--child", "window", "--db", str(path), "--repeat", str(args.repeat)]
            + (["--start-only"] if args.start_only else [])
        )
        for _ in range(args.starts)
    ]
    bare_start = statistics.median(r[0] for r in bare_runs)
    ours_start = statistics.median(r[0] for r in window_runs)
    lines = sorted(window_runs, key=lambda r: r[0])[len(window_runs) // 2][1]  # the median start
    stages = lines["READY"][0]
    print(f"\n{'time to first window':52} {'MotCua':>10} {'bare':>9}")
    print(f"{'process start to window shown, table painted (s)':52} {ours_start:10.2f} {bare_start:9.2f}")
    print(
        f"  (imports {stages['imports_ms']:.0f} ms, screens built {stages['built_ms']:.0f} ms, "
        f"shown and painted {stages['painted_ms']:.0f} ms; median of {args.starts} starts)"
    )
    done = lines["DONE"][0]
    bare_mb = statistics.median(r[1]["READY"][0]["peak_mb"] for r in bare_runs)
    if args.start_only:
        print(f"\n{'peak memory after start (ru_maxrss, MB)':52} {done['peak_mb']:10.0f} {bare_mb:9.0f}")
        return
    print("\nbare: the same SQL on a bare sqlite3 connection, COUNT of every match + first page,")
    print("      and the first page alone (the floor of a table that counts later)")
    print(f"\n{'quick filter (rows)':52} {'MotCua ms':>10} {'bare ms':>9} {'page ms':>9}")
    for f in lines["FILTER"]:
        label = f"{f['label']} ({f['rows']:,})"
        print(f"{label:52} {f['ours']:10.1f} {f['bare']:9.1f} {f['page']:9.1f}")
    heading = "search keystroke (model reset until rows painted)"
    print(f"\n{heading:52} {'MotCua ms':>10} {'bare ms':>9} {'page ms':>9}")
    keys = lines["KEY"]
    for search in dict.fromkeys(k["search"] for k in keys):
        mine = [k for k in keys if k["search"] == search]
        worst = max(mine, key=lambda k: k["ours"])
        median_ours = statistics.median(k["ours"] for k in mine)
        median_bare = statistics.median(k["bare"] for k in mine)
        median_page = statistics.median(k["page"] for k in mine)
        label = f"{search}: median of {len(mine)}"
        print(f"{label:52} {median_ours:10.1f} {median_bare:9.1f} {median_page:9.1f}")
        label = f"  worst: '{worst['text']}' ({worst['rows']:,} rows)"
        print(f"{label:52} {worst['ours']:10.1f} {worst['bare']:9.1f} {worst['page']:9.1f}")
    pause = f"  typing pause of {done['debounce_ms']} ms included)"
    print(f"\n{'keystroke answered end to end (key event to rows painted,':52}")
    print(f"{pause:52} {'median ms':>10} {'worst ms':>9}")
    typed = lines["TYPED"]
    for search in dict.fromkeys(k["search"] for k in typed):
        ms = [k["ms"] for k in typed if k["search"] == search]
        print(f"{search:52} {statistics.median(ms):10.1f} {max(ms):9.1f}")
    print(f"\n{'reports screen (bare: core.stats.compute alone)':52} {'MotCua ms':>10} {'bare ms':>9}")
    for r in lines.get("REPORT", []):
        print(f"{r['label']:52} {r['ours']:10.1f} {r['bare']:9.1f}")
    print(f"\n{'peak memory (ru_maxrss, MB)':52} {'MotCua':>10} {'bare':>9}")
    print(f"{'after start, filters and searches':52} {done['peak_mb']:10.0f} {bare_mb:9.0f}")


if __name__ == "__main__":
    main()
