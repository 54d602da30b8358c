"""Batch hardening (issue 9): progress, manifest journal, memory, interruption."""

from __future__ import annotations

from types import SimpleNamespace

from affiches.cli.lot import Progress


def test_time_left_ignores_rows_already_up_to_date() -> None:
    progress = Progress(total=1000, quiet=True, tty=False)
    start = progress.start
    # 900 rows up to date in 9 s, none made yet: no rate to extrapolate from.
    assert progress.eta(SimpleNamespace(done=0, failed=0, skipped=900), 900, start + 9.0) == ""
    # then 10 made in 1 more second: 90 rows left at the rate of the rows made.
    assert progress.eta(SimpleNamespace(done=10, failed=0, skipped=900), 910, start + 10.0) \
        == " · reste ≈ 1 min 30 s"
    assert progress.eta(SimpleNamespace(done=100, failed=0, skipped=900), 1000, start + 20.0) == ""
