"""Assessment lifecycle services (当初賦課, 更正, 減免, 徴収方法, 通知)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.assessment.assessment import Assessment, assessment_id
from domain.taxpayer.model import taxpayer_id

if TYPE_CHECKING:
    from application.app import JuminzeiApplication


def load_assessment(app: JuminzeiApplication, address_number: str, fiscal_year: int) -> Assessment:
    """The 賦課 of 宛名番号 ``address_number`` for ``fiscal_year``; refused (``not_found``) when there is none."""
    assessment: Assessment = app.require(
        assessment_id(taxpayer_id(address_number), fiscal_year),
        f"宛名番号 {address_number} の{fiscal_year}年度の賦課がありません。",
    )
    return assessment
