"""収納: upload a payment file, see its reconciliation (受付 = 消込 + 保留 + 不備 + 重複), 再照合."""

from __future__ import annotations

from typing import Any

import pytest
from console_support import SETUP, shot, sign_in

from application.usecases.collection import SuspenseList
from conftest import Served
from domain.shared.purpose import Purpose
from domain.staff.values import Role

pytestmark = pytest.mark.browser


def test_upload_payment_file_and_reconcile(page: Any, served: Served) -> None:
    ward = served.ward
    entry = ward.manifest["payment_files"][0]
    path = ward.data_dir / entry["path"]
    clerk = ward.staff(Role.COLLECTION)
    sign_in(page, ward, clerk, "COLLECTION")
    start = ward.c.app.head()
    page.goto("/console/payments")
    page.locator("#kind").select_option(entry["kind"])
    page.locator("#file").set_input_files(str(path))
    page.locator("#upload").click()
    counts = {
        k: int(page.locator(f"#{k}").inner_text()) for k in ("received", "accepted", "quarantined", "gap")
    }
    assert counts["received"] > 0 and counts["gap"] == 0
    shot(page, "15-payments")
    with ward.c.db.transaction() as cur:
        cur.execute(
            "SELECT received, accepted, quarantined FROM rm_import_batches WHERE file_name = %s", (path.name,)
        )
        row = cur.fetchone()
    assert (int(row[0]), int(row[1]), int(row[2])) == (
        counts["received"],
        counts["accepted"],
        counts["quarantined"],
    )
    stored = [e for e in ward.events_since(start) if getattr(e, "actor", None) == clerk]
    assert stored and all(e.purpose is Purpose.COLLECTION for e in stored)

    page.locator("#kind").select_option(entry["kind"])
    page.locator("#file").set_input_files(str(path))
    page.locator("#upload").click()
    assert "取込済み" in page.locator("#summary h2").inner_text(), "a file is never posted twice"

    page.locator("#reconcile").click()
    held = ward.c.use_cases.execute(SuspenseList(), SETUP)
    assert page.locator("#still-held").inner_text() == f"{len(held)}件"
    assert page.locator("#reconciled").inner_text() == "照合結果：問題はありません", (
        "files and ledgers balance"
    )
