"""口座振替依頼書 at the console (bank/branch looked up in zengin-code) and 過誤納金の処理 (充当・還付)."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.collection.ledger import PaymentLedger
from domain.collection.mandate import DirectDebitMandate
from domain.shared.purpose import Purpose
from domain.staff.values import Role
from domain.taxpayer.model import taxpayer_id

pytestmark = pytest.mark.browser


def _fill(page: Any, number: str, receipt: str, action: str, bank: str, branch: str) -> None:
    page.locator("#receipt").fill(receipt)
    page.locator("#address_number").fill(number)
    page.locator("#action").select_option(action)
    page.locator("#start_date").fill("2026-06-01")
    page.locator("#bank").fill(bank)
    page.locator("#branch").fill(branch)
    page.locator("#account").fill("1234567")
    page.locator("#holder").fill("ジュウミン タロウ")


def test_mandate_lookup_register_cancel_and_settle(page: Any, served: Served) -> None:
    ward = served.ward
    number = ward.address_numbers()[-1]
    clerk = ward.staff(Role.COLLECTION)
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    sign_in(page, ward, clerk, "COLLECTION")
    start = ward.c.app.head()
    page.goto("/console/debit")

    _fill(page, number, "CON-0001", "登録", "0001", "999")
    page.locator("#lookup").click()
    assert page.locator("#bank-name").inner_text() == "みずほ"
    assert (
        "支店コードが当該金融機関の店舗マスタに存在しません" in page.locator("#lookup-problem").inner_text()
    )
    page.locator("#submit-mandate").click()
    assert "店舗マスタに存在しません" in page.locator("#message").inner_text(), "an unknown branch is refused"

    page.locator("#bank").fill("9998")
    page.locator("#lookup").click()
    assert "金融機関コード" in page.locator("#lookup-problem").inner_text()

    page.locator("#bank").fill("0001")
    page.locator("#branch").fill("001")
    page.locator("#lookup").click()
    assert page.locator("#branch-name").inner_text() == "東京営業部"
    shot(page, "20-debit-mandate")
    page.locator("#submit-mandate").click()
    assert page.locator("#done").inner_text() == "口座振替の登録を受け付けました。"

    _fill(page, number, "CON-0002", "解約", "0001", "001")
    page.locator("#submit-mandate").click()
    assert page.locator("#done").inner_text() == "口座振替の解約を受け付けました。"

    events = ward.events_since(start)
    registered = [e for e in events if isinstance(e, DirectDebitMandate.Registered)]
    cancelled = [e for e in events if isinstance(e, DirectDebitMandate.Cancelled)]
    assert len(registered) == 1 and registered[0].taxpayer_id == taxpayer_id(number)
    assert (registered[0].bank_code, registered[0].branch_code) == ("0001", "001")
    assert len(cancelled) == 1 and cancelled[0].actor == clerk
    assert all(e.purpose is Purpose.COLLECTION for e in registered + cancelled)

    # 過誤納金の処理 needs the 利用目的 還付・充当: refused under 収納, done after changing it.
    page.locator("#settle").click()
    assert page.locator("h1").inner_text() == "この操作は許可されていません"
    page.goto("/console/debit")
    page.locator("#purpose-select").select_option("REFUND")
    page.locator("#purpose-select ~ button").click()
    page.goto("/console/debit")
    page.locator("#as_of").fill("2026-12-01")
    before = ward.c.app.head()
    page.locator("#settle").click()
    settled = ward.events_since(before)
    out = [e for e in settled if isinstance(e, PaymentLedger.AppropriatedOut)]
    refunds = [e for e in settled if isinstance(e, PaymentLedger.RefundDetermined)]
    shown = page.locator("#appropriated").inner_text(), page.locator("#refunded").inner_text()
    assert shown[0] == f"{len(out)}件 {sum(e.amount for e in out):,}円"
    assert shown[1] == f"{len(refunds)}件 {sum(e.amount for e in refunds):,}円"
    assert all(e.actor == clerk and e.purpose is Purpose.REFUND for e in out + refunds)
    for url in urls:
        assert number not in url and "1234567" not in url, url
