"""中間サーバー with a fake peer: 副本 registered by 団体内統合宛名番号 and re-registered after a 更正 (only the changed
one), 情報提供 only along the 照会許可用照合リスト (a request outside it is refused and recorded), our 情報照会 by the
number (never the My Number), and every exchange in the resident's 開示請求 pack as a 情報提供等記録."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.formats.registry import PAYMENT_KINDS, read_file
from adapters.intermediate.fake import FakeIntermediateServer
from application.usecases import Principal
from application.usecases.inspection import CompileDisclosure
from application.usecases.integrated_address import IssueIntegratedAddress
from application.usecases.intermediate import InquireIntermediate, ProvideFromCopies, SyncIntermediateCopies
from domain.assessment.assessment import Assessment
from domain.assessment.values import CollectionMethod
from domain.intermediate.copies import CopyRegistration, copy_id
from domain.intermediate.matching import (
    LOCAL_TAX_COPY,
    MATCHING_LIST,
    OUR_LEVY,
    OUR_REDUCTION,
    PUBLIC_ASSISTANCE,
    Direction,
)
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from interfaces.bootstrap import build
from tests_support import staff_principal, write_corrected_salary_report
from tools.synthetic.generator import generate

#: A signed-in 所属長 with every role (enrolled by ``staff_principal`` in the fixtures).
WHO = Principal(actor="k-01", terminal="T-1", kind="staff")
LISTED = next(e.requester for e in MATCHING_LIST if e.direction is Direction.PROVIDE)


def ctx(command_id: str, purpose: Purpose) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=purpose, command_id=command_id)


@pytest.fixture
def peer() -> FakeIntermediateServer:
    return FakeIntermediateServer()


@pytest.fixture
def ward(make_settings: Any, store_url: str, peer: FakeIntermediateServer, tmp_path: Path) -> Any:
    c = build(make_settings(store_url), upgrade=True, intermediate_server=peer)
    staff_principal(c, "k-01", "T-1")
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=40, seed=5, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] in PAYMENT_KINDS:
            continue
        c.runner.catch_up()
        c.intake.import_file(read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}", Purpose.INTAKE))
    c.runner.catch_up()
    c.levy.run(2026, ctx("levy", Purpose.INITIAL_LEVY))
    c.runner.catch_up()
    yield c, out
    c.close()


def _correct_salary_report(c: Any, out: Path, tmp_path: Path, target: Assessment) -> None:
    path = tmp_path / "corrected_315.csv"
    write_corrected_salary_report(c, out, target, path)
    c.runner.catch_up()
    assert c.intake.import_file(read_file("eltax-salary", path), ctx("corr", Purpose.INTAKE)).accepted == 1
    c.runner.catch_up()
    assert c.levy.reassess_changed(2026, ctx("reassess", Purpose.CORRECTION), "給与支払報告書の訂正")
    c.runner.catch_up()


def test_copies_follow_a_correction_and_provision_follows_the_matching_list(
    ward: Any, peer: FakeIntermediateServer, tmp_path: Path
) -> None:
    c, out = ward
    run = c.use_cases.execute
    assessments = [c.app.repository.get(a) for a in c.ledger.assessments(2026)]
    target = next(a for a in assessments if a.method is CollectionMethod.SALARY and a.basis == "支払報告書")
    other = next(a for a in assessments if a.id != target.id and a.amounts is not None)
    people = {a.id: c.app.repository.get(a.taxpayer_id) for a in (target, other)}
    numbers = {aid: run(IssueIntegratedAddress(p.address_number), WHO).number for aid, p in people.items()}

    first = run(SyncIntermediateCopies(2026), WHO)
    assert (first.registered, first.unchanged) == (2, 0) and first.without_number == len(assessments) - 2
    held = peer.copies(numbers[target.id], LOCAL_TAX_COPY)[2026]
    assert held["税額合計"] == target.amounts.total and held["総所得金額等"] == target.amounts.total_income
    assert all(len(n) == 16 for n, _, _ in peer.registrations), "keyed by the 団体内統合宛名番号"
    assert run(SyncIntermediateCopies(2026), WHO).unchanged == 2, "nothing changed, nothing re-registered"

    _correct_salary_report(c, out, tmp_path, target)
    after: Assessment = c.app.repository.get(target.id)
    assert after.amounts.total > target.amounts.total
    second = run(SyncIntermediateCopies(2026), WHO)
    assert (second.registered, second.unchanged) == (1, 1), (
        "only the corrected person's 副本 is re-registered"
    )
    assert peer.copies(numbers[target.id], LOCAL_TAX_COPY)[2026]["税額合計"] == after.amounts.total
    registration: CopyRegistration = c.app.repository.get(copy_id(target.taxpayer_id, 2026))
    assert [v["version"] for v in registration.versions] == [1, 2]
    assert registration.versions[1]["reason"] == "更正等による再登録"

    provided = run(ProvideFromCopies(LISTED, LOCAL_TAX_COPY, numbers[target.id]), WHO)
    assert provided[2026]["税額合計"] == after.amounts.total
    with pytest.raises(DomainError, match="照会許可用照合リストにありません") as refused:
        run(ProvideFromCopies("民間事業者（照合リスト外）", LOCAL_TAX_COPY, numbers[target.id]), WHO)
    assert refused.value.code == "not_in_matching_list"

    pack = run(CompileDisclosure(target.taxpayer_id), WHO)
    records = {(p["recipient"], p["status"]) for p in pack["provisions"]}
    assert (LISTED, "提供済") in records, "the 情報提供等記録 is in the resident's pack"
    assert ("民間事業者（照合リスト外）", "拒否") in records, "so is the refused request"
    other_pack = run(CompileDisclosure(other.taxpayer_id), WHO)
    assert not any(p["recipient"] == LISTED for p in other_pack["provisions"])


def test_our_inquiries_use_the_number_and_the_list(ward: Any, peer: FakeIntermediateServer) -> None:
    c, _ = ward
    run = c.use_cases.execute
    aid = c.ledger.assessments(2026)[0]
    person = c.app.repository.get(c.app.repository.get(aid).taxpayer_id)
    number = run(IssueIntegratedAddress(person.address_number), WHO).number
    provider = next(e.provider for e in MATCHING_LIST if e.item == PUBLIC_ASSISTANCE)
    peer.answers[(number, PUBLIC_ASSISTANCE, provider)] = {"保護の実施": "実施中", "開始日": "2025-04-01"}

    answer = run(
        InquireIntermediate(OUR_REDUCTION, PUBLIC_ASSISTANCE, person.address_number, Purpose.REDUCTION), WHO
    )
    assert answer == {"保護の実施": "実施中", "開始日": "2025-04-01"}
    assert peer.inquiries == [(number, PUBLIC_ASSISTANCE, provider)], "asked by the number, not the My Number"
    with pytest.raises(DomainError, match="照会許可用照合リストにありません"):
        run(InquireIntermediate(OUR_LEVY, PUBLIC_ASSISTANCE, person.address_number), WHO)
    assert len(peer.inquiries) == 1, "a refused inquiry never reaches the 中間サーバー"

    pack = run(CompileDisclosure(person.id), WHO)
    kinds = {(p["recipient"], p["status"], p["reason"].split("（")[0]) for p in pack["provisions"]}
    assert (OUR_REDUCTION, "提供済", "照会") in kinds and (OUR_LEVY, "拒否", "照会") in kinds


def test_without_a_configured_peer_the_commands_refuse(container: Any) -> None:
    staff_principal(container, "k-01", "T-1")
    with pytest.raises(DomainError, match="中間サーバーとの接続が設定されていません"):
        container.use_cases.execute(SyncIntermediateCopies(2026), WHO)
