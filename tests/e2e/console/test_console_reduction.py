"""減免: preview before/after per 期別, application by one clerk, decision by another, 税額変更通知書 as a PDF."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.assessment.assessment import Assessment
from domain.shared.purpose import Purpose
from domain.staff.values import Role

pytestmark = pytest.mark.browser


def _person(served: Served) -> tuple[str, int]:
    """A levied person with at least 20,000 円 to pay (not the one the certificate test issues for)."""
    with served.ward.c.db.transaction() as cur:
        cur.execute(
            "SELECT s.address_number, a.payable FROM rm_taxpayer_search s JOIN rm_assessments a"
            " ON a.taxpayer_id = s.taxpayer_id WHERE a.payable >= 20000 ORDER BY s.address_number"
        )
        rows = cur.fetchall()
    assert len(rows) >= 2, "the synthetic ward levies several people"
    return str(rows[0][0]), int(rows[0][1])


def _open(page: Any, number: str) -> None:
    page.goto("/console/reduction")
    page.locator("#address_number").fill(number)
    page.locator("#fiscal_year").fill("2026")
    page.locator("#open").click()


def test_preview_apply_decide_and_notice(page: Any, served: Served, chromium: Any) -> None:
    ward = served.ward
    number, payable = _person(served)
    applicant, decider = ward.staff(Role.TAXATION), ward.staff(Role.TAXATION)
    start = ward.c.app.head()
    sign_in(page, ward, applicant, "REDUCTION")
    _open(page, number)
    assert page.locator("#payable").inner_text() == f"{payable:,}円"

    page.locator("#kind").fill("災害")
    page.locator("#amount").fill("10000")
    page.locator("#grounds").fill("住宅の一部損壊")
    page.locator("#preview-apply").click()
    rows = page.locator("#preview tbody tr")
    assert rows.count() >= 1
    differences = [rows.nth(i).locator("td").nth(4).inner_text() for i in range(rows.count())]
    assert sum(int(d.replace(",", "").replace("円", "")) for d in differences) == -10000
    shot(page, "13-reduction-preview")
    assert not [e for e in ward.events_since(start) if isinstance(e, Assessment.ReductionApplied)], (
        "preview stores nothing"
    )

    page.locator("#apply").click()
    assert "受け付けました" in page.locator("#done").inner_text()
    page.locator("#reason").fill("自分で決定")
    page.locator("#decide").click()
    assert "申請を受け付けた職員以外" in page.locator("#message").inner_text(), (
        "no one decides their own application"
    )

    other = chromium.new_context(viewport={"width": 1280, "height": 800}, base_url=served.base_url)
    try:
        second = other.new_page()
        sign_in(second, ward, decider, "REDUCTION")
        _open(second, number)
        assert "災害" in second.locator("#pending").inner_text()
        second.locator("#reason").fill("被災証明書を確認")
        second.locator("#decide").click()
        assert "減免を決定しました" in second.locator("#done").inner_text()
        assert second.locator("#payable").inner_text() == f"{payable - 10000:,}円"
        captured: dict[str, Any] = {}

        def keep(route: Any) -> None:
            fetched = route.fetch()
            captured["type"], captured["body"] = fetched.headers["content-type"], fetched.body()
            route.fulfill(response=fetched)

        second.route("**/console/reduction-notice", keep)
        second.locator("#notice").click()
        second.wait_for_load_state()
        assert captured["type"] == "application/pdf", "the notice is a PDF" and captured["body"].startswith(
            b"%PDF"
        )
    finally:
        other.close()

    events = ward.events_since(start)
    applied = [e for e in events if isinstance(e, Assessment.ReductionApplied)]
    decided = [e for e in events if isinstance(e, Assessment.ReductionDecided)]
    notices = [e for e in events if isinstance(e, Assessment.DocumentIssued)]
    assert len(applied) == 1 and applied[0].actor == applicant and applied[0].purpose is Purpose.REDUCTION
    assert len(decided) == 1 and decided[0].actor == decider and decided[0].granted
    assert (
        len(notices) == 1 and notices[0].actor == decider and notices[0].document_kind != "課税・非課税証明書"
    )
