"""コンビニ交付 (⑫): answer a 証明書交付センター batch of 交付要求 with 課税・非課税証明書 data (journaled; each
certificate issued and verifiable like a counter one). Rules in ``application.convenience``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from application.convenience import CertificateAnswer, CertificateRequest, ConvenienceCertificateService
from application.usecases.base import Call, Command, UseCases
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class AnswerConvenienceRequests(Command[list[CertificateAnswer]]):
    """証明書交付センターへの証明書データ: one answer (交付可 with the certificate, or 交付不可 with the reason) per request."""

    purpose: ClassVar[Purpose] = Purpose.CERTIFICATE
    reads_read_models: ClassVar[bool] = False

    batch_id: str
    requests: tuple[CertificateRequest, ...]


class ConvenienceHandlers:
    def __init__(self, service: ConvenienceCertificateService) -> None:
        self._service = service

    def answer(self, command: AnswerConvenienceRequests, call: Call) -> list[CertificateAnswer]:
        return self._service.answer(command.batch_id, command.requests, call.context)


def register(bus: UseCases, handlers: ConvenienceHandlers) -> None:
    bus.register(AnswerConvenienceRequests, handlers.answer)
