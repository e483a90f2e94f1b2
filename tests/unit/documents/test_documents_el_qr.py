"""地方税統一QRコード (eL-QR, our layout — ADR 0025): the payload round-trips and refuses altered or malformed
input; every 納付書 (納税通知書, 再発行納付書, 督促状) prints one QR per slip that a scanner (pdftoppm + zbarimg)
reads back to the slip's amount, 納期限, 納付番号/確認番号, 年度 and 期別."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import doc_samples as samples
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.documents import pdf
from domain.documents import el_qr
from domain.documents.models import DunningNoticeModel, InstallmentSlip, TaxNoticeModel
from tests_support import decode_qr_codes

years = st.integers(2000, 2099)
notices = st.text("0123456789", min_size=11, max_size=11)
periods = st.integers(0, 4)
reissues = st.integers(0, 9)
dues = st.dates(date(2000, 1, 1), date(2199, 12, 31))
amounts = st.integers(1, el_qr.MAX_AMOUNT)


def _payload(**overrides: object) -> str:
    fields: dict[str, object] = {
        "municipality_code": "131105",
        "collector_code": "13110",
        "fiscal_year": 2026,
        "notice_number": "26000012345",
        "period": 2,
        "due_date": date(2026, 8, 31),
        "amount": 31_000,
        "reissue": 0,
    }
    fields.update(overrides)
    return el_qr.compose(**fields)  # type: ignore[arg-type]


@given(years, notices, periods, reissues, dues, amounts)
def test_payload_round_trips(
    year: int, notice: str, period: int, reissue: int, due: date, amount: int
) -> None:
    payload = _payload(
        fiscal_year=year, notice_number=notice, period=period, reissue=reissue, due_date=due, amount=amount
    )
    assert len(payload) == el_qr.LENGTH and payload.startswith("ELQR01")
    qr = el_qr.parse(payload)
    pn = qr.payment_number
    assert (pn.fiscal_year, pn.notice_number, pn.period, pn.reissue) == (year, notice, period, reissue)
    assert (qr.due_date, qr.amount, qr.municipality_code, qr.collector_code) == (
        due,
        amount,
        "131105",
        "13110",
    )
    number = el_qr.ElNumber.parse(qr.el_number)
    assert number.payment_number == pn and number.confirms(due, amount)
    # 6 digits can collide for one altered field (1 in 10⁶); both colliding at once does not happen
    assert not (number.confirms(due, amount + 1) and number.confirms(due + timedelta(days=1), amount))


@given(st.integers(6, el_qr.LENGTH - 1), st.integers(1, 9))
def test_any_altered_digit_is_refused(position: int, shift: int) -> None:
    payload = _payload()
    altered = payload[:position] + str((int(payload[position]) + shift) % 10) + payload[position + 1 :]
    with pytest.raises(ValueError, match=r"eL-QR|納付番号|date"):
        el_qr.parse(altered)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: "XLQR" + p[4:], "prefix"),
        (lambda p: p[:4] + "02" + p[6:], "version"),
        (lambda p: p[:-1], "66 characters"),
        (lambda p: p[:20] + "A" + p[21:], "66 characters"),
    ],
)
def test_malformed_payloads_say_what_is_wrong(mutate: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        el_qr.parse(mutate(_payload()))  # type: ignore[operator]


def test_altered_amount_with_a_recomputed_check_fails_the_confirmation_number() -> None:
    payload = _payload(amount=31_000)
    body = payload[6:-2]
    forged = body[:48] + f"{1_000:010d}"
    forged_payload = "ELQR01" + forged + el_qr._mod97(forged)
    with pytest.raises(ValueError, match="確認番号"):
        el_qr.parse(forged_payload)


def test_fields_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError):
        _payload(amount=0)
    with pytest.raises(ValueError):
        _payload(notice_number="123")
    with pytest.raises(ValueError):
        _payload(reissue=10)
    with pytest.raises(ValueError):
        el_qr.ElNumber.parse("13110-1202626000012345020-000000")


def test_a_slip_refuses_a_qr_of_another_amount_due_date_or_period() -> None:
    good = samples.slip(1, 31_400, samples.DUE[0])
    assert good.el_qr is not None
    for field, value in (("amount", 31_401), ("due_date", samples.DUE[1]), ("period", 2)):
        with pytest.raises(ValueError, match="eL-QR"):
            replace(good, **{field: value, "barcode": None})


def test_a_stored_slip_from_before_the_qr_still_loads_and_renders_without_one() -> None:
    model = samples.tax_notice()
    data = model.to_dict()
    for s in data["installments"]:
        del s["el_qr"]
    old = TaxNoticeModel.from_dict(data)
    assert all(s.el_qr is None for s in old.installments)
    assert all(page == [] for page in decode_qr_codes(pdf.render_tax_notice(old)))


def _check_slip(payload: str, slip: InstallmentSlip, fiscal_year: int, notice_number: str) -> el_qr.ElQr:
    qr = el_qr.parse(payload)
    pn = qr.payment_number
    assert (qr.amount, qr.due_date) == (slip.amount, slip.due_date)
    assert (pn.fiscal_year, pn.notice_number, pn.period) == (fiscal_year, notice_number, slip.period)
    assert qr.confirmation == el_qr.confirmation_number(pn.digits(), slip.due_date, slip.amount)
    assert slip.el_number == qr.el_number
    return qr


def test_tax_notice_prints_one_readable_qr_per_slip() -> None:
    model = samples.tax_notice()
    pages = decode_qr_codes(pdf.render_tax_notice(model))
    assert pages[0] == [], "the notice page itself carries no QR"
    decoded = [p for page in pages[1:] for p in page]
    assert len(decoded) == len(model.installments)
    by_period = {el_qr.parse(p).payment_number.period: p for p in decoded}
    for slip in model.installments:
        _check_slip(by_period[slip.period], slip, model.fiscal_year, model.notice_number)


def test_slips_above_the_cvs_limit_still_carry_a_qr() -> None:
    big = samples.slip(1, 1_500_000, samples.DUE[0], with_barcode=False)
    taxes = replace(samples.TAXES, municipal_income_levy=1_500_000)
    model = replace(samples.tax_notice(), installments=(big,), taxes=taxes)
    (qr,) = [p for page in decode_qr_codes(pdf.render_tax_notice(model)) for p in page]
    assert _check_slip(qr, big, 2026, model.notice_number).amount == 1_500_000


def test_reissued_slip_and_dunning_notice_carry_the_reissue_digit() -> None:
    reissued = samples.slip(1, 31_400, date(2026, 8, 31), reissue=1)
    notice = replace(samples.tax_notice(), installments=(reissued,))
    (payload,) = [p for page in decode_qr_codes(pdf.render_tax_notice(notice)) for p in page]
    assert _check_slip(payload, reissued, 2026, notice.notice_number).payment_number.reissue == 1

    dunned = samples.slip(1, 31_400, date(2026, 7, 25), reissue=2)
    dunning = DunningNoticeModel(
        fiscal_year=2026,
        issue_date=date(2026, 7, 15),
        notice_number=notice.notice_number,
        taxpayer_number=notice.taxpayer_number,
        addressee=notice.addressee,
        issuer=notice.issuer,
        period=1,
        label="第1期",
        original_due_date=samples.DUE[0],
        unpaid_tax=31_400,
        late_fee=100,
        pay_by=date(2026, 7, 25),
        slip=dunned,
    )
    pages = decode_qr_codes(pdf.render_dunning_notice(dunning))
    (payload,) = [p for page in pages for p in page]
    assert _check_slip(payload, dunned, 2026, notice.notice_number).payment_number.reissue == 2
