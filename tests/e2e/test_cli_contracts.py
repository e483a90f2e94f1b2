"""委託 through the CLI and the API: a data-entry contractor's 従事者 sees only the handovers of its contract,
is refused a taxpayer search, and the 所属長's report shows handovers, returns and erasure (issue 19)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.settings import Settings
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.staff.policy import Resource
from domain.staff.values import jst_date
from interfaces.bootstrap import build
from interfaces.cli.main import app
from tests_support import totp_code

runner = CliRunner()
PASSWORD = "correct horse battery staple"


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def _ctx(actor: str, n: str) -> CommandContext:
    return CommandContext(actor=actor, purpose=Purpose.OPERATIONS, command_id=f"test:{actor}:{n}")


def _staff(staff: Any) -> str:
    """sup-01 (bootstrap 所属長)/sup-02 (所属長), k-01 (課税), ent-01 (委託データエントリー), each signed in
    through the CLI; returns ent-01's TOTP secret."""
    staff("sup-01")
    staff("sup-02", "所属長")
    staff("k-01", "課税")
    return staff.enroll("ent-01", "委託データエントリー", department="株式会社イメージ")


def _period() -> tuple[date, str, str]:
    today = jst_date(datetime.now(UTC))
    return today, (today - timedelta(days=30)).isoformat(), (today + timedelta(days=60)).isoformat()


def _contract(staff: Any) -> tuple[str, date]:
    """Staff, contract C-1 (data entry, in force) with ent-01 as its 従事者; ent-01's TOTP secret and today."""
    secret = _staff(staff)
    today, start, end = _period()
    registered = cli("contract", "register", "--number", "C-1", "--contractor", "株式会社イメージ", "--work",
                     "data-entry", "--scope", "給与支払報告書（紙）", "--from", start, "--to", end, "--as", "sup-01",
                     "--json")  # fmt: skip
    assert registered.exit_code == 0, registered.output
    assert cli("contract", "assign-worker", "C-1", "--staff-id", "ent-01", "--as", "sup-01").exit_code == 0
    return secret, today


def _handovers() -> None:
    """Handover 1 (B-0001, 1200 件・1250 枚, paper) and 2 (300 件・310 枚, electronic media) to ent-01."""
    first = cli("contract", "handover", "C-1", "--what", "給与支払報告書（紙）第1便", "--reference", "B-0001",
                "--count", "1200", "--sheets", "1250", "--handed-by", "k-01", "--received-by", "ent-01",
                "--as", "k-01", "--json")  # fmt: skip
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["handover"] == 1
    second = cli("contract", "handover", "C-1", "--what", "第2便", "--count", "300", "--sheets", "310",
                 "--medium", "電子記録媒体", "--handed-by", "k-01", "--received-by", "ent-01", "--as", "k-01")  # fmt: skip
    assert second.exit_code == 0, second.output


def _return_and_erase_first() -> None:
    """Handover 1 comes back one sheet short (reported, not corrected); the 所属長 confirms its erasure."""
    returned = cli("contract", "return", "C-1", "--handover", "1", "--count", "1200", "--sheets", "1249",
                   "--as", "k-01", "--json")  # fmt: skip
    assert returned.exit_code == 0 and json.loads(returned.stdout)["discrepancy"] is True
    erased = cli("contract", "erase", "C-1", "--handover", "1", "--method", "電子記録媒体の物理破壊",
                 "--certificate", "消去証明書 第12号", "--as", "sup-01")  # fmt: skip
    assert erased.exit_code == 0, erased.output


def test_a_contract_is_registered_by_a_supervisor_with_contractor_only_workers(
    cli_staff: Any,
) -> None:
    _staff(cli_staff)
    _, start, end = _period()
    refused = cli("contract", "register", "--number", "C-1", "--contractor", "株式会社イメージ", "--work",
                  "data-entry", "--from", start, "--to", end, "--as", "k-01")  # fmt: skip
    assert refused.exit_code == 1 and "所属長" in refused.output
    registered = cli("contract", "register", "--number", "C-1", "--contractor", "株式会社イメージ", "--work",
                     "data-entry", "--scope", "給与支払報告書（紙）", "--from", start, "--to", end, "--as", "sup-01",
                     "--json")  # fmt: skip
    assert registered.exit_code == 0, registered.output
    assert json.loads(registered.stdout)["contract_no"] == "C-1"
    assert cli("contract", "assign-worker", "C-1", "--staff-id", "k-01", "--as", "sup-01").exit_code == 1
    assert cli("contract", "assign-worker", "C-1", "--staff-id", "ent-01", "--as", "sup-01").exit_code == 0


def test_handovers_are_recorded_by_the_ward_side_within_the_period(cli_staff: Any) -> None:
    _, today = _contract(cli_staff)
    late = cli("contract", "handover", "C-1", "--what", "給与支払報告書（紙）第1便", "--count", "10", "--sheets", "12",
               "--handed-by", "k-01", "--received-by", "ent-01", "--on", (today + timedelta(days=61)).isoformat(),
               "--as", "k-01")  # fmt: skip
    assert late.exit_code == 1 and "期間" in late.output
    not_party = cli("contract", "handover", "C-1", "--what", "第1便", "--count", "10", "--sheets", "12",
                    "--handed-by", "k-01", "--received-by", "ent-01", "--as", "sup-01")  # fmt: skip
    assert not_party.exit_code == 1 and "本人" in not_party.output
    unverified = cli("contract", "handover", "C-1", "--what", "第1便", "--count", "10", "--sheets", "12",
                     "--handed-by", "k-01", "--received-by", "ent-09", "--as", "k-01")  # fmt: skip
    assert unverified.exit_code == 2 and "ent-09 のサインインが確認できません" in unverified.output
    _handovers()


def test_the_worker_opens_only_handovers_still_with_the_contractor(cli_staff: Any) -> None:
    _contract(cli_staff)
    _handovers()
    # The 従事者 opens the entry screen of a handover to it; a clerk cannot use the contractor screen.
    opened = cli("contract", "open", "C-1", "--handover", "1", "--as", "ent-01", "--json")
    assert opened.exit_code == 0, opened.output
    body = json.loads(opened.stdout)
    assert body["handover"]["reference"] == "B-0001" and body["matched_rules"] == [
        "P-ROLE-CONTRACTOR_DATA_ENTRY"
    ]
    assert cli("contract", "open", "C-1", "--handover", "1", "--as", "k-01").exit_code == 1
    assert cli("contract", "open", "C-1", "--handover", "9", "--as", "ent-01").exit_code == 1
    returned = cli("contract", "return", "C-1", "--handover", "1", "--count", "1200", "--sheets", "1250",
                   "--as", "k-01")  # fmt: skip
    assert returned.exit_code == 0, returned.output
    closed = cli("contract", "open", "C-1", "--handover", "1", "--as", "ent-01")
    assert closed.exit_code == 1 and "返却済み" in closed.output


def test_erasure_is_confirmed_by_a_supervisor_after_the_return(cli_staff: Any) -> None:
    _contract(cli_staff)
    _handovers()
    returned = cli("contract", "return", "C-1", "--handover", "1", "--count", "1200", "--sheets", "1249",
                   "--as", "k-01", "--json")  # fmt: skip
    assert returned.exit_code == 0 and json.loads(returned.stdout)["discrepancy"] is True
    assert (
        cli("contract", "erase", "C-1", "--handover", "2", "--method", "物理破壊", "--as", "sup-01").exit_code
        == 1
    )
    assert cli("contract", "erase", "C-1", "--handover", "1", "--method", "x", "--as", "k-01").exit_code == 1
    erased = cli("contract", "erase", "C-1", "--handover", "1", "--method", "電子記録媒体の物理破壊",
                 "--certificate", "消去証明書 第12号", "--as", "sup-01")  # fmt: skip
    assert erased.exit_code == 0, erased.output


def test_the_supervisors_report_shows_handovers_returns_and_erasure(cli_staff: Any) -> None:
    _contract(cli_staff)
    _handovers()
    assert cli("contract", "open", "C-1", "--handover", "1", "--as", "ent-01").exit_code == 0
    _return_and_erase_first()

    report = cli("contract", "report", "C-1", "--as", "sup-02", "--json")
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["in_force"] is True and data["workers"] == ["ent-01"]
    assert data["totals"] == {
        "handed_over_count": 1500,
        "handed_over_sheets": 1560,
        "returned_count": 1200,
        "returned_sheets": 1249,
        "open": 1,
        "erasure_confirmed": 1,
    }
    h1, h2 = data["handovers"]
    assert (h1["status"], h1["erasure_certificate"], h1["erasure_confirmed_by"]) == (
        "返却済・消去確認済",
        "消去証明書 第12号",
        "sup-01",
    )
    assert h2["status"] == "委託先で取扱中" and h2["medium"] == "電子記録媒体"
    assert any("不一致" in w for w in data["outstanding"]) and any(
        "受渡し 2" in w for w in data["outstanding"]
    )
    assert [a["action"] for a in data["worker_accesses"]] == ["contract.data_entry"]


def test_the_contractor_principal_is_refused_a_taxpayer_search(cli_staff: Any) -> None:
    secret, _ = _contract(cli_staff)
    # The policy: the contractor principal is refused a taxpayer search, by the policy and over HTTP.
    c = build(Settings())
    try:
        now = datetime.now(UTC)
        principal = c.contracts.principal("ent-01", now)
        decision = c.staff.authorize(principal, "taxpayer.search", Resource("taxpayer"), Purpose.INTAKE, now)
        assert not decision.allowed and "F-CONTRACTOR-SCOPE" in decision.matched_rules
        view = c.staff.authorize(principal, "taxpayer.view", Resource("taxpayer", "x"), Purpose.INTAKE, now)
        assert not view.allowed
        signed_in = c.staff.sign_in(
            staff_id="ent-01",
            password=PASSWORD,
            totp_code=totp_code(secret, ahead=1),
            terminal="T-9",
            now=now,
        )
    finally:
        c.close()
    from interfaces.http.app import create_app
    from interfaces.http.auth import ChainAuthenticator, StaffSessionAuthenticator

    holder: dict[str, Any] = {}

    def container() -> Any:
        if "c" not in holder:
            holder["c"] = build(Settings())
        return holder["c"]

    client = TestClient(
        create_app(container, ChainAuthenticator(StaffSessionAuthenticator(lambda: container().staff)))
    )
    try:
        headers = {"Authorization": f"Bearer {signed_in.token}", "X-Purpose": "intake"}
        search = client.get("/taxpayers", params={"kana": "ア"}, headers=headers)
        assert search.status_code == 403
        assert "委託先の従事者" in search.text
    finally:
        if "c" in holder:
            holder["c"].close()
