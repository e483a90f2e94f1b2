"""PDF renderers: valid PDF, byte-for-byte reproducible, not blank when rasterised, Japanese text present."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import doc_samples as samples
import pypdfium2 as pdfium
import pytest

from adapters.documents import pdf
from adapters.documents.verification import sign
from domain.documents.barcode import human_readable

KEY = b"test-verification-key-32-bytes!!"

CASES: dict[str, tuple[Callable[[], Any], Callable[[Any], bytes], list[str]]] = {
    "tax_notice": (
        samples.tax_notice,
        pdf.render_tax_notice,
        [
            "納税通知書",
            "特別区民税",
            "都民税",
            "森林環境税",
            "均等割額",
            "所得割額",
            "123,400円",
            "74,400円",
            "総所得金額等",
            "所得控除合計",
            "課税標準額",
            "税額控除（特別区民税）",
            "令和8年度",
            "令和8年6月30日",
            "第1期",
            "31,400円",
            "目黒　太郎　様",
        ],
    ),
    "employer_notice": (
        samples.employer_notice,
        pdf.render_employer_notice,
        [
            "特別徴収税額決定通知書",
            "（特別徴収義務者用）",
            "年税額",
            "6月",
            "5月",
            "103,000",
            "9,500",
            "合計 3人",
        ],
    ),
    "employee_notice": (
        samples.employee_notice,
        pdf.render_employee_notice,
        [
            "特別徴収税額決定通知書",
            "（納税義務者用）",
            "株式会社　目黒商事",
            "123,400円",
            "11,200円",
            "10,200円",
        ],
    ),
    "change_notice": (
        samples.change_notice,
        pdf.render_change_notice,
        [
            "税額変更通知書",
            "変更前",
            "変更後",
            "差引",
            "所得税の修正申告に基づく更正",
            "133,400円",
            "増額 10,000円",
            "36,000円",
        ],
    ),
    "certificate": (
        lambda: sign(KEY, samples.certificate()),
        pdf.render_certificate,
        [
            "課税証明書",
            "目黒　花子",
            "昭和60年4月12日",
            "3,800,000円",
            "所得控除合計",
            "123,400円",
            "照合番号",
            "C2026-000077",
        ],
    ),
    "non_taxable_certificate": (
        lambda: sign(KEY, samples.certificate("non_taxable")),
        pdf.render_certificate,
        ["非課税証明書", "課税されていないことを証明します", "400,000円", "照合番号"],
    ),
    "non_resident_notice": (
        samples.non_resident_notice,
        pdf.render_non_resident_notice,
        ["住民登録外課税について（通知）", "川崎市長", "川崎　次郎", "地方税法第294条第3項", "123,400円"],
    ),
}


def _text(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _dark_pixels(data: bytes, page: int = 0) -> int:
    image = pdfium.PdfDocument(data)[page].render(scale=0.5, grayscale=True).to_pil().convert("L")
    return sum(image.histogram()[:128])


@pytest.fixture(scope="module", params=sorted(CASES))
def rendered(request: pytest.FixtureRequest) -> tuple[str, Any, bytes]:
    factory, renderer, _ = CASES[request.param]
    model = factory()
    return request.param, model, renderer(model)


def test_is_a_pdf_with_pages(rendered: tuple[str, Any, bytes]) -> None:
    _, _, data = rendered
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(pdfium.PdfDocument(data)) >= 1


def test_rendering_twice_and_from_stored_dict_gives_identical_bytes(rendered: tuple[str, Any, bytes]) -> None:
    name, model, data = rendered
    renderer = CASES[name][1]
    assert renderer(model) == data
    assert renderer(type(model).from_dict(model.to_dict())) == data
    assert pdf.render(model) == data


def test_creation_date_is_the_issue_date(rendered: tuple[str, Any, bytes]) -> None:
    _, model, data = rendered
    stamp = f"D:{model.issue_date:%Y%m%d}000000+09'00'".encode()
    assert b"/CreationDate (" + stamp + b")" in data


def test_first_page_is_not_blank(rendered: tuple[str, Any, bytes]) -> None:
    _, _, data = rendered
    assert _dark_pixels(data) > 2_000  # rules, tables and text; an empty A4 page at scale 0.5 has 0


def test_text_contains_the_expected_japanese(rendered: tuple[str, Any, bytes]) -> None:
    name, _, data = rendered
    text = "\n".join(_text(data))
    missing = [s for s in CASES[name][2] if s not in text]
    assert not missing, f"missing in {name}: {missing}"


def test_different_models_give_different_documents() -> None:
    a = pdf.render_tax_notice(samples.tax_notice())
    b = pdf.render_tax_notice(replace(samples.tax_notice(), notice_number="26000099999"))
    assert a != b


def test_tax_notice_slips_carry_barcode_digits_amounts_and_due_dates() -> None:
    model = samples.tax_notice()
    pages = _text(pdf.render_tax_notice(model))
    assert len(pages) == 2  # notice + one page of four slips
    slips_page = pages[1]
    for s in model.installments:
        assert s.barcode is not None
        assert human_readable(s.barcode) in slips_page
        assert f"納付書（{s.label}）" in slips_page
    assert "令和9年2月1日" in slips_page
    assert "30,000円" in slips_page
    assert "コンビニ取扱期限" in slips_page
    assert _dark_pixels(pdf.render_tax_notice(model), page=1) > _dark_pixels(
        pdf.render_tax_notice(model), page=0
    )


def test_slip_without_barcode_says_it_cannot_be_paid_at_a_convenience_store() -> None:
    pages = _text(pdf.render_change_notice(samples.change_notice()))
    assert "取り扱いできません" in pages[-1]


def test_employer_notice_paginates_and_totals_on_the_last_page() -> None:
    model = samples.employer_notice(40)
    pages = _text(pdf.render_employer_notice(model))
    assert len(pages) == 3
    assert "合計 40人" in pages[-1] and "合計 40人" not in pages[0]
    assert "1 / 3" in pages[0] and "3 / 3" in pages[2]
    assert f"{model.annual_total:,}" in pages[-1]
    for row in model.rows:
        assert any(row.name in p for p in pages)


def test_certificate_prints_full_and_short_verification_codes() -> None:
    model = sign(KEY, samples.certificate())
    text = _text(pdf.render_certificate(model))[0]
    assert model.verification_code in text
    assert "短縮照合番号　" + "-".join(model.verification_code.split("-")[:3]) in text


def test_unsigned_certificate_is_refused() -> None:
    with pytest.raises(ValueError, match="verification code"):
        pdf.render_certificate(samples.certificate())


def test_render_dispatch_refuses_unknown_types() -> None:
    with pytest.raises(TypeError):
        pdf.render(object())


_SCRIPT = """
import hashlib, sys
from adapters.documents import pdf
from adapters.documents.verification import sign
import doc_samples as s
out = [pdf.render_tax_notice(s.tax_notice()), pdf.render_certificate(sign(%r, s.certificate()))]
print(",".join(hashlib.sha256(b).hexdigest() for b in out))
"""


def test_a_fresh_process_renders_the_same_bytes() -> None:
    here = Path(__file__).parent
    src = Path(pdf.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "America/New_York"}
    env["PYTHONPATH"] = os.pathsep.join([str(src), str(here)])
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT % KEY], capture_output=True, text=True, env=env, check=True, timeout=60
    )
    expected = [
        pdf.render_tax_notice(samples.tax_notice()),
        pdf.render_certificate(sign(KEY, samples.certificate())),
    ]
    assert result.stdout.strip() == ",".join(hashlib.sha256(b).hexdigest() for b in expected)


def _chars_outside_page(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    outside = 0
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()
        text = page.get_textpage()
        for c in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(c)
            if right <= left:  # generated spaces / line breaks have no box
                continue
            if left < 0 or bottom < 0 or right > width or top > height:
                outside += 1
    return outside


def test_no_text_falls_off_the_page(rendered: tuple[str, Any, bytes]) -> None:
    _, _, data = rendered
    assert _chars_outside_page(data) == 0


LONG_DEDUCTIONS = tuple(samples.AmountLine(f"控除項目{i}", 10_000 * i) for i in range(1, 19))


def test_long_notice_continues_on_a_new_page() -> None:
    model = replace(
        samples.tax_notice(),
        basis=replace(samples.BASIS, deduction_lines=LONG_DEDUCTIONS),
        notes=tuple(f"お知らせ{i}" for i in range(12)),
    )
    data = pdf.render_tax_notice(model)
    pages = _text(data)
    assert len(pages) == 3  # notice overflows to a second page, then the slips
    text = "\n".join(pages)
    assert "控除項目18" in text and "お知らせ11" in text and "第4期" in text and "審査請求" in text
    assert _chars_outside_page(data) == 0


def test_long_certificate_keeps_the_verification_box_whole() -> None:
    model = sign(
        KEY,
        replace(
            samples.certificate(),
            basis=replace(samples.BASIS, deduction_lines=LONG_DEDUCTIONS),
            remarks=tuple(f"備考{i}" for i in range(8)),
        ),
    )
    data = pdf.render_certificate(model)
    pages = _text(data)
    assert len(pages) == 2
    assert model.verification_code in pages[-1] and "短縮照合番号" in pages[-1]
    assert "控除項目18" in "\n".join(pages)
    assert _chars_outside_page(data) == 0
