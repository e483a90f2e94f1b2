"""Provision and transfer only along the allowlist, recorded either way; maker-checker exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.formats.registry import read_file
from application.provision import ProvisionRequest
from domain.audit.provision import TRANSFER_BASIS, ProvisionKind
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from tools.synthetic.generator import generate


def ctx(command_id: str, actor: str = "clerk-1", purpose: Purpose = Purpose.OPERATIONS) -> CommandContext:
    return CommandContext(actor=actor, purpose=purpose, command_id=command_id, terminal="T-9")


@pytest.fixture
def levied(durable_container: Any, tmp_path: Path) -> Any:
    c = durable_container
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=30, seed=9, fiscal_year=2026)
    for f in manifest["files"]:
        c.runner.catch_up()
        c.intake.import_file(
            read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}", purpose=Purpose.INTAKE)
        )
    c.runner.catch_up()
    c.levy.run(2026, ctx("levy", purpose=Purpose.INITIAL_LEVY))
    c.runner.catch_up()
    return c


def test_outbox_transfers_go_through_the_gate_once(levied: Any) -> None:
    c = levied
    rows = c.ledger.outbox()
    delivered, skipped = c.provisions.deliver_outbox(rows, ctx("deliver"))
    assert delivered == len(rows) > 0 and skipped == 0
    assert c.provisions.deliver_outbox(rows, ctx("deliver-again")) == (0, len(rows))
    c.runner.catch_up()
    records = c.provision_log.query(recipient="国保年金課")
    assert records and all(r["outcome"] == "提供済" and r["legal_basis"] == TRANSFER_BASIS for r in records)
    assert all(r["requested_at"] and r["provided_at"] and r["requester"] == "clerk-1" for r in records)


def test_a_recipient_off_the_allowlist_is_refused_and_recorded(levied: Any) -> None:
    c = levied
    subject = c.app.repository.get(c.ledger.assessments(2026)[0]).taxpayer_id
    request = ProvisionRequest(
        key="ad-hoc-1",
        kind=ProvisionKind.PROVISION,
        recipient="株式会社データ販売",
        legal_basis="番号法第19条第1号",
        items=("給与特別徴収税額",),
        subject_ids=(subject,),
        requested_at=datetime.now(UTC),
    )
    with pytest.raises(DomainError, match="許可されていません"):
        c.provisions.provide(request, ctx("p1"))
    wrong_item = ProvisionRequest(
        key="ad-hoc-2",
        kind=ProvisionKind.PROVISION,
        recipient="給与特別徴収義務者",
        legal_basis="番号法第19条第1号",
        items=("個人番号",),
        subject_ids=(subject,),
        requested_at=datetime.now(UTC),
    )
    with pytest.raises(DomainError, match="個人番号"):
        c.provisions.provide(wrong_item, ctx("p2"))
    allowed = ProvisionRequest(
        key="ad-hoc-3",
        kind=ProvisionKind.PROVISION,
        recipient="給与特別徴収義務者",
        legal_basis="番号法第19条第1号",
        items=("給与特別徴収税額",),
        subject_ids=(subject,),
        requested_at=datetime.now(UTC),
    )
    c.provisions.provide(allowed, ctx("p3"))
    c.runner.catch_up()
    outcomes = sorted(
        r["outcome"] for r in c.provision_log.query(subject=str(subject)) if r["kind"] == "提供"
    )
    assert outcomes == ["拒否", "拒否", "提供済"]


def test_exports_are_maker_checker_with_a_single_use_token(levied: Any) -> None:
    c = levied
    taxpayers = [
        c.app.repository.get(c.app.repository.get(a).taxpayer_id) for a in c.ledger.assessments(2026)[:3]
    ]
    manifest = {
        "recipient": "給与特別徴収義務者",
        "legal_basis": "番号法第19条第1号",
        "items": ["給与特別徴収税額"],
        "subjects": [t.address_number for t in taxpayers],
        "fiscal_year": 2026,
    }
    export = c.exports.request(manifest, ctx("req", actor="maker"))
    with pytest.raises(DomainError, match="別の所属長"):
        c.exports.approve(export.id, ctx("ap0", actor="maker"))
    with pytest.raises(DomainError, match="承認されていない"):
        c.exports.execute(export.id, manifest, "no-token", ctx("run0", actor="maker"))
    token = c.exports.approve(export.id, ctx("ap1", actor="checker"))
    changed = json.loads(json.dumps(manifest))
    changed["subjects"].append("0000000001")
    with pytest.raises(DomainError, match="変更"):
        c.exports.execute(export.id, changed, token, ctx("run1", actor="maker"))
    with pytest.raises(DomainError, match="トークン"):
        c.exports.execute(export.id, manifest, token + "x", ctx("run2", actor="maker"))
    rows = c.exports.execute(export.id, manifest, token, ctx("run3", actor="maker"))
    assert [r["宛名番号"] for r in rows] == manifest["subjects"]
    with pytest.raises(DomainError, match="使用済み"):
        c.exports.execute(export.id, manifest, token, ctx("run4", actor="maker"))
    c.runner.catch_up()
    recorded = c.provision_log.query(recipient="給与特別徴収義務者")
    assert {r["approver"] for r in recorded} == {"checker"} and len(recorded) == 3
    with pytest.raises(DomainError, match="許可されていません"):
        c.exports.request(dict(manifest, recipient="名簿業者"), ctx("req2", actor="maker"))


def test_a_rebuild_neither_resends_nor_forgets_a_delivery(levied: Any) -> None:
    """Delivery state lives in its own table (no projection owns it): rebuilding every read model leaves it
    as it was, the outbox still shows the rows delivered, and delivering again sends nothing."""
    c = levied
    rows = c.ledger.outbox()
    assert {r["status"] for r in rows} == {"未送付"}
    delivered, _ = c.provisions.deliver_outbox(rows, ctx("deliver"))
    assert delivered == len(rows) > 0
    c.runner.catch_up()
    before = c.transfer_deliveries.all()
    provisions_before = c.provision_log.query()
    assert len(before) == len(rows)
    assert {r["status"] for r in c.ledger.outbox()} == {"送付済"}

    c.runner.rebuild_many(list(c.runner.projections))
    c.runner.catch_up()

    assert c.transfer_deliveries.all() == before
    assert {r["status"] for r in c.ledger.outbox()} == {"送付済"}
    assert c.provisions.deliver_outbox(c.ledger.outbox(), ctx("deliver-after-rebuild")) == (0, len(rows))
    c.runner.catch_up()
    assert c.provision_log.query() == provisions_before  # no second transfer record


def test_a_delivery_stored_but_not_yet_remembered_is_not_resent(levied: Any) -> None:
    """A crash after the DisclosureRecords were stored and before the delivery table was written: the next
    run sends nothing and the table learns the deliveries from the records."""
    c = levied
    rows = c.ledger.outbox()
    c.provisions.deliver_outbox(rows, ctx("deliver"))
    before = {(d.key, d.record_id) for d in c.transfer_deliveries.all()}
    with c.db.transaction() as cur:
        cur.execute("DELETE FROM transfer_deliveries")
    assert c.provisions.deliver_outbox(rows, ctx("deliver-again")) == (0, len(rows))
    assert {(d.key, d.record_id) for d in c.transfer_deliveries.all()} == before
