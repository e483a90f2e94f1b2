"""課税資料イメージ管理 on SQLite and PostgreSQL: a scan stored encrypted under the taxpayer × 年度 key and linked
to its filing by the content hash (the same scan twice is one blob and one link), shown through a journaled
read (journaled before it is decrypted), malformed input refused with a Japanese reason, and — after the
retention run destroys that 年度's key — undecryptable (crypto-shredding erases the images too)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.formats.registry import PAYMENT_KINDS, read_file
from application.usecases import Principal
from application.usecases.images import AttachFilingImage, ShowFilingImage
from domain.audit.access import AccessRecord
from domain.filings.filing import Filing, FilingStatus, year_key
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from interfaces.bootstrap import build
from tests_support import staff_principal
from tools.synthetic.generator import generate

WHO = Principal(actor="k-01", terminal="T-1", kind="staff")
SCAN = b"%PDF-1.4\n% scanned salary report\n" + bytes(range(256)) * 40


def ctx(command_id: str, purpose: Purpose = Purpose.INTAKE) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=purpose, command_id=command_id)


@pytest.fixture
def ward(make_settings: Any, store_url: str, tmp_path: Path) -> Any:
    c = build(make_settings(store_url), upgrade=True)
    staff_principal(c, "k-01", "T-1")
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=20, seed=3, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] in PAYMENT_KINDS:
            continue
        c.runner.catch_up()
        c.intake.import_file(read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}"))
    c.runner.catch_up()
    yield c
    c.close()


def _active_filing(c: Any) -> Filing:
    with c.db.transaction() as cur:
        cur.execute("SELECT filing_id FROM rm_filings WHERE status = %s ORDER BY filing_id", ("有効",))
        rows = cur.fetchall()
    for (fid,) in rows:
        filing: Filing = c.app.repository.get(UUID(fid))
        if filing.taxpayer_id is not None and filing.status is FilingStatus.ACTIVE:
            return filing
    raise AssertionError("no matched filing in the generated ward")


def _image_views(c: Any) -> list[Any]:
    notifications = c.app.recorder.select_notifications(1, 1_000_000)
    return [
        e
        for n in notifications
        if n.topic == AccessRecord.PersonalDataViewed.TOPIC
        for e in [c.app.mapper.to_domain_event(n)]
        if e.action == "filing.image"
    ]


def test_image_round_trip_journal_and_crypto_shredding(ward: Any) -> None:
    c = ward
    filing = _active_filing(c)
    stored = c.use_cases.execute(AttachFilingImage(filing.id, SCAN, "scan.pdf"), WHO)
    digest = hashlib.sha256(SCAN).hexdigest()
    assert (stored.content_hash, stored.media_type, stored.size, stored.linked) == (
        digest,
        "application/pdf",
        len(SCAN),
        True,
    )
    again = c.use_cases.execute(AttachFilingImage(filing.id, SCAN, "scan.pdf"), WHO)
    assert not again.linked
    reloaded: Filing = c.app.repository.get(filing.id)
    assert reloaded.images == (digest,)
    key_id = year_key(filing.taxpayer_id, filing.fiscal_year)
    with c.db.transaction() as cur:
        cur.execute("SELECT key_id, content_hash, ciphertext FROM filing_images")
        rows = cur.fetchall()
    assert [(r[0], r[1]) for r in rows] == [(key_id, digest)]
    assert b"scanned" not in rows[0][2].encode() and "scanned" not in rows[0][2]
    # The ImageAttached event holds the hash and the key id, not the image.
    events = c.app.recorder.select_events(filing.id)
    assert any(b"ImageAttached" in e.topic.encode() for e in events)

    view = c.use_cases.execute(ShowFilingImage(filing.id, digest[:12], Purpose.CORRECTION), WHO)
    assert view.data == SCAN and view.media_type == "application/pdf"
    (journal,) = _image_views(c)
    assert journal.subject_ids == (filing.taxpayer_id,) and journal.purpose is Purpose.CORRECTION
    assert journal.actor == "k-01" and f"課税資料ID={filing.id}" in journal.criteria

    with pytest.raises(DomainError, match="イメージ 00000000 はありません"):
        c.use_cases.execute(ShowFilingImage(filing.id, "00000000"), WHO)

    # 保存期間 over: the retention run destroys the taxpayer × 年度 key; the blob can no longer be decrypted.
    c.retention.run(date(filing.fiscal_year + 9, 1, 1), ctx("retention", Purpose.OPERATIONS))
    ciphertext = c.images.store.get(key_id, digest)[1]
    assert c.keystore.decrypt(key_id, ciphertext, f"filing-image:{key_id}:{digest}".encode()) is None
    with pytest.raises(DomainError, match="消去されています"):
        c.use_cases.execute(ShowFilingImage(filing.id), WHO)
    assert len(_image_views(c)) == 2, "the refused view after erasure is journaled too (fail closed order)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空です"),
        (b"GIF89a not accepted", "PDF・TIFF・PNG・JPEG のいずれでもありません"),
        (b"hello.txt", "いずれでもありません"),
    ],
)
def test_malformed_images_are_refused_and_nothing_is_stored(ward: Any, data: bytes, message: str) -> None:
    c = ward
    filing = _active_filing(c)
    with pytest.raises(DomainError, match=f"bad.bin: .*{message}"):
        c.use_cases.execute(AttachFilingImage(filing.id, data, "bad.bin"), WHO)
    assert c.app.repository.get(filing.id).images == ()
    with c.db.transaction() as cur:
        cur.execute("SELECT COUNT(*) FROM filing_images")
        assert cur.fetchone()[0] == 0


def test_a_quarantined_filing_takes_no_image(ward: Any) -> None:
    c = ward
    (held,) = c.intake_index.queue("本人確認")[:1]
    with pytest.raises(DomainError, match="名寄せされていません"):
        c.use_cases.execute(AttachFilingImage(held.filing_id, SCAN, "scan.pdf"), WHO)
