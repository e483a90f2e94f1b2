"""庁内移転先 of the levy (番号法 第9条第2項): a domain rule, on the allowlist."""

from __future__ import annotations

from domain.audit.provision import TRANSFER_BASIS, ProvisionKind, check_provision
from domain.audit.transfers import levy_transfer_recipients


def test_every_levy_recipient_is_allowed_by_the_gate() -> None:
    recipients = levy_transfer_recipients()
    assert [r.department for r in recipients] == [
        "国保年金課",
        "介護保険課",
        "保育課",
        "子育て支援課",
        "障害福祉課",
    ]
    for r in recipients:
        assert r.legal_basis == TRANSFER_BASIS and r.items
        decision = check_provision(
            kind=ProvisionKind.TRANSFER, recipient=r.department, legal_basis=r.legal_basis, items=(r.items,)
        )
        assert decision.allowed, (r.department, decision)
