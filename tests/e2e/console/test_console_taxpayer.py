"""Screen 2, 宛名検索 → 納税義務者: search by POST, the person's file, the trace, the My Number reveal."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.audit.access import AccessRecord
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from domain.taxpayer.model import Taxpayer, taxpayer_id

pytestmark = pytest.mark.browser


def _assessed_person(served: Served) -> tuple[str, str, str]:
    """(宛名番号, カナ, 氏名) of a resident with a levied assessment and a linked My Number."""
    c = served.ward.c
    with c.db.transaction() as cur:
        cur.execute(
            "SELECT s.address_number FROM rm_taxpayer_search s JOIN rm_assessments a"
            " ON a.taxpayer_id = s.taxpayer_id WHERE a.payable > 0 ORDER BY s.address_number"
        )
        candidates = [str(r[0]) for r in cur.fetchall()]
    for number in candidates:
        person: Taxpayer = c.app.repository.get(taxpayer_id(number))
        if person.individual_number_linked:
            return number, person.kana, person.name
    raise AssertionError("the synthetic ward has no levied person with a My Number")


def _views(served: Served, since: int, actor: str) -> list[Any]:
    return [
        e
        for e in served.ward.events_since(since)
        if isinstance(e, AccessRecord.PersonalDataViewed) and e.actor == actor
    ]


def test_search_file_trace_and_reveal_are_journaled(page: Any, served: Served) -> None:
    ward = served.ward
    number, kana, name = _assessed_person(served)
    clerk = ward.staff(Role.TAXATION, Role.INDIVIDUAL_NUMBER)
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    sign_in(page, ward, clerk, "REGISTRY")
    start = ward.c.app.head()

    page.goto("/console/search")
    page.get_by_label("カナ氏名（前方一致）").fill(kana[:2])
    page.locator("#search").click()
    assert number in page.locator("#results").inner_text()
    shot(page, "03-search")
    page.get_by_role("button", name=f"{name} の詳細").first.click()
    assert page.locator("#taxpayer-name").inner_text() == name
    assert "*" in page.locator("#individual-number").inner_text(), "the My Number is hidden"
    assert page.locator("#filings tbody tr").count() >= 1
    filings_text = page.locator("#filings").inner_text()
    assert any(f["path"].split("/")[-1] in filings_text for f in ward.manifest["files"]), "source file shown"
    assert page.locator("#residence tbody tr").count() >= 1
    assert page.locator("#assessments tbody tr").count() >= 1
    assert page.locator(".payments").count() >= 1, "収納状況 per 期別"
    shot(page, "04-taxpayer")

    page.get_by_label("個人番号を表示する理由（記録されます）").fill("本人からの申告内容の確認")
    page.locator("#reveal").click()
    revealed = page.locator("#individual-number strong").inner_text()
    assert revealed.isdigit() and len(revealed) == 12

    page.locator("#trace-2026").click()
    assert page.locator("#trace tbody tr").count() >= 5
    trace_text = page.locator("#trace").inner_text()
    assert "地方税法" in trace_text, "citations are shown line by line"
    shot(page, "05-assessment-trace")

    views = _views(served, start, clerk)
    by_action = {e.action: e for e in views}
    assert {"taxpayer.search", "taxpayer.file", "individual_number.reveal", "payments.show"} <= set(by_action)
    assert all(e.purpose is Purpose.REGISTRY for e in views), "journaled with the purpose in the header"
    assert by_action["taxpayer.file"].subject_ids == (taxpayer_id(number),)
    assert by_action["individual_number.reveal"].source_ref == "閲覧理由:本人からの申告内容の確認"
    assert any(e.action.startswith("assessment") for e in views), by_action.keys()
    # No personal data in any URL the browser requested (searches and the person's screens are POSTs).
    for url in urls:
        assert number not in url and kana[:2] not in url and name not in url, url


def test_no_reveal_without_the_grant(page: Any, served: Served) -> None:
    ward = served.ward
    number, kana, name = _assessed_person(served)
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "REGISTRY")
    page.goto("/console/search")
    page.get_by_label("カナ氏名（前方一致）").fill(kana[:2])
    page.locator("#search").click()
    page.get_by_role("button", name=f"{name} の詳細").first.click()
    assert page.locator("#taxpayer-name").inner_text() == name
    assert page.locator("#reveal").count() == 0, "no reveal button without the 個人番号利用事務実施者 grant"
    assert "*" in page.locator("#individual-number").inner_text()
    # A forged reveal (the form is not offered, but someone posts it anyway) is refused by the policy.
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    forged = page.request.post(
        "/console/taxpayer/reveal", form={"csrf": csrf, "address_number": number, "reason": "確認"}
    )
    assert forged.status == 403 and "判定ID" in forged.text()
    assert "*" in page.locator("#individual-number").inner_text()
