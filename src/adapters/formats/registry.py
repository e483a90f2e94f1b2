"""The import kinds juminzei ships: one registry entry per kind (docs/formats/README.md, "Adding a format").

Each entry names the adapter's parser, the record type, the record handler (picked from the wired
services), what a chunk reads ahead, and — for 課税資料 — the ``FilingKind`` that feeds the levy. Every
other place (importer, levy, CLI, HTTP, worker, benchmarks) asks this registry; none names a kind.
"""

from __future__ import annotations

from pathlib import Path

from adapters.formats import (
    bank_payments,
    cvs_payments,
    debit_mandates,
    disability,
    eltax_payments,
    eltax_pension,
    eltax_salary,
    employer_remittances,
    employers,
    etax_return,
    furusato_notice,
    pension_remittances,
    public_assistance,
    resident_registry,
)
from application.intake.formats import (
    Family,
    FormatRegistry,
    FormatSpec,
    ImportKind,
    RecordHandler,
    RecordServices,
)
from application.intake.importer import (
    ReceivedFile,
    preload_employers,
    preload_filings,
    preload_taxpayers,
)
from domain.collection.records import DebitMandate, Receipt
from domain.filings.filing import FilingKind
from domain.filings.resident_return import ResidentReturn
from domain.intake import (
    DisabilityRecord,
    Employer,
    FurusatoNotice,
    PensionReport,
    PublicAssistanceRecord,
    ResidentRecord,
    SalaryReport,
    TaxReturn,
)


def _receipt(services: RecordServices) -> RecordHandler:
    """Receipts of every channel → 消込 (CollectionService.post_receipt)."""
    return services.collection.post_receipt


FORMATS = FormatRegistry(
    [
        FormatSpec(
            kind=ImportKind.RESIDENT_REGISTRY,
            label="住民記録 異動データ",
            family=Family.INTAKE,
            record_type=ResidentRecord,
            parse=resident_registry.parse,
            handler=lambda s: s.intake.resident,
            preload=preload_taxpayers,
        ),
        FormatSpec(
            kind=ImportKind.EMPLOYERS,
            label="特別徴収義務者台帳",
            family=Family.INTAKE,
            record_type=Employer,
            parse=employers.parse,
            handler=lambda s: s.intake.employer_record,
            preload=preload_employers,
        ),
        FormatSpec(
            kind=ImportKind.PUBLIC_ASSISTANCE,
            label="生活保護 受給状況",
            family=Family.INTAKE,
            record_type=PublicAssistanceRecord,
            parse=public_assistance.parse,
            handler=lambda s: s.intake.assistance,
            preload=preload_taxpayers,
        ),
        FormatSpec(
            kind=ImportKind.DISABILITY,
            label="障害者手帳 交付状況",
            family=Family.INTAKE,
            record_type=DisabilityRecord,
            parse=disability.parse,
            handler=lambda s: s.intake.disability,
            preload=preload_taxpayers,
        ),
        FormatSpec(
            kind=ImportKind.ELTAX_SALARY,
            label="給与支払報告書",
            family=Family.INTAKE,
            record_type=SalaryReport,
            parse=eltax_salary.parse,
            preload=preload_filings,
            filing_kind=FilingKind.SALARY_REPORT,
        ),
        FormatSpec(
            kind=ImportKind.ELTAX_PENSION,
            label="公的年金等支払報告書",
            family=Family.INTAKE,
            record_type=PensionReport,
            parse=eltax_pension.parse,
            preload=preload_filings,
            filing_kind=FilingKind.PENSION_REPORT,
        ),
        FormatSpec(
            kind=ImportKind.ETAX_RETURN,
            label="確定申告書（国税連携）",
            family=Family.INTAKE,
            record_type=TaxReturn,
            parse=etax_return.parse,
            preload=preload_filings,
            filing_kind=FilingKind.TAX_RETURN,
        ),
        FormatSpec(
            kind=ImportKind.FURUSATO_NOTICE,
            label="申告特例通知書",
            family=Family.INTAKE,
            record_type=FurusatoNotice,
            parse=furusato_notice.parse,
            preload=preload_filings,
            filing_kind=FilingKind.FURUSATO_NOTICE,
        ),
        FormatSpec(
            kind=ImportKind.RESIDENT_RETURN,
            label="住民税申告書（窓口・マイナポータル）",
            family=Family.INTAKE,
            record_type=ResidentReturn,
            filing_kind=FilingKind.RESIDENT_RETURN,
            importable=False,  # received one at a time by ResidentReturnService, never as a file
        ),
        *(
            FormatSpec(
                kind=kind,
                label=label,
                family=Family.RECEIPTS,
                record_type=Receipt,
                parse=parse,
                handler=_receipt,
            )
            for kind, label, parse in (
                (ImportKind.BANK_PAYMENTS, "指定金融機関 収納データ", bank_payments.parse),
                (ImportKind.CVS_PAYMENTS, "コンビニ収納 速報・確報", cvs_payments.parse),
                (ImportKind.ELTAX_PAYMENTS, "地方税共通納税 収納データ", eltax_payments.parse),
                (ImportKind.EMPLOYER_REMITTANCES, "特別徴収 納入データ（給与）", employer_remittances.parse),
                (ImportKind.PENSION_REMITTANCES, "特別徴収 納入データ（年金）", pension_remittances.parse),
            )
        ),
        FormatSpec(
            kind=ImportKind.DEBIT_MANDATES,
            label="口座振替依頼書",
            family=Family.DEBIT,
            record_type=DebitMandate,
            parse=debit_mandates.parse,
            handler=lambda s: s.debit.mandate_record,
        ),
        FormatSpec(
            # The collected lines of a 全銀 結果ファイル, read by ``payments debit-result`` (adapters.formats.zengin).
            kind=ImportKind.DEBIT_RESULTS,
            label="口座振替結果",
            family=Family.DEBIT,
            record_type=Receipt,
            handler=_receipt,
        ),
    ]
)

#: Kinds ``juminzei import`` takes, in help order (intake first, then the receipt and mandate files it
#: also accepts).
IMPORT_KINDS = FORMATS.kinds(Family.INTAKE)
PAYMENT_KINDS = FORMATS.kinds(Family.RECEIPTS)


def read_file(kind: str, path: Path, formats: FormatRegistry = FORMATS) -> ReceivedFile:
    """Parse ``path`` with the adapter registered for ``kind`` (every physical record → one item)."""
    parse = formats.get(kind).parse
    if parse is None:
        raise ValueError(f"import kind {kind!r} is not read from a file of its own")
    outcome = parse(path)
    return ReceivedFile(
        kind=kind,
        file_name=path.name,
        sha256=outcome.sha256,
        declared_count=outcome.declared_count,
        physical_records=outcome.physical_records,
        items=outcome.items,
        file_errors=outcome.file_errors,
    )
