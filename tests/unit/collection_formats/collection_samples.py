"""Sample collection records shared by the collection-format tests (synthetic values only)."""

from __future__ import annotations

from datetime import date

from domain.collection.records import (
    AccountType,
    Channel,
    DebitMandate,
    DebitRequestLine,
    DebitResultLine,
    MandateAction,
    NewCode,
    NoticeReference,
    Receipt,
    RemittanceReference,
    TransferDesignation,
    TransferLine,
    ZenginHeader,
    ZenginKind,
    customer_number,
)
from domain.documents.barcode import compose

# Personal-looking values that must never appear in an error message.
ACCOUNT_NUMBERS = ("1234567", "7654321", "0000123")
HOLDERS = ("ﾔﾏﾀﾞ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ", "ｻﾄｳ ｼﾞﾛｳ")

DEBIT_HEADER = ZenginHeader(
    kind=ZenginKind.DEBIT,
    originator_code="1310000001",
    originator_name="ﾒｸﾞﾛｸ(ｶｲｹｲｶﾝﾘｼﾔ)",
    mmdd="0630",
    bank_code="0001",
    bank_name="ﾐｽﾞﾎ",
    branch_code="001",
    branch_name="ﾄｳｷﾖｳ",
    account_type=AccountType.ORDINARY,
    account_number="1000001",
)
TRANSFER_HEADER = ZenginHeader(
    kind=ZenginKind.TRANSFER,
    originator_code="1310000002",
    originator_name="ﾒｸﾞﾛｸ ｶﾝﾌﾟｷﾝ",
    mmdd="0229",
    bank_code="0001",
    bank_name="",
    branch_code="001",
    branch_name="",
    account_type=AccountType.CURRENT,
    account_number="2000002",
)


def debit_lines() -> list[DebitRequestLine]:
    return [
        DebitRequestLine(
            bank_code="0005",
            bank_name="ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ",
            branch_code="001",
            branch_name="ﾎﾝﾃﾝ",
            account_type=AccountType.ORDINARY,
            account_number=ACCOUNT_NUMBERS[0],
            holder_kana=HOLDERS[0],
            amount=12_300,
            new_code=NewCode.FIRST,
            customer_number=customer_number(fiscal_year=2026, notice_number="00000012345", period=1),
        ),
        DebitRequestLine(
            bank_code="0009",
            bank_name="",
            branch_code="005",
            branch_name="",
            account_type=AccountType.TAX_RESERVE,
            account_number=ACCOUNT_NUMBERS[1],
            holder_kana=HOLDERS[1],
            amount=9_999_999,
            new_code=NewCode.OTHER,
            customer_number=customer_number(fiscal_year=2026, notice_number="00000067890", period=1),
        ),
        DebitRequestLine(
            bank_code="9900",
            bank_name="ﾕｳﾁﾖ",
            branch_code="018",
            branch_name="",
            account_type=AccountType.ORDINARY,
            account_number=ACCOUNT_NUMBERS[2],
            holder_kana=HOLDERS[2],
            amount=1,
            new_code=NewCode.CHANGED,
            customer_number=customer_number(
                fiscal_year=2026, notice_number="00000099999", period=1, attempt=2
            ),
        ),
    ]


def result_lines(codes: str) -> list[DebitResultLine]:
    """The request lines answered with the given 振替結果コード (cycled)."""
    out = []
    for i, line in enumerate(debit_lines() * ((len(codes) + 2) // 3)):
        if i >= len(codes):
            break
        fields = {f: getattr(line, f) for f in DebitRequestLine.__slots__}
        out.append(DebitResultLine(**fields, raw_result_code=codes[i]))
    return out


def transfer_lines() -> list[TransferLine]:
    return [
        TransferLine(
            bank_code="0005",
            bank_name="ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ",
            branch_code="002",
            branch_name="ﾏﾙﾉｳﾁ",
            account_type=AccountType.ORDINARY,
            account_number=ACCOUNT_NUMBERS[0],
            payee_kana=HOLDERS[0],
            amount=5_000,
            customer_code1="0000012345",
            customer_code2="2026000001",
        ),
        TransferLine(
            bank_code="0009",
            bank_name="",
            branch_code="001",
            branch_name="",
            account_type=AccountType.SAVINGS,
            account_number=ACCOUNT_NUMBERS[1],
            payee_kana="ｶ)ﾒｸﾞﾛｼﾖｳｼﾞ",
            amount=123_456,
            designation=TransferDesignation.TELEGRAPHIC,
            edi=True,
            edi_info="ｶﾝﾌﾟ R8-0001/ｶﾝﾌﾟｷﾝ",
            clearing_house="0000",
        ),
    ]


def mandates() -> list[DebitMandate]:
    return [
        DebitMandate(
            mandate_id="M-2026-0001",
            address_number="0000012345",
            action=MandateAction.REGISTER,
            start_date=date(2026, 6, 30),
            bank_code="0005",
            branch_code="001",
            account_type=AccountType.ORDINARY,
            account_number=ACCOUNT_NUMBERS[0],
            holder_kana=HOLDERS[0],
        ),
        DebitMandate(
            mandate_id="M-2026-0002",
            address_number="0000067890",
            action=MandateAction.CANCEL,
            start_date=date(2026, 8, 31),
            bank_code="9900",
            branch_code="018",
            account_type=AccountType.TAX_RESERVE,
            account_number=ACCOUNT_NUMBERS[1],
            holder_kana=HOLDERS[1],
        ),
    ]


CVS_CODE = compose(
    company_code="959919",
    fiscal_year=2026,
    notice_number="00000012345",
    period=2,
    payment_deadline=date(2026, 9, 30),
    amount=12_300,
    reissue=1,
    client_code="12345",
)


def bank_receipts() -> list[Receipt]:
    return [
        Receipt(
            channel=Channel.BANK,
            receipt_id="B20260630-0001",
            paid_on=date(2026, 6, 30),
            amount=12_300,
            reference=NoticeReference(2026, "00000012345", 1),
            collected_by="0001-001",
        ),
        Receipt(
            channel=Channel.BANK,
            receipt_id="B20260630-0002",
            paid_on=date(2026, 7, 1),
            amount=49_200,
            reference=NoticeReference(2026, "00000067890", 0),
            collected_by="0009-005",
        ),
    ]


def cvs_receipts() -> list[Receipt]:
    return [
        Receipt(
            channel=Channel.CVS,
            receipt_id="CVS000001",
            paid_on=date(2026, 8, 31),
            amount=12_300,
            reference=NoticeReference(2026, "00000012345", 2, reissue=1),
            collected_by="01-123456",
            barcode=CVS_CODE,
            provisional=True,
        ),
        Receipt(
            channel=Channel.CVS,
            receipt_id="CVS000002",
            paid_on=date(2026, 9, 1),
            amount=12_300,
            reference=NoticeReference(2026, "00000012345", 2, reissue=1),
            collected_by="02-000777",
            barcode=CVS_CODE,
        ),
    ]


def eltax_receipts() -> list[Receipt]:
    return [
        Receipt(
            channel=Channel.ELTAX,
            receipt_id="EL0000000001",
            paid_on=date(2026, 10, 31),
            amount=30_000,
            reference=NoticeReference(2026, "00000012345", 3),
            collected_by="クレジットカード",
            el_number="01234-5678901234567890-123456-001",
        ),
        Receipt(
            channel=Channel.ELTAX,
            receipt_id="EL0000000002",
            paid_on=date(2027, 1, 31),
            amount=30_000,
            reference=NoticeReference(2026, "00000012345", 4),
        ),
    ]


def remittances(channel: Channel) -> list[Receipt]:
    return [
        Receipt(
            channel=channel,
            receipt_id="T2026070001",
            paid_on=date(2026, 7, 10),
            amount=1_234_500,
            reference=RemittanceReference("1234", 2026, 6),
            collected_by="0001-001",
            headcount=42,
        ),
        Receipt(
            channel=channel,
            receipt_id="T2026120001",
            paid_on=date(2026, 12, 10),
            amount=300,
            reference=RemittanceReference("000000000001", 2026, 11),
            headcount=0,
        ),
    ] + (
        [  # 年金特別徴収 個人別内訳: one person's share
            Receipt(
                channel=channel,
                receipt_id="P2026110001-1",
                paid_on=date(2026, 11, 10),
                amount=6_100,
                reference=RemittanceReference("0001", 2026, 10, "0000100147"),
                headcount=1,
            )
        ]
        if channel is Channel.PENSION
        else []
    )
