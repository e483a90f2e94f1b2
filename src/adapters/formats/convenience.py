"""コンビニ交付 (⑫) file layouts: the 証明書交付センター's 交付要求 file in, our 証明書データ file out.

Our own layouts (docs/formats/convenience-certificates.md): the センター's interface specification (J-LIS,
証明書交付センター 接続仕様) is not public, so these files are what a connector to it would translate to and
from (ADR 0028). Both are UTF-8 CSV (RFC 4180 quoting, BOM tolerated, LF written) with a header row.

交付要求: ``要求番号,宛名番号,年度,交付日`` — 要求番号 1–20 characters of [0-9A-Za-z-], 宛名番号 digits, 年度
western (e.g. 2026), 交付日 ``YYYY-MM-DD``. A malformed line becomes a request answered 交付不可 with the line
and field; the header is checked (a file without it is refused as a whole).

証明書データ: one row per request, in request order — see ``ANSWER_HEADER``; amounts are int yen; 交付不可
rows carry only 要求番号, 結果 and 理由.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from application.convenience import CertificateAnswer, CertificateRequest

REQUEST_HEADER = ("要求番号", "宛名番号", "年度", "交付日")
ANSWER_HEADER = (
    "要求番号", "結果", "理由", "証明書番号", "証明書種別", "年度", "発行日", "氏名", "住所", "生年月日",
    "総所得金額等", "所得控除合計", "課税標準額", "特別区民税均等割額", "特別区民税所得割額", "都民税均等割額",
    "都民税所得割額", "森林環境税", "税額合計", "確認コード",
)  # fmt: skip
KIND_LABELS = {"taxable": "課税証明書", "non_taxable": "非課税証明書"}
_REQUEST_NUMBER = re.compile(r"^[0-9A-Za-z-]{1,20}$")


class ConvenienceFileError(ValueError):
    """A 交付要求 file that cannot be read at all (the message names the file and line)."""


def parse_requests(path: Path) -> tuple[str, tuple[CertificateRequest, ...]]:
    """(batch id = the file's SHA-256 prefix, the requests — malformed lines as requests with ``error``)."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as e:
        raise ConvenienceFileError(f"{path}: 読めません ({e.strerror})") from e
    except UnicodeDecodeError as e:
        raise ConvenienceFileError(f"{path}: UTF-8 ではありません（{e.start} バイト目）") from e
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(c.strip() for c in rows[0]) != REQUEST_HEADER:
        raise ConvenienceFileError(f"{path} 1行目: 見出しが {','.join(REQUEST_HEADER)} ではありません。")
    out: list[CertificateRequest] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row]
        number = cells[0] if cells else ""
        out.append(_request(line, number, cells))
    return hashlib.sha256(raw).hexdigest()[:16], tuple(out)


def _request(line: int, number: str, cells: list[str]) -> CertificateRequest:
    def bad(field: str, what: str) -> CertificateRequest:
        return CertificateRequest(line, number, error=f"{line}行目 {field}: {what}")

    if len(cells) != len(REQUEST_HEADER):
        return bad("項目数", f"{len(cells)} 項目です（{len(REQUEST_HEADER)} 項目）")
    _, address_number, year_text, day_text = cells
    if not _REQUEST_NUMBER.match(number):
        return bad("要求番号", "英数字とハイフン1〜20文字で指定してください")
    if not address_number.isdigit():
        return bad("宛名番号", "数字ではありません")
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        return bad("年度", "西暦4桁で指定してください")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return bad("交付日", "YYYY-MM-DD の日付ではありません")
    return CertificateRequest(line, number, address_number, int(year_text), day)


def answer_rows(answers: Iterable[CertificateAnswer]) -> list[list[str]]:
    rows: list[list[str]] = []
    for a in answers:
        m = a.model
        if not a.issued or m is None:
            rows.append([a.request_number, "交付不可", a.reason] + [""] * (len(ANSWER_HEADER) - 3))
            continue
        t = m.taxes
        taxes = (
            ["0"] * 6  # 非課税証明書: no tax levied
            if t is None
            else [
                str(t.municipal_per_capita),
                str(t.municipal_income_levy),
                str(t.prefectural_per_capita),
                str(t.prefectural_income_levy),
                str(t.forest_environment_tax),
                str(t.total),
            ]
        )
        rows.append(
            [
                a.request_number,
                "交付可",
                "",
                m.certificate_number,
                KIND_LABELS[m.kind],
                str(m.fiscal_year),
                m.issue_date.isoformat(),
                m.subject.name,
                m.subject.address,
                m.subject.birth_date.isoformat() if m.subject.birth_date else "",
                str(m.basis.total_income),
                str(m.basis.total_deductions),
                str(m.basis.taxable_income),
                *taxes,
                m.verification_code,
            ]
        )
    return rows


def write_answers(path: Path, answers: Iterable[CertificateAnswer]) -> int:
    rows = answer_rows(answers)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(ANSWER_HEADER)
        writer.writerows(rows)
    path.chmod(0o600)
    return len(rows)


def read_answers(path: Path) -> list[dict[str, str]]:
    """The 証明書データ as the センター reads it (header checked)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if not rows or tuple(rows[0]) != ANSWER_HEADER:
        raise ConvenienceFileError(f"{path} 1行目: 見出しが証明書データの見出しではありません。")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(ANSWER_HEADER):
            raise ConvenienceFileError(
                f"{path} {line}行目: 項目数が {len(row)} です（{len(ANSWER_HEADER)} 項目）。"
            )
    return [dict(zip(ANSWER_HEADER, row, strict=True)) for row in rows[1:]]
