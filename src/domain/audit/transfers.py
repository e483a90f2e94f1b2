"""庁内移転先 of the levy (番号法 第9条第2項, 第19条第2号): who receives what after each levy or change.

番号法 第9条第2項 lets a municipality use 特定個人情報 for the 事務 its 条例 lists, and 第19条第2号
allows the transfer (移転) inside the municipality for them. The seed's 別表2 lists the departments
that depend on 地方税関係情報 and the items each needs; every 当初賦課, 更正, 減免 and 賦課取消 is owed to
each of them once (the levy ledger's outbox), and delivery goes through the provision allowlist
(``domain.audit.provision.ALLOWLIST``).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.audit.provision import TRANSFER_BASIS, TRANSFER_DEPARTMENTS


@dataclass(frozen=True)
class TransferRecipient:
    """One 移転先 of the levy and the items (項目) it receives."""

    department: str
    items: str
    legal_basis: str = TRANSFER_BASIS


#: 移転先 and the items each receives after a levy event (seed 別表2; 番号法 第9条第2項 条例).
LEVY_TRANSFER_RECIPIENTS: tuple[TransferRecipient, ...] = (
    TransferRecipient("国保年金課", "総所得金額等・所得割額・均等割額・課税区分（国民健康保険税の算定）"),
    TransferRecipient("介護保険課", "課税区分・合計所得金額（介護保険料の段階判定）"),
    TransferRecipient("保育課", "所得割額（保育料の算定）"),
    TransferRecipient("子育て支援課", "所得割額・課税区分（児童手当・医療費助成）"),
    TransferRecipient("障害福祉課", "課税区分・所得割額（自立支援給付の負担上限）"),
)

# A levy recipient outside 別表2 would be refused by the allowlist at delivery: refuse it here, at import.
assert all(r.department in TRANSFER_DEPARTMENTS for r in LEVY_TRANSFER_RECIPIENTS)


def levy_transfer_recipients() -> tuple[TransferRecipient, ...]:
    """The departments owed a transfer record after each levy event (当初賦課・更正・減免・賦課取消)."""
    return LEVY_TRANSFER_RECIPIENTS
