"""ジョブ: start an import and a 当初賦課 in the background, follow them, see the result (counts, and each
rejected record's file, line and item) — and the policy refusing a job the declared 利用目的 does not allow."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import FISCAL_YEAR, shot, sign_in

from adapters.persistence.jobs import JobStore
from conftest import Served
from domain.shared.purpose import Purpose
from domain.staff.values import Role

pytestmark = pytest.mark.browser

#: A valid 法人番号 (check digit 9) and one whose check digit is wrong, in the 特別徴収義務者台帳 layout.
EMPLOYERS = (
    "指定番号,法人番号,名称,カナ名称,所在地,郵便番号,電話番号,担当部署,メールアドレス\n"
    "29000001,{good},株式会社ジョブ試験,カブシキガイシャ　ジョブシケン,東京都目黒区上目黒二丁目１９番１５号,"
    "153-0051,03-3715-1111,人事部,jobs@example.jp\n"
    "29000002,{bad},株式会社ジョブ不備,カブシキガイシャ　ジョブフビ,東京都目黒区上目黒二丁目１９番１５号,"
    "153-0051,03-3715-1112,人事部,jobs2@example.jp\n"
)


def _corporate_numbers(served: Served) -> tuple[str, str]:
    """A valid 法人番号 from the generated 台帳, and the same with its check digit changed."""
    line = (served.ward.data_dir / "employers.csv").read_text(encoding="utf-8").splitlines()[1]
    good = line.split(",")[1]
    bad = str((int(good[0]) % 9) + 1) + good[1:] if good[0] != "0" else "1" + good[1:]
    return good, bad


def test_import_job_shows_counts_and_rejected_lines(page: Any, served: Served, tmp_path: Any) -> None:
    ward = served.ward
    good, bad = _corporate_numbers(served)
    path = tmp_path / "employers_jobs.csv"
    path.write_text(EMPLOYERS.format(good=good, bad=bad), encoding="utf-8")
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "INTAKE")
    start = ward.c.app.head()
    page.goto("/console/jobs")
    page.get_by_label("取込種別").select_option("employers")
    page.get_by_label("ファイル").set_input_files(str(path))
    page.locator("#start-import").click()
    assert page.locator("#job-status").inner_text() == "完了", "embedded mode runs the job before answering"
    counts = {k: int(page.locator(f"#{k}").inner_text()) for k in ("received", "accepted", "rejected", "gap")}
    assert counts == {"received": 2, "accepted": 1, "rejected": 1, "gap": 0}
    errors = page.locator("#errors tbody tr")
    assert errors.count() == 1
    cells = [errors.nth(0).locator("td").nth(i).inner_text() for i in range(3)]
    assert cells[0] == "employers_jobs.csv" and cells[1] == "3" and cells[2] == "法人番号"
    assert bad not in page.content(), "the rejected value itself is never shown"
    shot(page, "16-job-result")

    job_id = page.locator("#job-id").inner_text()
    job = JobStore(ward.c.db).get(job_id)
    assert job is not None and job.actor == clerk and job.kind == "import"
    stored = [e for e in ward.events_since(start) if getattr(e, "actor", None) == clerk]
    assert stored and all(e.purpose is Purpose.INTAKE for e in stored), "the job ran as the clerk"

    # The same file again: the existing job, nothing imported twice.
    page.goto("/console/jobs")
    page.get_by_label("取込種別").select_option("employers")
    page.get_by_label("ファイル").set_input_files(str(path))
    page.locator("#start-import").click()
    assert page.locator("#job-id").inner_text() == job_id
    page.goto("/console/jobs")
    assert page.locator("#jobs tbody tr").count() >= 1
    shot(page, "17-jobs")


def test_levy_job_needs_the_purpose_and_reports_its_result(page: Any, served: Served) -> None:
    ward = served.ward
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "INTAKE")
    start = ward.c.app.head()
    page.goto("/console/jobs")
    page.get_by_label("年度（西暦）").fill(str(FISCAL_YEAR))
    page.locator("#start-levy").click()
    assert "利用目的" in page.locator("#refused").inner_text(), "当初賦課 only under its own 利用目的"
    refusals = [e for e in ward.events_since(start) if type(e).__name__ == "AccessDenied"]
    assert refusals and refusals[-1].actor == clerk
    assert not [j for j in JobStore(ward.c.db).list() if j.kind == "levy" and j.actor == clerk]

    page.locator("#purpose-select").select_option("INITIAL_LEVY")
    page.get_by_role("button", name="変更").click()
    page.goto("/console/jobs")
    page.get_by_label("年度（西暦）").fill(str(FISCAL_YEAR))
    page.locator("#start-levy").click()
    assert page.locator("#job-status").inner_text() == "完了"
    job = JobStore(ward.c.db).get(page.locator("#job-id").inner_text())
    assert job is not None and job.result is not None and job.actor == clerk
    assert page.locator("#levied").inner_text() == f"{job.result['levied']}件"
    assert page.locator("#skipped").inner_text() == f"{job.result['skipped']}件"
    assert job.result["skipped"] > 0, "the ward was levied already: nobody is levied twice"

    page.goto("/console/jobs")
    page.get_by_label("年度（西暦）").fill("1999")
    page.locator("#start-levy").click()
    assert "2000〜2100年" in page.locator("#message").inner_text()
