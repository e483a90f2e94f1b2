"""Access policy for the My Number (番号法 第9条・第19条; seed III-3).

Until the security issue brings staff roles and a full policy engine, this is the **single explicit
policy function** every reveal goes through. It fails closed: anything not explicitly allowed is denied,
with a reason a clerk can read.
"""

from dataclasses import dataclass

from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class PolicyDecision:
    allowed: bool
    reason: str


def may_reveal_individual_number(*, designated: bool, purpose: Purpose) -> PolicyDecision:
    """個人番号の表示: only a 個人番号利用事務実施者, only for a 個人番号利用事務 (番号法 第9条第1項, 別表)."""
    if not designated:
        return PolicyDecision(
            False, "個人番号利用事務実施者に指定されていない職員は個人番号を表示できません。"
        )
    if not purpose.uses_individual_number:
        return PolicyDecision(False, f"利用目的「{purpose.value}」は個人番号利用事務ではありません。")
    return PolicyDecision(True, "個人番号利用事務実施者による利用事務での表示")
