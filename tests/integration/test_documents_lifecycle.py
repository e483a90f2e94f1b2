"""Notices and certificates from the record: issued as events, re-rendered identically, verified."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pypdfium2
import pytest

from adapters.documents.pdf import render
from adapters.formats import eltax_salary
from adapters.formats.registry import read_file
from application.assessment.documents import verify_certificate
from domain.assessment.assessment import Assessment
from domain.assessment.values import CollectionMethod
from domain.intake import ParsedRecord, SubmissionKind
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from tools.synthetic.generator import generate

ISSUED = date(2026, 6, 1)


def ctx(command_id: str, purpose: Purpose = Purpose.INITIAL_LEVY) -> CommandContext:
    return CommandContext(actor="clerk-1", purpose=purpose, command_id=command_id)


@pytest.fixture
def ward_levied(durable_container: Any, tmp_path: Path) -> tuple[Any, Path]:
    c = durable_container
    out = tmp_path / "ward"
    manifest = generate(out, taxpayers=60, seed=5, fiscal_year=2026)
    for f in manifest["files"]:
        c.runner.catch_up()
        c.intake.import_file(read_file(f["kind"], out / f["path"]), ctx(f"i:{f['path']}", Purpose.INTAKE))
    c.runner.catch_up()
    c.levy.run(2026, ctx("levy"))
    c.runner.catch_up()
    return c, out


def pick(c: Any, predicate: Any) -> tuple[Assessment, str]:
    for aid in c.ledger.assessments(2026):
        a: Assessment = c.app.repository.get(aid)
        if predicate(a):
            return a, c.app.repository.get(a.taxpayer_id).address_number
    raise AssertionError("no matching assessment")


def dark_pixels_in_title(pdf: bytes) -> int:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=1.0).to_pil().convert("L")
    width, height = image.size
    title = image.crop((0, 0, width, int(height * 0.08)))  # the heading: 令和8年度 … 納税通知書
    return sum(1 for value in title.tobytes() if value < 128)


def test_tax_notice_renders_japanese_and_rerenders_identically(ward_levied: Any) -> None:
    c, _ = ward_levied
    a, address = pick(c, lambda a: a.method is CollectionMethod.ORDINARY and a.amounts.payable > 0)
    doc = c.documents.tax_notice(address, 2026, ISSUED, ctx("n1"))
    pdf = render(doc.model)
    assert dark_pixels_in_title(pdf) > 500, "the Japanese heading is drawn (font embedded)"
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "納税通知書" in text and f"{a.amounts.payable:,}" in text
    assert all(s.barcode for s in doc.model.installments if s.amount <= 999_999)
    again = c.documents.tax_notice(address, 2026, ISSUED, ctx("n2"))
    assert again.already_issued and again.document_id == doc.document_id
    assert render(c.documents.model_of(doc.document_id, a.id)) == pdf, (
        "re-rendered byte-for-byte from the record"
    )
    c.runner.catch_up()
    assert c.ledger.document(doc.document_id)["kind"] == "納税通知書"


def test_certificate_verifies_and_tampering_does_not(ward_levied: Any) -> None:
    c, _ = ward_levied
    _, address = pick(c, lambda a: a.amounts.total > 0)
    doc = c.documents.certificate(address, 2026, ISSUED, ctx("c1", Purpose.CERTIFICATE), "勤務先提出用")
    c.runner.catch_up()
    assert verify_certificate(c.documents, c.ledger, doc.verification_code).valid
    assert verify_certificate(c.documents, c.ledger, doc.verification_code.lower()).valid, (
        "typed forms are fine"
    )
    tampered = doc.verification_code[:-1] + ("0" if doc.verification_code[-1] != "0" else "1")
    assert not verify_certificate(c.documents, c.ledger, tampered).valid
    forged = dataclasses.replace(doc.model, purpose="改ざん")
    assert not c.documents.signer.verify(forged, doc.verification_code)
    _, nt_address = pick(c, lambda a: a.amounts.total == 0)
    nt = c.documents.certificate(nt_address, 2026, ISSUED, ctx("c2", Purpose.CERTIFICATE))
    assert nt.model.kind == "non_taxable" and nt.model.taxes is None


def test_correction_gives_a_change_notice_and_stales_certificates(ward_levied: Any, tmp_path: Path) -> None:
    c, out = ward_levied
    a, address = pick(c, lambda a: a.method is CollectionMethod.SALARY and a.basis == "支払報告書")
    cert = c.documents.certificate(address, 2026, ISSUED, ctx("c", Purpose.CERTIFICATE))
    filing = c.app.repository.get(UUID(a.source_filing_ids[0]))
    parsed = eltax_salary.parse(out / "eltax_salary_315.csv")
    original = next(i.record for i in parsed.items if isinstance(i, ParsedRecord) and i.line == filing.line)
    corrected = dataclasses.replace(
        original, submission_kind=SubmissionKind.CORRECTION, payment_amount=original.payment_amount - 300_000
    )
    eltax_salary.write(tmp_path / "fix.csv", [corrected])
    c.runner.catch_up()
    c.intake.import_file(read_file("eltax-salary", tmp_path / "fix.csv"), ctx("fix", Purpose.INTAKE))
    c.runner.catch_up()
    ((_, delta),) = c.levy.reassess_changed(2026, ctx("r", Purpose.CORRECTION), "給与支払報告書の訂正")
    assert delta < 0
    notice = c.documents.change_notice(address, 2026, ISSUED, ctx("cn", Purpose.CORRECTION))
    assert notice.model.after.total - notice.model.before.total == delta
    assert sum(ch.after for ch in notice.model.installment_changes) == notice.model.after.total
    text = pypdfium2.PdfDocument(render(notice.model))[0].get_textpage().get_text_range()
    assert "税額変更通知書" in text
    c.runner.catch_up()
    stale = verify_certificate(c.documents, c.ledger, cert.verification_code)
    assert stale.valid and stale.current is False


def test_employer_and_employee_notices(ward_levied: Any) -> None:
    c, _ = ward_levied
    (first, *_) = c.ledger.employer_list(2026)
    ids = c.ledger.assessments_collected_by(first["designation_number"], 2026)
    doc = c.documents.employer_notice(first["designation_number"], 2026, ids, ISSUED, ctx("e"))
    assert len(doc.model.rows) == first["employees"]
    assert sum(r.annual_tax for r in doc.model.rows) == first["annual"], "the special-collection part only"
    assert c.documents.employer_notice(
        first["designation_number"], 2026, ids, ISSUED, ctx("e2")
    ).already_issued
    _, address = pick(
        c,
        lambda a: (
            a.method is CollectionMethod.SALARY
            and len([i for i in a.installments if i.method is CollectionMethod.SALARY]) == 12
        ),
    )
    employee = c.documents.employee_notice(address, 2026, ISSUED, ctx("ee"))
    assert len(employee.model.monthly) == 12
    with pytest.raises(DomainError):
        c.documents.tax_notice("0", 2026, ISSUED, ctx("x"))


def test_non_resident_is_levied_per_capita_only_and_notified(durable_container: Any) -> None:
    from application.taxpayers import RegisterTaxpayer
    from domain.shared.person import RegistrationKind, Sex

    c = durable_container
    c.taxpayers.register(
        RegisterTaxpayer(
            "900000001",
            "家屋敷一郎",
            "カオクシキイチロウ",
            date(1960, 2, 2),
            Sex.M,
            "神奈川県川崎市中原区1-1",
            RegistrationKind.NON_RESIDENT,
            registered_on=date(2020, 4, 1),
        ),
        ctx("reg", Purpose.REGISTRY),
    )
    c.runner.catch_up()
    result = c.levy.run(2026, ctx("levy"))
    assert result.levied == 1
    c.runner.catch_up()
    (aid,) = c.ledger.assessments(2026)
    a: Assessment = c.app.repository.get(aid)
    assert a.basis.startswith("家屋敷課税")
    assert a.amounts.municipal_income_levy == a.amounts.prefectural_income_levy == 0
    assert a.amounts.municipal_per_capita > 0 and a.amounts.forest_environment_tax == 0
    doc = c.documents.non_resident_notice(
        "900000001", 2026, ISSUED, "141313", "川崎市長", "川崎市中原区1-1", ctx("n")
    )
    text = pypdfium2.PdfDocument(render(doc.model))[0].get_textpage().get_text_range()
    assert "川崎市長" in text
