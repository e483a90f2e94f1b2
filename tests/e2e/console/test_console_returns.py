"""住民税申告書 four-eyes entry: one clerk keys, another verifies; differences highlighted; nobody verifies
their own keying — with the entry's events checked."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.filings.resident_return import ResidentReturnEntry
from domain.shared.purpose import Purpose
from domain.staff.values import Role

pytestmark = pytest.mark.browser

PAPER = {
    "tax_year": "2025",
    "name": "窓口　太郎",
    "kana": "マドグチ　タロウ",
    "birth_date": "1980-05-06",
    "address": "東京都目黒区上目黒二丁目19番15号",
    "salary_revenue": "3200000",
    "social_insurance": "420000",
}


def _key(page: Any, receipt: str, action: str, values: dict[str, str]) -> None:
    page.goto("/console/returns")
    page.locator("#receipt").fill(receipt)
    page.locator("#action").select_option(action)
    for name, value in values.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#key").click()


def _entry_events(served: Served, since: int) -> list[Any]:
    return [e for e in served.ward.events_since(since) if isinstance(e, ResidentReturnEntry.Event)]


def test_enter_verify_mismatch_correct_and_verify(page: Any, served: Served, chromium: Any) -> None:
    ward = served.ward
    first, second = ward.staff(Role.TAXATION), ward.staff(Role.TAXATION)
    start = ward.c.app.head()
    sign_in(page, ward, first, "INTAKE")
    _key(page, "R-2026-0001", "enter", PAPER)
    assert "確認待ち" in page.locator("#outcome").inner_text()
    assert page.locator("#salary_revenue").input_value() == "0", "the form is emptied after a keying"

    _key(page, "R-2026-0001", "verify", PAPER)
    assert "確認入力できません" in page.locator("#message").inner_text(), "nobody verifies their own keying"

    other = chromium.new_context(viewport={"width": 1280, "height": 800}, base_url=served.base_url)
    try:
        verifier = other.new_page()
        sign_in(verifier, ward, second, "INTAKE")
        _key(verifier, "R-2026-0001", "verify", PAPER | {"salary_revenue": "3100000"})
        assert "給与収入" in verifier.locator("#message").inner_text()
        assert verifier.locator("#field-salary_revenue").get_attribute("class") == "diff"
        assert verifier.locator("#field-social_insurance").get_attribute("class") == ""
        shot(verifier, "12-return-mismatch")

        _key(page, "R-2026-0001", "correct", PAPER)  # the first clerk checks the paper and keys it again
        _key(verifier, "R-2026-0001", "verify", PAPER)
        assert "確認済" in verifier.locator("#outcome").inner_text()
    finally:
        other.close()

    events = _entry_events(served, start)
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Entered", "Mismatched", "Corrected", "Verified"], kinds
    assert [e.actor for e in events] == [first, second, first, second]
    assert all(e.purpose is Purpose.INTAKE for e in events)
    assert events[1].items == ("salary_revenue",)
