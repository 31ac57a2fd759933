"""What the trust checks cost: row seals on every intake, and ``audit verify`` with seals.

Prints, in the same run on the same machine:
- an intake commit with its row seal (MotCua as shipped) beside the same intake with the seal
  left out (the bare baseline: the audit chain alone);
- ``audit verify``'s rows-against-seals pass (``core.tamper.examine``) beside the bare chain
  walk (``core.audit.verify``) on a demo register.

Run: ``.venv/bin/python bench/bench_trust.py [--dossiers N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import median_ms  # noqa: E402  (bench/ is on sys.path when run)

from core import audit, tamper  # noqa: E402
from core import audit_state as seals  # noqa: E402
from core.demo import make_demo  # noqa: E402
from core.model import IntakeForm  # noqa: E402
from core.register import Register  # noqa: E402
from core.timeutil import VN_TZ  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    end = datetime(2026, 11, 23, 17, 0, tzinfo=VN_TZ)
    reg = Register.open(folder / "motcua.sqlite3", clock=lambda: end)
    make_demo(reg, dossiers=args.dossiers, days=120, end=end)
    clerk = reg.user("canbo1")
    form = IntakeForm(procedure_code="1.004222", applicant="Nguyễn Thị Ưởng", id_number="001190012345")
    moments = iter(end - timedelta(minutes=i) for i in range(1, 100_000))

    def intake() -> None:
        reg.intake(form, clerk, at=next(moments))

    sealed_runs, bare_runs = [], []
    for _ in range(5):  # interleaved, so a busy moment of the machine weighs on both alike
        sealed_runs.append(median_ms(intake, 40))
        with mock.patch.object(seals, "state_of", lambda *a: ""):
            bare_runs.append(median_ms(intake, 40))
    sealed, bare = statistics.median(sealed_runs), statistics.median(bare_runs)
    entries = len(reg.store.audit_rows())
    chain = median_ms(lambda: audit.verify(reg.store), 5)
    rows = median_ms(lambda: tamper.examine(reg.store), 5)
    print(f"Register: {reg.store.dossier_count()} dossiers, {entries} audit entries")
    print(f"Intake commit: {sealed:.2f} ms with the row seal | {bare:.2f} ms without (bare chain)")
    print(f"audit verify: chain walk {chain:.0f} ms (bare) | rows against seals +{rows:.0f} ms")
    reg.close()


if __name__ == "__main__":
    main()
