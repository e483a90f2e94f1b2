"""課税資料イメージ管理 (seed システム8): scanned images of filings, encrypted per subject, linked to the filing.

- ``attach(filing, bytes)``: the image (PDF, TIFF, PNG or JPEG, checked by its signature) is encrypted with the
  data key of the filing's taxpayer × 年度 (``taxpayer:<id>:<年度>``, the key its content is sealed under) and
  stored once under the SHA-256 of its plaintext (content addressing: the same scan twice is one blob); the
  filing records ``Filing.ImageAttached`` with that hash. Destroying the key — the retention run at the end of
  the 保存期間 (地方税法 第17条の5・第17条の6, ``application.retention``), which erases that 年度's other personal
  data too — makes the blob undecryptable: crypto-shredding covers the images.
- ``show(filing, hash)``: a clerk's view, journaled first (``AccessRecord`` action ``filing.image``); fail
  closed — no journal entry, no image.

A filing still in a 保留 queue has no taxpayer yet (its content is under a temporary key destroyed at 名寄せ),
so an image is attached once the filing is matched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import structlog

from application.app import JuminzeiApplication
from application.ports import PersonalDataCipher
from domain.audit.access import AccessRecord
from domain.filings.filing import Filing, FilingStatus, year_key
from domain.shared.events import CommandContext, DomainError

log = structlog.get_logger(__name__)

#: Accepted image formats by their leading bytes (file signatures).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_BYTES = 50 * 1024 * 1024


class ImageStore(Protocol):
    def put(self, key_id: str, content_hash: str, media_type: str, ciphertext: bytes) -> bool: ...

    def get(self, key_id: str, content_hash: str) -> tuple[str, bytes] | None: ...


@dataclass(frozen=True)
class StoredImage:
    content_hash: str
    media_type: str
    size: int
    linked: bool  # False: this filing already had this image (nothing recorded)


@dataclass(frozen=True)
class ImageView:
    content_hash: str
    media_type: str
    data: bytes


def media_type_of(data: bytes, source: str) -> str:
    if not data:
        raise DomainError(f"{source}: イメージファイルが空です。", code="empty_image")
    if len(data) > MAX_BYTES:
        raise DomainError(f"{source}: イメージが大きすぎます（上限 50MB）。", code="image_too_large")
    for signature, media_type in SIGNATURES:
        if data.startswith(signature):
            return media_type
    raise DomainError(
        f"{source}: PDF・TIFF・PNG・JPEG のいずれでもありません（先頭のバイト列が一致しません）。",
        code="unsupported_image",
    )


def _aad(key_id: str, content_hash: str) -> bytes:
    return f"filing-image:{key_id}:{content_hash}".encode()


class FilingImageService:
    def __init__(self, app: JuminzeiApplication, store: ImageStore, cipher: PersonalDataCipher) -> None:
        self.app = app
        self.store = store
        self.cipher = cipher

    def _filing(self, filing_id: UUID) -> Filing:
        return self.app.require(filing_id, f"課税資料 {filing_id} が見つかりません。")  # type: ignore[no-any-return]

    @staticmethod
    def _key(filing: Filing) -> str:
        if filing.taxpayer_id is None or filing.status is FilingStatus.QUARANTINED:
            raise DomainError(
                f"課税資料 {filing.id} は名寄せされていません。名寄せの後にイメージを登録してください。",
                code="not_matched",
            )
        return year_key(filing.taxpayer_id, filing.fiscal_year)

    def attach(self, filing_id: UUID, data: bytes, source: str, ctx: CommandContext) -> StoredImage:
        filing = self._filing(filing_id)
        media_type = media_type_of(data, source)
        key_id = self._key(filing)
        content_hash = hashlib.sha256(data).hexdigest()
        self.store.put(
            key_id, content_hash, media_type, self.cipher.encrypt(key_id, data, _aad(key_id, content_hash))
        )
        linked = filing.attach_image(content_hash, media_type, len(data), key_id, ctx)
        if linked:
            self.app.save(filing)
        log.info(
            "filing.image_attached", filing_id=str(filing_id), size=len(data), linked=linked, actor=ctx.actor
        )
        return StoredImage(content_hash, media_type, len(data), linked)

    def show(self, filing_id: UUID, content_hash: str | None, ctx: CommandContext) -> ImageView:
        """The image (the filing's latest when ``content_hash`` is None), journaled before it is decrypted."""
        filing = self._filing(filing_id)
        if not filing.images:
            raise DomainError(f"課税資料 {filing_id} にイメージは登録されていません。", code="no_image")
        wanted = content_hash or filing.images[-1]
        matches = [h for h in filing.images if h.startswith(wanted)] if len(wanted) >= 8 else []
        if len(matches) != 1:
            raise DomainError(f"課税資料 {filing_id} にイメージ {wanted} はありません。", code="no_image")
        chosen = matches[0]
        key_id = self._key(filing)
        self.app.save(
            AccessRecord.record_view(
                action="filing.image",
                subject_ids=(filing.taxpayer_id,) if filing.taxpayer_id else (),
                items=("課税資料イメージ",),
                criteria=(f"課税資料ID={filing_id}", f"イメージ={chosen[:16]}"),
                ctx=ctx,
            )
        )
        stored = self.store.get(key_id, chosen)
        if stored is None:
            raise DomainError(f"イメージ {chosen[:16]} の保存データがありません。", code="image_missing")
        media_type, ciphertext = stored
        data = self.cipher.decrypt(key_id, ciphertext, _aad(key_id, chosen))
        if data is None:
            raise DomainError(
                f"イメージ {chosen[:16]} は保存期間経過により消去されています（鍵の破棄）。",
                code="image_erased",
            )
        if hashlib.sha256(data).hexdigest() != chosen:
            raise DomainError(
                f"イメージ {chosen[:16]} の内容がハッシュと一致しません。", code="image_corrupt"
            )
        return ImageView(chosen, media_type, data)
