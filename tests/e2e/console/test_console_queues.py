"""Screen 4, 保留キュー: list, filter and resolve a quarantined 課税資料 with a reason (recorded)."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import shot, sign_in

from conftest import Served
from domain.filings.filing import Filing
from domain.shared.purpose import Purpose
from domain.staff.values import Role

pytestmark = pytest.mark.browser


def _quarantined(served: Served) -> list[tuple[str, str]]:
    with served.ward.c.db.transaction() as cur:
        cur.execute(
            "SELECT filing_id, queue FROM rm_filings WHERE status = '保留' ORDER BY queue, batch_id, line"
        )
        return [(str(r[0]), str(r[1])) for r in cur.fetchall()]


def test_filter_and_resolve_with_a_reason(page: Any, served: Served) -> None:
    ward = served.ward
    held = _quarantined(served)
    assert held, "the synthetic ward quarantines some filings"
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "INTAKE")
    page.goto("/console/queues")
    assert page.locator("#queue-items tbody tr").count() == len(held)
    shot(page, "09-queues")

    queue = held[0][1]
    page.locator("#queue").select_option(queue)
    page.locator("#filter").click()
    rows = page.locator("#queue-items tbody tr")
    assert rows.count() == sum(1 for _, q in held if q == queue)
    assert all(queue in rows.nth(i).inner_text() for i in range(rows.count()))

    # A reason is required: the browser refuses an empty one, the server too.
    start = ward.c.app.head()
    page.locator("#action-1").select_option("register")
    page.get_by_label("理由（必須・記録されます）").first.fill("住民記録に該当なし、住登外として登録")
    page.locator("#resolve-1").click()
    assert page.locator("#resolved").inner_text() == "住登外登録を記録しました。"
    assert (
        page.locator("#queue-items tbody tr").count() == rows.count()
        or page.locator("#queue-empty").count() == 1
    )

    events = [e for e in ward.events_since(start) if isinstance(e, Filing.Matched)]
    assert len(events) == 1
    matched = events[0]
    assert matched.actor == clerk and matched.purpose is Purpose.INTAKE
    assert matched.source_ref == "処理理由:住民記録に該当なし、住登外として登録"
    assert str(matched.originator_id) in {f for f, _ in held}
    assert len(_quarantined(served)) == len(held) - 1


def test_resolving_needs_the_intake_purpose(page: Any, served: Served) -> None:
    ward = served.ward
    held = _quarantined(served)
    clerk = ward.staff(Role.TAXATION)
    sign_in(page, ward, clerk, "REGISTRY")
    assert held, "the synthetic ward quarantines more filings than the other test resolves"
    page.goto("/console/queues")
    page.get_by_label("理由（必須・記録されます）").first.fill("確認")
    page.locator("#action-1").select_option("register")
    page.locator("#resolve-1").click()
    assert "利用目的" in page.locator("#refused").inner_text()
    assert len(_quarantined(served)) == len(held)


def test_suspense_is_listed_under_collection_and_refunded_with_a_reason(page: Any, served: Served) -> None:
    from console_support import SETUP

    from application.usecases.collection import ReconcilePayments, SuspenseList
    from application.usecases.intake import ImportFile
    from domain.collection.suspense import SuspenseReceipt

    ward = served.ward
    for entry in ward.manifest["payment_files"]:
        ward.c.use_cases.execute(
            ImportFile(entry["kind"], ward.data_dir / entry["path"], Purpose.COLLECTION), SETUP
        )
    ward.c.use_cases.execute(ReconcilePayments(), SETUP)
    held = ward.c.use_cases.execute(SuspenseList(), SETUP)
    assert held, "the synthetic receipts include one no ledger matches"

    clerk = ward.staff(Role.COLLECTION)
    sign_in(page, ward, clerk, "COLLECTION")
    page.goto("/console/queues")
    assert page.locator("#suspense tbody tr").count() == len(held)
    start = ward.c.app.head()
    page.locator("#s-action-1").select_option("refund")
    page.locator("#s-reason-1").fill("他団体の納付書による誤納付（納付者へ還付）")
    page.get_by_role("button", name="解消する").first.click()
    assert page.locator("#resolved").inner_text() == "収納保留を解消しました。"
    resolved = [e for e in ward.events_since(start) if isinstance(e, SuspenseReceipt.Resolved)]
    assert len(resolved) == 1
    assert resolved[0].actor == clerk and resolved[0].purpose is Purpose.COLLECTION
    assert (
        resolved[0].outcome == "還付" and resolved[0].reason == "他団体の納付書による誤納付（納付者へ還付）"
    )
