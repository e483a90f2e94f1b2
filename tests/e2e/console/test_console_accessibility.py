"""Accessibility (WCAG 2.1 AA) of every console screen, checked by axe-core in Chromium, and keyboard use.

axe-core comes vendored inside ``axe-playwright-python`` (no download); it checks the rules tagged
wcag2a, wcag2aa, wcag21a and wcag21aa on each page as a clerk sees it, signed in under the 利用目的 the screen
needs. What axe cannot judge (the meaning of a label, the order a screen reader reads) is the manual check
in docs/console.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from console_support import sign_in

from conftest import Served
from domain.staff.values import Role

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

#: (利用目的, screen) — each screen under a purpose that lets the clerk see it.
SCREENS = [
    ("REGISTRY", "/console/"),
    ("REGISTRY", "/console/search"),
    ("INTAKE", "/console/returns"),
    ("INTAKE", "/console/queues"),
    ("REDUCTION", "/console/reduction"),
    ("CERTIFICATE", "/console/certificates"),
    ("COLLECTION", "/console/payments"),
    ("OPERATIONS", "/console/supervisor"),
    ("INTAKE", "/console/jobs"),
]


def test_the_checker_finds_a_violation(page: Any, served: Served) -> None:
    """axe really runs here: an input without a label on the sign-in page is reported (rule ``label``)."""
    page.goto("/console/sign-in")
    page.evaluate("document.querySelector('form').insertAdjacentHTML('beforeend', '<input id=unlabelled>')")
    assert any(": label (" in v for v in _violations(page))


def _violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def _kana(served: Served) -> str:
    """The first two characters of a resident's カナ氏名 (a search that finds someone)."""
    from domain.taxpayer.model import taxpayer_id

    number = served.ward.address_numbers()[0]
    return str(served.ward.c.app.repository.get(taxpayer_id(number)).kana)[:2]


def _declare(page: Any, purpose: str) -> None:
    page.locator("#purpose-select").select_option(purpose)
    page.get_by_role("button", name="変更").click()


def test_every_screen_meets_wcag_21_aa(page: Any, served: Served) -> None:
    ward = served.ward
    found: list[str] = []
    page.goto("/console/sign-in")
    found += _violations(page)
    page.goto("/console/verify")
    found += _violations(page)

    # 監査 is kept apart from the operational roles (the policy forbids holding both): its own member below.
    clerk = ward.staff(Role.TAXATION, Role.COLLECTION, Role.COUNTER, Role.SUPERVISOR, prefix="a11y")
    sign_in(page, ward, clerk, "REGISTRY")
    current = "REGISTRY"
    for purpose, path in SCREENS:
        if purpose != current:
            _declare(page, purpose)
            current = purpose
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} under {purpose}"
        found += _violations(page)

    # A job's result page (the last screen above is the Jobs screen, under 課税資料取込).
    page.get_by_label("取込種別").select_option("employers")
    page.get_by_label("ファイル").set_input_files(str(ward.data_dir / "employers.csv"))
    page.locator("#start-import").click()
    assert page.locator("#job-id").count() == 1
    found += _violations(page)

    # The taxpayer file (reached from a search, never by a URL holding personal data) and a refusal page.
    _declare(page, "REGISTRY")
    page.goto("/console/search")
    page.get_by_label("カナ氏名（前方一致）").fill(_kana(served))
    page.locator("#search").click()
    found += _violations(page)
    page.get_by_role("button", name="の詳細").first.click()
    assert page.locator("#taxpayer-name").count() == 1
    found += _violations(page)
    refused = page.goto("/console/certificates")
    assert refused is not None and refused.status == 403
    found += _violations(page)

    page.locator("#sign-out").click()
    inspector = ward.staff(Role.INSPECTOR, prefix="a11y")
    sign_in(page, ward, inspector, "AUDIT")
    response = page.goto("/console/audit")
    assert response is not None and response.status == 200
    found += _violations(page)
    assert not found, "\n".join(found)


def test_a_flow_works_from_the_keyboard(page: Any, served: Served) -> None:
    """Sign-in and the first step of a task with Tab and Enter only; the focused control is visible."""
    from console_support import PASSWORD

    ward = served.ward
    clerk = ward.staff(Role.TAXATION)
    page.goto("/console/sign-in")
    page.keyboard.press("Tab")
    reached: list[str] = []
    for _ in range(12):
        reached.append(str(page.evaluate("document.activeElement.id || document.activeElement.name || ''")))
        if reached[-1] == "staff_id" or reached[-1] == "staff-id":
            break
        page.keyboard.press("Tab")
    assert reached[-1] in ("staff_id", "staff-id"), f"Tab never reached the 職員ID field: {reached}"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused field shows where the focus is"
    page.keyboard.type(clerk)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(ward.totp(clerk))
    page.keyboard.press("Tab")  # 利用目的: the first choice (宛名管理) with the arrow key
    page.keyboard.press("ArrowDown")
    assert page.locator("#purpose").input_value() == "REGISTRY"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sign-in"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#staff-id").inner_text() == clerk, "signed in with the keyboard alone"
    page.goto("/console/search")
    page.get_by_label("カナ氏名（前方一致）").focus()
    page.keyboard.type(_kana(served))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#results").count() == 1, "the search runs from the keyboard"
