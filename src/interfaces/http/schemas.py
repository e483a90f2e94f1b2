"""Request bodies (pydantic) and the problem document schema for the OpenAPI document."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FiscalYear = Field(ge=2000, le=2100, description="年度 (2026 = 令和8年度)")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemError(BaseModel):
    field: str
    message: str


class ProblemDocument(BaseModel):
    """RFC 9457 problem details; ``detail`` tells a clerk what to fix (Japanese)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemError] | None = None
    code: str | None = None


class RegisterTaxpayerIn(Strict):
    address_number: str = Field(min_length=1, max_length=20, description="宛名番号")
    name: str = Field(min_length=1, max_length=100, description="氏名")
    kana: str = Field(min_length=1, max_length=100, description="カナ氏名")
    birth_date: date = Field(description="生年月日")
    sex: Literal["M", "F"] = Field(description="性別")
    address: str = Field(min_length=1, max_length=200, description="住所")
    non_registered: bool = Field(default=False, description="住登外")


class MatchIn(Strict):
    address_number: str = Field(min_length=1, max_length=20, description="照合先の宛名番号")


class ForwardIn(Strict):
    to: str = Field(min_length=1, max_length=10, description="回送先の団体コード (1月1日の住所地)")
    reason: str = Field(default="1月1日の住所地が他団体", min_length=1, max_length=200)


class LevyRunIn(Strict):
    fiscal_year: int = FiscalYear
    taxpayers: list[str] = Field(
        default_factory=list, max_length=10_000, description="随時賦課: この宛名番号の納税者だけを賦課"
    )
    workers: int = Field(default=1, ge=1, le=32, description="ワーカープロセス数（PostgreSQL のみ並列）")


class ReassessIn(Strict):
    fiscal_year: int = FiscalYear
    reason: str = Field(default="課税資料の追加・訂正による更正", min_length=1, max_length=200)


class SwitchMethodIn(Strict):
    left_on: date = Field(description="退職日")
    reason: str = Field(default="退職による特別徴収から普通徴収への切替", min_length=1, max_length=200)


class ReductionApplyIn(Strict):
    kind: str = Field(min_length=1, max_length=50, description="減免の種類 (生活保護, 災害, …)")
    amount: int = Field(ge=0, le=10**12, description="申請額 (円)")
    grounds: str = Field(min_length=1, max_length=500, description="申請理由")


class ReductionDecideIn(Strict):
    grant: bool = Field(description="true: 承認, false: 却下")
    amount: int = Field(default=0, ge=0, le=10**12, description="減免額 (円)")
    reason: str = Field(min_length=1, max_length=500)


class CancelIn(Strict):
    reason: str = Field(min_length=1, max_length=500)
    forward_to: str | None = Field(default=None, max_length=10, description="回送先団体コード")


class CertificateIn(Strict):
    address_number: str = Field(min_length=1, max_length=20, description="宛名番号")
    fiscal_year: int = FiscalYear
    use: str = Field(default="", max_length=100, description="使用目的 (printed)")
    issue_date: date | None = Field(default=None, description="発行日 (default: today, JST)")


class LevyJobIn(LevyRunIn):
    """The same options as ``POST /levy/runs`` (one use case, ``application.usecases.levy.RunLevy``)."""


class DocumentJobIn(Strict):
    document_id: str = Field(min_length=1, max_length=100, description="発行済み文書のID")
