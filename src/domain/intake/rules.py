"""Small pure rules used by intake."""

from __future__ import annotations

from domain.intake.values import DisabilityCertificate, DisabilityClass

# 特別障害者 (地方税法施行令第7条の15の7 / 所得税法施行令第10条第2項):
# 身体障害者手帳 1級・2級; 精神障害者保健福祉手帳 1級; 重度の知的障害 (東京都 愛の手帳 1度・2度).
_SPECIAL_GRADES: dict[DisabilityCertificate, frozenset[str]] = {
    DisabilityCertificate.PHYSICAL: frozenset({"1級", "2級"}),
    DisabilityCertificate.MENTAL: frozenset({"1級"}),
    DisabilityCertificate.INTELLECTUAL: frozenset({"1度", "2度"}),
}
VALID_GRADES: dict[DisabilityCertificate, frozenset[str]] = {
    DisabilityCertificate.PHYSICAL: frozenset({"1級", "2級", "3級", "4級", "5級", "6級"}),
    DisabilityCertificate.MENTAL: frozenset({"1級", "2級", "3級"}),
    DisabilityCertificate.INTELLECTUAL: frozenset({"1度", "2度", "3度", "4度"}),
}


def classify_disability(
    certificate: DisabilityCertificate, grade: str, returned: bool = False
) -> DisabilityClass:
    """Map a 手帳 and its grade to none / 障害者 (general) / 特別障害者 (special).

    A returned (返還) 手帳 counts as none. Raises ``ValueError`` for a grade the
    certificate does not have.
    """
    if grade not in VALID_GRADES[certificate]:
        raise ValueError("unknown grade for certificate")
    if returned:
        return DisabilityClass.NONE
    if grade in _SPECIAL_GRADES[certificate]:
        return DisabilityClass.SPECIAL
    return DisabilityClass.GENERAL
