"""Screen 5, 監査: who viewed resident X (timeline) and the audit log's status, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import SETUP, shot, sign_in

from adapters.audit.merkle_log import verify
from application.usecases import Principal
from application.usecases.registry import ShowTaxpayerFile
from conftest import Served
from domain.audit.access import AccessRecord
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from domain.taxpayer.model import taxpayer_id

pytestmark = pytest.mark.browser


def test_timeline_of_views_and_log_status(page: Any, served: Served) -> None:
    ward = served.ward
    number = ward.address_numbers()[0]
    viewer = ward.staff(Role.TAXATION, prefix="viewer")
    ward.c.use_cases.execute(ShowTaxpayerFile(number), Principal(actor=viewer, terminal="T-7", kind="staff"))

    inspector = ward.staff(Role.INSPECTOR, prefix="insp")
    sign_in(page, ward, inspector, "AUDIT")
    page.goto("/console/audit")
    expected = verify(ward.c, witness=None, public_key=None)
    assert page.locator("#log-status").inner_text().startswith("正常" if expected.ok else "異常")
    start = ward.c.app.head()
    page.get_by_label("宛名番号", exact=True).fill(number)
    page.locator("#timeline").click()
    timeline = page.locator("#access-timeline tbody")
    text = timeline.inner_text()
    assert viewer in text and "taxpayer.file" in text and "宛名管理" in text
    assert "住所履歴" in text and "built-in" not in text, "the items viewed are listed"
    shot(page, "10-audit")

    own = [
        e
        for e in ward.events_since(start)
        if isinstance(e, AccessRecord.PersonalDataViewed) and e.actor == inspector
    ]
    assert own, "the inspector's look at the timeline is journaled too"
    assert all(e.purpose is Purpose.AUDIT for e in own)
    assert any(
        taxpayer_id(number) in e.subject_ids or str(taxpayer_id(number)) in map(str, e.subject_ids)
        for e in own
    )


def test_clerks_cannot_open_the_audit_screens(page: Any, served: Served) -> None:
    ward = served.ward
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "AUDIT")
    response = page.goto("/console/audit")
    assert response is not None and response.status == 403
    assert "判定ID" in page.locator("#refused").inner_text()


def test_replay_and_explain_an_assessment(page: Any, served: Served) -> None:
    ward = served.ward
    with ward.c.db.transaction() as cur:
        cur.execute(
            "SELECT s.address_number FROM rm_taxpayer_search s JOIN rm_assessments a"
            " ON a.taxpayer_id = s.taxpayer_id WHERE a.total > 0 ORDER BY s.address_number"
        )
        number = str(cur.fetchone()[0])
    inspector = ward.staff(Role.INSPECTOR, prefix="insp")
    sign_in(page, ward, inspector, "AUDIT")
    start = ward.c.app.head()
    page.goto("/console/audit")
    page.locator("#explain-number").fill(number)
    page.locator("#explain-year").fill("2026")
    page.locator("#explain").click()
    assert page.locator("#reproduces").inner_text().startswith("再計算の結果は記録と一致します")
    assert SETUP.actor in page.locator("#replay").inner_text(), "the levy's event with who ran it"
    shot(page, "14-audit-explain")
    own = [
        e
        for e in ward.events_since(start)
        if isinstance(e, AccessRecord.PersonalDataViewed) and e.actor == inspector
    ]
    assert len(own) >= 2 and all(e.purpose is Purpose.AUDIT for e in own), [e.action for e in own]
