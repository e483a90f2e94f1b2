"""住民税申告書 entry with four-eyes (screen 3 of the issue): one clerk keys (入力), another keys it again
(確認入力) without seeing the first; equal keyings become the filing, differences send the return back with
the differing items highlighted (訂正 by the first clerk, then 確認入力 again). Nobody verifies their own
keying (the domain refuses it).

The form is derived from the 記載事項 of ``domain.filings.resident_return.ResidentReturn`` (the same schema as
the CLI and the API, ``interfaces.schemas.resident_return``); the spouse and dependents are not on this
screen yet (use ``juminzei return enter`` with a JSON file or ``POST /returns/{receipt}/entry``).
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from application.usecases.intake import KeyResidentReturn
from domain.filings.resident_return import ResidentReturn
from domain.shared.events import DomainError
from interfaces.console.app import Clerk, authorize, checked_form, clerk_of, execute, field, render
from interfaces.schemas.resident_return import ResidentReturnIn

router = APIRouter()

LABELS = {
    "tax_year": "年分",
    "individual_number": "個人番号",
    "name": "氏名",
    "kana": "カナ氏名",
    "birth_date": "生年月日",
    "address": "住所",
    "salary_revenue": "給与収入",
    "public_pension_revenue": "公的年金等収入",
    "business": "事業所得",
    "real_estate": "不動産所得",
    "dividend_comprehensive": "配当所得（総合課税）",
    "miscellaneous": "雑所得（公的年金等以外）",
    "social_insurance": "社会保険料",
    "small_business_mutual_aid": "小規模企業共済等掛金",
    "life_insurance_general_new": "一般生命保険料（新制度）",
    "earthquake_insurance": "地震保険料",
    "medical_expenses_paid": "医療費（支払額）",
    "medical_expenses_reimbursed": "医療費（補塡額）",
    "furusato_donations": "寄附金（ふるさと納税等）",
    "disability": "障害者控除",
    "widow": "寡婦",
    "single_parent": "ひとり親",
    "working_student": "勤労学生",
    "ordinary_collection": "普通徴収を希望する",
}
ACTIONS = {"enter": "入力", "verify": "確認入力", "correct": "訂正"}


@dataclasses.dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # text, number, date, checkbox
    default: Any


def _fields() -> list[FormField]:
    """The scalar 記載事項 of the return, in the dataclass's order (nested 配偶者・扶養親族 excluded)."""
    hints = typing.get_type_hints(ResidentReturn)
    out: list[FormField] = []
    for f in dataclasses.fields(ResidentReturn):
        hint = hints[f.name]
        kind = {int: "number", bool: "checkbox", date: "date"}.get(hint, "text")
        if f.name in ("spouse", "dependents"):
            continue
        default = None if f.default is dataclasses.MISSING else f.default
        out.append(FormField(f.name, LABELS.get(f.name, f.name), kind, default))
    return out


FIELDS = _fields()


def _data(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in FIELDS:
        value = field(form, f.name)
        if f.kind == "checkbox":
            data[f.name] = value == "on"
        elif value == "":
            if f.default is None and f.name != "individual_number":
                data[f.name] = value  # required: reported by the schema
            elif f.name == "individual_number":
                data[f.name] = None
        else:
            data[f.name] = value
    return data


def _page(request: Request, clerk: Clerk, status: int = 200, /, **values: Any) -> Response:
    authorize(request, clerk, "intake.import")
    defaults = {"receipt": "", "action": "enter", "data": {}, "diff": (), "errors": {}}
    return render(
        request, "returns.html", clerk, status, fields=FIELDS, actions=ACTIONS, **(defaults | values)
    )


@router.get("/returns")
def returns(request: Request) -> Response:
    return _page(request, clerk_of(request))


@router.post("/returns")
async def key(request: Request) -> Response:
    clerk = clerk_of(request)
    form = await checked_form(request, clerk)
    authorize(request, clerk, "intake.import")
    receipt, action = field(form, "receipt"), field(form, "action")
    data = _data(form)
    shown = {"receipt": receipt, "action": action, "data": data}
    if action not in ACTIONS or not receipt:
        return _page(request, clerk, 422, message="受付番号と入力の種類を指定してください。", **shown)
    try:
        record = ResidentReturnIn.model_validate(data).to_record()
    except ValidationError as error:
        errors = {str(e["loc"][0]): "入力内容が正しくありません。" for e in error.errors() if e["loc"]}
        names = "、".join(LABELS.get(k, k) for k in errors)
        return _page(
            request, clerk, 422, message=f"次の項目を確認してください: {names}", errors=errors, **shown
        )
    try:
        outcome = execute(request, clerk, KeyResidentReturn(action, receipt, record))  # type: ignore[arg-type]
    except DomainError as error:
        return _page(request, clerk, 422, message=str(error), **shown)
    if outcome.mismatched_items:
        names = "、".join(LABELS.get(k, k) for k in outcome.mismatched_items)
        return _page(
            request,
            clerk,
            message=f"1回目の入力と異なる項目があります（{names}）。入力した職員に訂正を依頼してください。",
            diff=outcome.mismatched_items,
            outcome=outcome,
            **shown,
        )
    # After a recorded keying the form is emptied: the next clerk keys from the paper, not from the screen.
    return _page(request, clerk, outcome=outcome, receipt=receipt)
