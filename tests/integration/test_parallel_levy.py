"""当初賦課 in several worker processes (``levy run --workers``; ADR 0015): the same assessments as one
process, each taxpayer once, and a rerun assesses no one twice."""

from __future__ import annotations

from typing import Any

from eventsourcing.utils import get_topic

from domain.assessment.assessment import Assessment
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.parallel_levy import run_levy
from tools.benchmarks.common import fresh_container, work_directory
from tools.benchmarks.workload import generate_ward, run_pipeline


def _assessments(c: Any) -> list[tuple[Any, ...]]:
    with c.db.transaction() as cur:
        cur.execute(
            "SELECT taxpayer_id, fiscal_year, status, total, payable, method, collector FROM rm_assessments"
            " ORDER BY taxpayer_id"
        )
        return [tuple(row) for row in cur.fetchall()]


def _levy_events(c: Any) -> int:
    with c.db.transaction() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM juminzei_events WHERE topic = %s", (get_topic(Assessment.Determined),)
        )
        return int(cur.fetchone()[0])


def test_two_worker_processes_store_what_one_process_stores(pg_database: str) -> None:
    with work_directory(None) as work:
        manifest, data_dir, _ = generate_ward(work, 160, 11, 2026)
        seen: dict[int, tuple[Any, ...]] = {}
        for workers in (1, 2):
            with fresh_container("postgres", f"levy{workers}", work, pg_database) as c:
                c.levy.chunk_size = 9  # several chunks per worker
                peaks: list[float] = []
                run = run_pipeline(c, manifest, data_dir, levy_workers=workers, worker_peaks_mib=peaks)
                assert len(peaks) == (2 if workers == 2 else 0) and all(p > 0 for p in peaks)
                assert run.levied > 0 and run.skipped == 0
                assessments = _assessments(c)
                assert len(assessments) == run.levied + run.non_taxable == _levy_events(c)
                assert len({a[0] for a in assessments}) == len(assessments), "each taxpayer assessed once"
                seen[workers] = (run.outcome(), assessments)
                if workers == 2:  # a rerun (e.g. after a crash) skips everyone already assessed
                    ctx = CommandContext(actor="job:test", purpose=Purpose.INITIAL_LEVY, command_id="again")
                    again = run_levy(c, 2026, ctx, workers=2)
                    assert again.levied == again.non_taxable == 0
                    assert again.skipped["賦課済み"] == len(assessments)
                    assert _levy_events(c) == len(assessments)
        assert seen[1] == seen[2]


def test_sqlite_runs_the_levy_in_this_process(tmp_path: Any) -> None:
    with fresh_container("sqlite", "levy", tmp_path) as c:
        manifest, data_dir, _ = generate_ward(tmp_path, 40, 5, 2026)
        run = run_pipeline(c, manifest, data_dir, levy_workers=4)
        assert run.levied > 0 and len(_assessments(c)) == run.levied + run.non_taxable
