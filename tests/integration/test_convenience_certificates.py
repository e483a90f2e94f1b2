"""コンビニ交付 with a fake 証明書交付センター, on SQLite and PostgreSQL: the センター's 交付要求 file is answered with
certificate data whose verification codes verify exactly like counter certificates (the same certificate on
the same day carries the same code); the batch is journaled; each certificate is an Assessment.DocumentIssued
to 本人（コンビニ交付）; malformed request lines and unknown residents are answered 交付不可 naming line and
field (never dropped); a file without its header is refused whole. Round trip of the answer file layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from adapters.convenience.fake import FakeCertificateCentre
from adapters.formats.convenience import (
    ANSWER_HEADER,
    ConvenienceFileError,
    parse_requests,
    read_answers,
    write_answers,
)
from adapters.formats.registry import PAYMENT_KINDS, read_file
from application.convenience import CHANNEL
from application.usecases import Principal
from application.usecases.convenience import AnswerConvenienceRequests
from application.usecases.documents import IssueCertificate, VerifyCertificate
from domain.assessment.assessment import Assessment, assessment_id
from domain.audit.access import AccessRecord
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from interfaces.bootstrap import build
from tests_support import staff_principal
from tools.synthetic.generator import generate

WHO = Principal(actor="k-01", terminal="T-1", kind="staff")
DAY = date(2026, 7, 1)


def ctx(command_id: str, purpose: Purpose) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=purpose, command_id=command_id)


@pytest.fixture
def ward(make_settings: Any, store_url: str, tmp_path: Path) -> Any:
    c = build(make_settings(store_url), upgrade=True)
    staff_principal(c, "k-01", "T-1")
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=20, seed=4, fiscal_year=2026)
    for f in manifest["files"]:
        if f["kind"] in PAYMENT_KINDS:
            continue
        c.runner.catch_up()
        c.intake.import_file(read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}", Purpose.INTAKE))
    c.runner.catch_up()
    c.levy.run(2026, ctx("levy", Purpose.INITIAL_LEVY))
    c.runner.catch_up()
    yield c
    c.close()


def _residents(c: Any, n: int) -> list[str]:
    rows = c.taxpayer_queries.directory.search("", None, 100)
    return [
        r.address_number for r in rows if assessment_id(_tid(r.address_number), 2026) in c.app.repository
    ][:n]


def test_centre_round_trip_codes_verify_like_counter_ones(ward: Any, tmp_path: Path) -> None:
    c = ward
    centre = FakeCertificateCentre()
    first, second = _residents(c, 2)
    request = centre.request_file(
        tmp_path / "req.csv", [(first, 2026, DAY), (second, 2026, DAY), ("99999999", 2026, DAY)]
    )
    with request.open("a", encoding="utf-8") as f:
        f.write("R9,12x,2026,2026-07-01\nR10,1,2026,2026/07/01\nR11,1\n")
    batch_id, parsed = parse_requests(request)
    answers = c.use_cases.execute(AnswerConvenienceRequests(batch_id, parsed), WHO)
    out = tmp_path / "answer.csv"
    assert write_answers(out, answers) == 6
    rows = centre.receive(out)
    assert [r["要求番号"] for r in rows] == ["R00001", "R00002", "R00003", "R9", "R10", "R11"]
    assert [r["結果"] for r in rows] == ["交付可", "交付可"] + ["交付不可"] * 4
    assert "99999999" in rows[2]["理由"]
    assert rows[3]["理由"] == "5行目 宛名番号: 数字ではありません"
    assert rows[4]["理由"] == "6行目 交付日: YYYY-MM-DD の日付ではありません"
    assert rows[5]["理由"].startswith("7行目 項目数")

    for row, address_number in zip(centre.printed, (first, second), strict=True):
        check = c.use_cases.execute(VerifyCertificate(row["確認コード"]), WHO)
        assert check.valid and check.current, row["要求番号"]
        counter = c.use_cases.execute(IssueCertificate(address_number, 2026, DAY), WHO)
        assert counter.verification_code == row["確認コード"], "same certificate, same code as at the counter"
        m = counter.model
        assert row["証明書番号"] == m.certificate_number and row["氏名"] == m.subject.name
        assert int(row["課税標準額"]) == m.basis.taxable_income
        assert int(row["税額合計"]) == (m.taxes.total if m.taxes else 0)

    a: Assessment = c.app.repository.get(assessment_id(_tid(first), 2026))
    issued = [e for e in c.app.events.get(a.id) if isinstance(e, Assessment.DocumentIssued)]
    assert [e.recipient for e in issued] == [CHANNEL]
    journal = [
        e
        for n in c.app.recorder.select_notifications(1, 1_000_000)
        if n.topic == AccessRecord.PersonalDataViewed.TOPIC
        for e in [c.app.mapper.to_domain_event(n)]
        if e.action == "certificate.convenience"
    ]
    (entry,) = journal
    assert entry.purpose is Purpose.CERTIFICATE and f"交付要求={batch_id}" in entry.criteria
    assert set(entry.subject_ids) == {a.taxpayer_id, _tid(second)}


def _tid(address_number: str) -> Any:
    from domain.taxpayer.model import taxpayer_id

    return taxpayer_id(address_number)


def test_request_file_without_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nohead.csv"
    path.write_text("R1,100,2026,2026-07-01\n", encoding="utf-8")
    with pytest.raises(ConvenienceFileError, match="1行目: 見出し"):
        parse_requests(path)
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConvenienceFileError, match="UTF-8"):
        parse_requests(path)


def test_answer_file_layout_is_checked_on_read(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(",".join(ANSWER_HEADER) + "\nR1,交付不可\n", encoding="utf-8")
    with pytest.raises(ConvenienceFileError, match="2行目: 項目数"):
        read_answers(path)
