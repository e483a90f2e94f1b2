"""Screen 3, 窓口: a 課税証明書 issued as a PDF in the browser; the public page checks its code."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.assessment.assessment import Assessment
from domain.shared.purpose import Purpose
from domain.staff.values import Role

pytestmark = pytest.mark.browser


def _levied(served: Served) -> str:
    with served.ward.c.db.transaction() as cur:
        cur.execute(
            "SELECT s.address_number FROM rm_taxpayer_search s JOIN rm_assessments a"
            " ON a.taxpayer_id = s.taxpayer_id WHERE a.total > 0 ORDER BY s.address_number DESC"
        )
        return str(cur.fetchone()[0])


def test_issue_certificate_pdf_and_verify_publicly(page: Any, served: Served, chromium: Any) -> None:
    ward = served.ward
    number = _levied(served)
    clerk = ward.staff(Role.COUNTER)
    sign_in(page, ward, clerk, "REGISTRY")
    refused = page.goto("/console/certificates")
    assert refused is not None and refused.status == 403, "the policy binds issuing to the purpose 証明書交付"
    assert "利用目的" in page.locator("#refused").inner_text()
    page.locator("#purpose-select").select_option("CERTIFICATE")
    page.get_by_role("button", name="変更").click()
    page.goto("/console/certificates")
    page.get_by_label("宛名番号").fill(number)
    page.get_by_label("使用目的（証明書に記載、任意）").fill("児童手当申請")
    shot(page, "06-certificates")
    start = ward.c.app.head()
    captured: dict[str, Any] = {}

    def keep(route: Any) -> None:
        """Pass the request through and keep the response the browser gets (its PDF viewer shows it)."""
        if route.request.method != "POST":
            route.continue_()
            return
        fetched = route.fetch()
        captured["status"], captured["headers"], captured["body"] = (
            fetched.status,
            fetched.headers,
            fetched.body(),
        )
        route.fulfill(response=fetched)

    page.route("**/console/certificates", keep)
    page.locator("#issue").click()
    page.wait_for_load_state()
    assert captured["status"] == 200
    assert captured["headers"]["content-type"] == "application/pdf"
    assert captured["headers"]["content-disposition"].startswith("inline"), "shown in the browser"
    pdf = captured["body"]
    assert pdf.startswith(b"%PDF")
    page.wait_for_timeout(1500)  # let the PDF viewer paint before the screenshot
    shot(page, "07-certificate-in-browser")

    issued = [e for e in ward.events_since(start) if isinstance(e, Assessment.DocumentIssued)]
    assert len(issued) == 1
    event = issued[0]
    assert event.actor == clerk and event.purpose is Purpose.CERTIFICATE and event.verification_code
    assert event.document_id == captured["headers"]["x-document-id"]

    # The public page: no sign-in, only valid/invalid and the minimum fields.
    public = chromium.new_context(viewport={"width": 1280, "height": 800}, base_url=served.base_url)
    try:
        visitor = public.new_page()
        visitor.goto("/console/verify")
        visitor.get_by_label("確認コード").fill(event.verification_code)
        visitor.locator("#check").click()
        assert visitor.locator("#verdict-text").inner_text() == "有効"
        verdict = visitor.locator("#verdict").inner_text()
        name = event.model.get("subject", {}).get("name") if isinstance(event.model, dict) else None
        assert number not in verdict and (name is None or name not in verdict)
        shot(visitor, "08-verify")
        visitor.get_by_label("確認コード").fill("ZZZZ-ZZZZ-ZZZZ")
        visitor.locator("#check").click()
        assert visitor.locator("#verdict-text").inner_text() == "無効"
    finally:
        public.close()
