"""課税資料イメージ管理 (Sys8): attach a scanned image to a filing (encrypted per taxpayer × 年度), and a clerk's
journaled view of it. Rules in ``application.images``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar
from uuid import UUID

from application.images import FilingImageService, ImageView, StoredImage
from application.usecases.base import Call, Command, Query, UseCases
from domain.shared.purpose import Purpose


@dataclass(frozen=True)
class AttachFilingImage(Command[StoredImage]):
    """課税資料イメージの登録: the scan of a (matched) filing, stored encrypted and linked by its hash."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    filing_id: UUID
    data: bytes = field(repr=False)
    source: str = "イメージ"


@dataclass(frozen=True)
class ShowFilingImage(Query[ImageView]):
    """課税資料イメージの表示 (journaled before the image is decrypted)."""

    purpose: ClassVar[Purpose] = Purpose.INTAKE
    reads_read_models: ClassVar[bool] = False

    filing_id: UUID
    content_hash: str | None = None
    as_purpose: Purpose = Purpose.INTAKE


class ImageHandlers:
    def __init__(self, service: FilingImageService) -> None:
        self._service = service

    def attach(self, command: AttachFilingImage, call: Call) -> StoredImage:
        return self._service.attach(command.filing_id, command.data, command.source, call.context)

    def show(self, query: ShowFilingImage, call: Call) -> ImageView:
        return self._service.show(query.filing_id, query.content_hash, call.context)


def register(bus: UseCases, handlers: ImageHandlers) -> None:
    bus.register(AttachFilingImage, handlers.attach)
    bus.register(ShowFilingImage, handlers.show)
