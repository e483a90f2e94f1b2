"""Levy, assessments, certificates, reports and audit (inspectors)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from application.assessment.documents import IssuedDocument
from application.inspection import plain
from application.taxpayers import today_jst
from application.usecases.assessments import (
    ApplyReduction,
    CancelAssessment,
    DecideReduction,
    LevyTotalsQuery,
    ShowAssessment,
    SwitchCollectionMethod,
)
from application.usecases.documents import IssueCertificate, VerifyCertificate
from application.usecases.inspection import AccessHistory, ExplainAssessment, ReplayAggregate
from application.usecases.levy import ReassessChanged, RunLevy
from application.usecases.reports import TaxStatusSurvey
from domain.assessment.assessment import Assessment
from domain.shared.purpose import Purpose
from interfaces.http import pagination
from interfaces.http.core import (
    IdempotencyKey,
    IfMatch,
    Outcome,
    PurposeHeader,
    Who,
    ask,
    command_purpose,
    etag,
    parse_if_match,
    parse_purpose,
)
from interfaces.http.problems import Problem
from interfaces.http.routes_registry import Cursor, Limit, MinPosition
from interfaces.http.routing import execute_once, read_view
from interfaces.http.schemas import (
    CancelIn,
    CertificateIn,
    LevyRunIn,
    ReassessIn,
    ReductionApplyIn,
    ReductionDecideIn,
    SwitchMethodIn,
)
from interfaces.presenters import (
    assessment_json,
    certificate_check_json,
    explanation_json,
    levy_run_json,
    levy_totals_json,
    reassessment_json,
    replay_json,
    survey_json,
)

router = APIRouter()

AddressNumber = Annotated[str, PathParam(min_length=1, max_length=20, description="宛名番号")]
FiscalYearPath = Annotated[int, PathParam(ge=2000, le=2100, description="年度")]
FiscalYearQuery = Annotated[int, Query(ge=2000, le=2100, description="年度")]


# -- levy ---------------------------------------------------------------------------------------


@router.post(
    "/levy/runs", tags=["levy"], summary="当初賦課 (synchronous; POST /jobs/levy runs it in the background)"
)
def levy_run(
    request: Request, body: LevyRunIn, who: Who, key: IdempotencyKey, purpose: PurposeHeader
) -> Response:
    command_purpose(purpose, Purpose.INITIAL_LEVY)
    command = RunLevy(
        fiscal_year=body.fiscal_year, address_numbers=tuple(body.taxpayers), workers=body.workers
    )

    return execute_once(request, who, key, body.model_dump(mode="json"), command, levy_run_json)


@router.post("/levy/reassessments", tags=["levy"], summary="更正 (課税資料が変わった賦課を再計算)")
def levy_reassess(
    request: Request, body: ReassessIn, who: Who, key: IdempotencyKey, purpose: PurposeHeader
) -> Response:
    command_purpose(purpose, Purpose.CORRECTION)
    command = ReassessChanged(fiscal_year=body.fiscal_year, reason=body.reason)

    return execute_once(request, who, key, body.model_dump(mode="json"), command, reassessment_json)


# -- assessments --------------------------------------------------------------------------------


@router.get(
    "/assessments/{address_number}/{fiscal_year}",
    tags=["assessments"],
    summary="賦課の内容と算出の内訳 (journaled)",
)
def assessment_show(
    request: Request,
    who: Who,
    purpose: PurposeHeader,
    address_number: AddressNumber,
    fiscal_year: FiscalYearPath,
    min_position: MinPosition = None,
) -> JSONResponse:
    declared = parse_purpose(purpose)
    c = read_view(request, min_position)
    view = ask(c, ShowAssessment(address_number, fiscal_year, declared), who)
    data = assessment_json(view.assessment, address_number, view.history)
    return JSONResponse(plain(data), headers={"ETag": etag(view.assessment.version)})


def _assessment_change(
    request: Request,
    who: Any,
    key: str | None,
    purpose: str | None,
    if_match: str | None,
    payload: dict[str, Any],
    command: Any,
) -> Response:
    command_purpose(purpose, command.purpose)
    expected = parse_if_match(if_match)
    command = replace(command, expected_version=expected)

    return execute_once(request, who, key, payload, command, _changed_assessment)


def _changed_assessment(a: Assessment) -> Outcome:
    return Outcome(
        {
            "assessment_id": str(a.id),
            "status": a.status.value,
            "method": a.method.value,
            "payable": a.amounts.payable,
            "version": a.version,
        },
        headers={"ETag": etag(a.version)},
    )


def _assessment_change_route(
    path: str, summary: str, body_type: type[BaseModel], to_command: Callable[[str, int, Any], Any], name: str
) -> None:
    """``POST /assessments/{address_number}/{fiscal_year}/…``: one change of an assessment, body ``body_type``."""

    def endpoint(
        request: Request,
        address_number: AddressNumber,
        fiscal_year: FiscalYearPath,
        body: BaseModel,
        who: Who,
        key: IdempotencyKey,
        purpose: PurposeHeader,
        if_match: IfMatch,
    ) -> Response:
        command = to_command(address_number, fiscal_year, body)
        return _assessment_change(request, who, key, purpose, if_match, body.model_dump(mode="json"), command)

    # FastAPI reads the request body's model from the annotation: each route has its own.
    endpoint.__annotations__["body"] = body_type
    router.post(path, tags=["assessments"], summary=summary, name=name)(endpoint)


_assessment_change_route(
    "/assessments/{address_number}/{fiscal_year}/switch-method",
    "退職による特別徴収から普通徴収への切替",
    SwitchMethodIn,
    lambda a, fy, body: SwitchCollectionMethod(a, fy, body.left_on, body.reason),
    "switch_method",
)
_assessment_change_route(
    "/assessments/{address_number}/{fiscal_year}/reductions",
    "減免申請を受け付ける",
    ReductionApplyIn,
    lambda a, fy, body: ApplyReduction(a, fy, body.kind, body.amount, body.grounds),
    "reduction_apply",
)
_assessment_change_route(
    "/assessments/{address_number}/{fiscal_year}/reductions/decision",
    "減免の決定 (申請を受けた職員以外)",
    ReductionDecideIn,
    lambda a, fy, body: DecideReduction(a, fy, body.grant, body.reason, body.amount),
    "reduction_decide",
)
_assessment_change_route(
    "/assessments/{address_number}/{fiscal_year}/cancellation",
    "賦課の取消",
    CancelIn,
    lambda a, fy, body: CancelAssessment(a, fy, body.reason, body.forward_to),
    "cancel",
)


# -- certificates -------------------------------------------------------------------------------


@router.post(
    "/certificates",
    tags=["certificates"],
    summary="課税証明書 / 非課税証明書を発行する (Accept: application/pdf で PDF、既定はメタデータ JSON)",
    responses={200: {"content": {"application/pdf": {}, "application/json": {}}}},
)
def certificate_issue(
    request: Request, body: CertificateIn, who: Who, key: IdempotencyKey, purpose: PurposeHeader
) -> Response:
    command_purpose(purpose, Purpose.CERTIFICATE)
    want_pdf = "application/pdf" in request.headers.get("accept", "")
    command = IssueCertificate(
        body.address_number, body.fiscal_year, body.issue_date or today_jst(), body.use
    )

    def present(doc: IssuedDocument) -> Outcome | dict[str, Any]:
        from adapters.documents.pdf import render

        meta: dict[str, Any] = {
            "document_id": doc.document_id,
            "kind": doc.kind,
            "already_issued": doc.already_issued,
            "code": doc.verification_code,
        }
        if want_pdf:
            return Outcome(
                render(doc.model),
                media_type="application/pdf",
                document_ref=doc.document_id,
                headers={
                    "X-Document-Id": doc.document_id,
                    "Content-Disposition": f'attachment; filename="{doc.document_id}.pdf"',
                },
            )
        return meta

    return execute_once(request, who, key, body.model_dump(mode="json"), command, present)


@router.get("/certificates/verification", tags=["certificates"], summary="証明書の確認コードを照合する")
def certificate_verify(
    request: Request,
    who: Who,
    code: Annotated[str, Query(min_length=1, max_length=64, description="確認コード")],
    min_position: MinPosition = None,
) -> JSONResponse:
    c = read_view(request, min_position)
    result = ask(c, VerifyCertificate(code), who)
    return JSONResponse(certificate_check_json(result))


# -- reports ------------------------------------------------------------------------------------


@router.get("/reports/levy-totals", tags=["reports"], summary="課税台帳の集計")
def levy_totals(
    request: Request, who: Who, fiscal_year: FiscalYearQuery, min_position: MinPosition = None
) -> JSONResponse:
    c = read_view(request, min_position)
    return JSONResponse(levy_totals_json(fiscal_year, ask(c, LevyTotalsQuery(fiscal_year), who)))


@router.get("/reports/tax-status-survey", tags=["reports"], summary="市町村税課税状況等の調 (JSON)")
def tax_status_survey(
    request: Request, who: Who, fiscal_year: FiscalYearQuery, min_position: MinPosition = None
) -> JSONResponse:
    c = read_view(request, min_position)
    found = ask(c, TaxStatusSurvey(fiscal_year), who)
    result = found.survey
    return JSONResponse(
        survey_json(fiscal_year, found)
        | {
            "tables": {
                "table2": plain(result.table2),
                "table11": plain(result.table11),
                "bands": plain(result.bands),
                "donations": plain(result.donations),
            },
        }
    )


# -- audit (inspectors) -------------------------------------------------------------------------


@router.get("/audit/replay/{aggregate_id}", tags=["audit"], summary="集約の再生 (journaled)")
def audit_replay(
    request: Request,
    who: Who,
    purpose: PurposeHeader,
    aggregate_id: UUID,
    version: Annotated[int | None, Query(ge=1, description="この版の状態")] = None,
    as_of: Annotated[
        datetime | None, Query(description="この時刻の状態 (ISO 8601, タイムゾーン付き)")
    ] = None,
) -> JSONResponse:
    declared = parse_purpose(purpose)
    if as_of is not None and as_of.tzinfo is None:
        raise Problem(
            422,
            "validation",
            "as_of はタイムゾーン付きで指定してください（例 2026-06-01T00:00:00+09:00）。",
            errors=[{"field": "query.as_of", "message": "タイムゾーンを付けてください。"}],
        )
    c = read_view(request)
    result = ask(c, ReplayAggregate(aggregate_id, version, as_of, declared), who)
    return JSONResponse(plain(replay_json(result)))


@router.get("/audit/explain/{assessment_id}", tags=["audit"], summary="賦課の再計算と比較 (journaled)")
def audit_explain(request: Request, who: Who, purpose: PurposeHeader, assessment_id: UUID) -> JSONResponse:
    declared = parse_purpose(purpose)
    c = read_view(request)
    result = ask(c, ExplainAssessment(assessment_id, declared), who)
    return JSONResponse(plain(explanation_json(result)))


@router.get("/audit/access", tags=["audit"], summary="使用の記録 (subject または staff のどちらか一方)")
def audit_access(
    request: Request,
    who: Who,
    purpose: PurposeHeader,
    subject: Annotated[str | None, Query(max_length=64, description="納税義務者ID")] = None,
    staff: Annotated[str | None, Query(max_length=64, description="職員ID")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> JSONResponse:
    declared = parse_purpose(purpose)
    if (subject is None) == (staff is None):
        raise Problem(
            422,
            "validation",
            "subject か staff のどちらか一方を指定してください。",
            errors=[{"field": "query.subject", "message": "subject か staff の一方を指定してください。"}],
        )
    c = read_view(request, min_position)
    criteria = {"subject": subject, "staff": staff}
    pagination.decode(cursor, criteria)  # refuse a foreign cursor before journaling
    rows = ask(c, AccessHistory(subject, staff, declared), who)
    page, next_cursor = pagination.page_of(rows, cursor, limit, criteria)
    return JSONResponse(
        {"subject": subject, "staff": staff, "entries": plain(page), "next_cursor": next_cursor}
    )


@router.get("/audit/verify", tags=["audit"], summary="監査ログ (Merkle) の検証")
def audit_verify(request: Request, who: Who) -> JSONResponse:
    from adapters.audit.merkle_log import verify

    c = read_view(request)
    report = verify(c, witness=None, public_key=None)
    return JSONResponse(plain(report.to_json()), status_code=200)
