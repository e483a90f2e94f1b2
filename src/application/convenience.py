"""コンビニ交付 (seed 別添1 ⑫): 課税証明書・非課税証明書 data for the 証明書交付センター.

The センター (J-LIS 証明書交付センター) sends a batch of 交付要求 (request number, 宛名番号, 年度, 交付日 — the
resident already identified by the センター from the マイナンバーカード); ``answer`` issues each certificate
through the same ``DocumentService.certificate`` as the counter — same certificate number, same keyed
verification code (``documents verify`` checks both alike), same ``Assessment.DocumentIssued`` record, here
with recipient 本人（コンビニ交付） — and returns one answer per request: 交付可 with the certificate data, or
交付不可 with a Japanese reason (a malformed request line is answered 交付不可 naming the line and field, never
dropped). The batch is journaled first (``AccessRecord`` action ``certificate.convenience``: the subjects,
the items sent, the batch id). File layouts: ``adapters/formats/convenience.py``, docs/formats/convenience-
certificates.md (our own; the センター's interface specification is not public, ADR 0028).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import structlog

from application.app import JuminzeiApplication
from application.assessment.documents import DocumentService
from domain.audit.access import AccessRecord
from domain.documents.models import CertificateModel
from domain.shared.events import CommandContext, DomainError
from domain.taxpayer.model import taxpayer_id

log = structlog.get_logger(__name__)

CHANNEL = "本人（コンビニ交付）"
ITEMS = ("氏名", "住所", "生年月日", "所得", "所得控除", "課税標準額", "税額", "確認コード")


@dataclass(frozen=True)
class CertificateRequest:
    """One 交付要求 line; ``error`` set when the line is malformed (answered 交付不可 with it)."""

    line: int
    request_number: str
    address_number: str = ""
    fiscal_year: int = 0
    issue_date: date | None = None
    error: str = ""


@dataclass(frozen=True)
class CertificateAnswer:
    request_number: str
    line: int
    issued: bool
    reason: str = ""
    document_id: str = ""
    model: CertificateModel | None = field(default=None, repr=False)


class ConvenienceCertificateService:
    def __init__(self, app: JuminzeiApplication, documents: DocumentService) -> None:
        self.app = app
        self.documents = documents

    def answer(
        self, batch_id: str, requests: tuple[CertificateRequest, ...], ctx: CommandContext
    ) -> list[CertificateAnswer]:
        subjects = tuple(
            dict.fromkeys(
                taxpayer_id(r.address_number)
                for r in requests
                if not r.error and taxpayer_id(r.address_number) in self.app.repository
            )
        )
        self.app.save(
            AccessRecord.record_view(
                action="certificate.convenience",
                subject_ids=subjects,
                items=ITEMS,
                criteria=(f"交付要求={batch_id}", f"件数={len(requests)}", "経路=コンビニ交付"),
                ctx=ctx.derive("journal"),
            )
        )
        answers: list[CertificateAnswer] = []
        for r in requests:
            if r.error:
                answers.append(CertificateAnswer(r.request_number, r.line, False, r.error))
                continue
            assert r.issue_date is not None
            try:
                issued = self.documents.certificate(
                    r.address_number,
                    r.fiscal_year,
                    r.issue_date,
                    ctx.derive(f"req-{r.line}"),
                    purpose="コンビニ交付",
                    recipient=CHANNEL,
                )
            except DomainError as error:
                answers.append(CertificateAnswer(r.request_number, r.line, False, str(error)))
                continue
            answers.append(
                CertificateAnswer(r.request_number, r.line, True, "", issued.document_id, issued.model)
            )
        log.info(
            "certificate.convenience",
            batch=batch_id,
            requests=len(requests),
            issued=sum(a.issued for a in answers),
            actor=ctx.actor,
        )
        return answers
