"""Taxpayers, intake (imports and work queues) and 住民税申告書 entry."""

from __future__ import annotations

import hashlib
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from adapters.formats.debit_mandates import KIND as DEBIT_MANDATES
from adapters.formats.registry import IMPORT_KINDS as INTAKE_KINDS
from adapters.formats.registry import read_file
from adapters.persistence.uploads import keep_upload, safe_file_name
from application.taxpayers import CommandResult
from application.usecases.intake import (
    ForwardFiling,
    ImportReceived,
    KeyResidentReturn,
    MatchFiling,
    RegisterNonResident,
    ReturnAction,
)
from application.usecases.registry import RegisterTaxpayerCommand, ResidenceOnLevyDate, SearchTaxpayers
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container
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
    principal_of,
    run_command,
)
from interfaces.http.problems import Problem
from interfaces.http.routing import execute_once, read_view
from interfaces.http.schemas import ForwardIn, MatchIn, RegisterTaxpayerIn
from interfaces.presenters import (
    entry_outcome_json,
    queue_item_json,
    residence_json,
    summary_json,
    taxpayer_row_json,
)
from interfaces.schemas.resident_return import ResidentReturnIn

#: File kinds the /imports endpoint takes: the intake kinds and 口座振替 mandates.
IMPORT_KINDS = (*INTAKE_KINDS, DEBIT_MANDATES)

router = APIRouter()

MinPosition = Annotated[
    int | None, Query(ge=0, description="この位置（操作の応答の position）まで照会用データの反映を待つ")
]
Limit = Annotated[int, Query(ge=1, le=100, description="1ページの件数")]
Cursor = Annotated[str | None, Query(max_length=2000, description="前回の応答の next_cursor (opaque)")]
MAX_UPLOAD = 256 * 1024 * 1024


# -- taxpayers ----------------------------------------------------------------------------------


@router.post("/taxpayers", tags=["taxpayers"], summary="納税義務者を登録する")
def register_taxpayer(
    request: Request, body: RegisterTaxpayerIn, who: Who, key: IdempotencyKey, purpose: PurposeHeader
) -> Response:
    command_purpose(purpose, Purpose.REGISTRY)
    command = RegisterTaxpayerCommand(
        body.address_number,
        body.name,
        body.kana,
        body.birth_date,
        body.sex,
        body.address,
        non_registered=body.non_registered,
    )

    def present(result: CommandResult) -> Outcome:
        return Outcome(
            {
                "taxpayer_id": str(result.aggregate_id),
                "address_number": command.address_number.strip(),
                "changed": result.changed,
            },
            status=201 if result.changed else 200,
        )

    return execute_once(request, who, key, body.model_dump(mode="json"), command, present)


@router.get("/taxpayers", tags=["taxpayers"], summary="宛名検索 (journaled)")
def search_taxpayers(
    request: Request,
    who: Who,
    purpose: PurposeHeader,
    kana: Annotated[str, Query(min_length=1, max_length=100, description="カナ氏名の前方一致")],
    birth_date: Annotated[date | None, Query(description="生年月日")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> JSONResponse:
    declared = parse_purpose(purpose)
    c = read_view(request, min_position)
    criteria = {"kana": kana, "birth_date": birth_date.isoformat() if birth_date else None}
    after = pagination.decode(cursor, criteria)
    if after is not None and not (
        isinstance(after, list) and len(after) == 3 and all(isinstance(a, str) for a in after)
    ):
        raise Problem(400, "invalid-cursor", "cursor が不正です。")
    continued = (after[0], after[1], after[2]) if after else None
    rows = ask(c, SearchTaxpayers(kana, birth_date, limit, declared, continued), who)
    last = rows[-1] if len(rows) == limit else None
    next_cursor = (
        pagination.encode([last.kana, last.birth_date.isoformat(), last.address_number], criteria)
        if last
        else None
    )
    return JSONResponse(
        {
            "count": len(rows),
            "purpose": declared.value,
            "results": [taxpayer_row_json(r) for r in rows],
            "next_cursor": next_cursor,
        }
    )


@router.get(
    "/taxpayers/{address_number}/residence",
    tags=["taxpayers"],
    summary="賦課期日 (1月1日) の住所 (journaled)",
)
def residence(
    request: Request,
    who: Who,
    purpose: PurposeHeader,
    address_number: Annotated[str, PathParam(min_length=1, max_length=20)],
    fiscal_year: Annotated[int, Query(ge=2000, le=2100)],
) -> JSONResponse:
    declared = parse_purpose(purpose)
    c = read_view(request)
    answer = ask(c, ResidenceOnLevyDate(address_number, fiscal_year, declared), who)
    return JSONResponse(residence_json(answer))


# -- imports ------------------------------------------------------------------------------------

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "file"],
                    "properties": {
                        "kind": {"type": "string", "enum": list(IMPORT_KINDS), "description": "取込種別"},
                        "file": {"type": "string", "format": "binary", "description": "受け取ったファイル"},
                    },
                }
            }
        },
    }
}


class Upload:
    def __init__(self, kind: str, file_name: str, data: bytes) -> None:
        self.kind = kind
        self.file_name = file_name
        self.data = data
        self.sha256 = hashlib.sha256(data).hexdigest()


async def read_upload(request: Request) -> Upload:
    """Parse ``multipart/form-data`` (fields ``kind`` and ``file``) with the standard library."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise Problem(
            415, "unsupported-media-type", "multipart/form-data で kind と file を送信してください。"
        )
    data = await request.body()
    if len(data) > MAX_UPLOAD:
        raise Problem(
            422, "file-too-large", "ファイルが大きすぎます（上限 256 MiB）。分割して取り込んでください。"
        )
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + data
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    if message.is_multipart():
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                fields[name] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    errors = []
    kind = fields.get("kind", (None, b""))[1].decode("utf-8", "replace").strip()
    if "kind" not in fields:
        errors.append({"field": "kind", "message": "必須の項目です。"})
    elif kind not in IMPORT_KINDS:
        errors.append({"field": "kind", "message": f"取込種別は {', '.join(IMPORT_KINDS)} のいずれかです。"})
    if "file" not in fields:
        errors.append({"field": "file", "message": "必須の項目です。"})
    if errors:
        raise Problem(422, "validation", f"入力内容に不備が {len(errors)} 件あります。", errors=errors)
    file_name, content = fields["file"]
    safe = safe_file_name(file_name)
    return Upload(kind, safe, content)


def store_upload(c: Container, upload: Upload) -> Path:
    """Keep the received file under ``var/uploads/<sha256>/`` (jobs refer to it by path)."""
    return keep_upload(c.settings.var_dir, upload.file_name, upload.data, upload.sha256)


def parse_received(kind: str, path: Path) -> Any:
    try:
        return read_file(kind, path)
    except (UnicodeDecodeError, ValueError, KeyError, IndexError) as error:
        raise Problem(
            422,
            "unreadable-file",
            f"ファイルを {kind} として読めません（{type(error).__name__}）。取込種別とファイルを確認してください。",
        ) from None


@router.post(
    "/imports", tags=["intake"], summary="課税資料・宛名の取込 (synchronous)", openapi_extra=UPLOAD_BODY
)
async def import_file(request: Request, who: Who, key: IdempotencyKey, purpose: PurposeHeader) -> Response:
    declared = command_purpose(purpose, Purpose.INTAKE)
    upload = await read_upload(request)

    def run(c: Container) -> Outcome:
        path = store_upload(c, upload)
        received = parse_received(upload.kind, path)
        summary = c.use_cases.execute(ImportReceived(received, declared), principal_of(who))
        return Outcome(summary_json(summary))

    payload = {"kind": upload.kind, "sha256": upload.sha256, "file_name": upload.file_name}
    return await run_in_threadpool(run_command, request, who, key, payload, run)


@router.get("/imports", tags=["intake"], summary="取込状況 (batches and open queues)")
def import_status(
    request: Request, who: Who, limit: Limit = 50, cursor: Cursor = None, min_position: MinPosition = None
) -> JSONResponse:
    c = read_view(request, min_position)
    batches = c.intake_index.batches()
    page, next_cursor = pagination.page_of(batches, cursor, limit, {"list": "imports"})
    rows = [{**b, "by_submitter": c.intake_index.submitters(b["batch_id"])} for b in page]
    queues: dict[str, int] = dict(c.intake_index.queue_counts())
    queues["扶養重複"] = len(c.intake_index.dependent_overlaps())
    return JSONResponse({"batches": rows, "queues": queues, "next_cursor": next_cursor})


# -- work queues --------------------------------------------------------------------------------


def aggregate_version(c: Container, aggregate_id: UUID) -> int | None:
    """Current version of an aggregate from its last stored event (nothing is decrypted)."""
    events = c.app.recorder.select_events(aggregate_id, desc=True, limit=1)
    return int(events[0].originator_version) if events else None


def _item_json(c: Container, item: Any) -> dict[str, Any]:
    return queue_item_json(item) | {"version": aggregate_version(c, item.filing_id)}


@router.get("/queues/items", tags=["intake"], summary="保留中の課税資料 (ids, kinds, reasons only)")
def queue_items(
    request: Request,
    who: Who,
    queue: Annotated[str | None, Query(max_length=20, description="本人確認 or 税務調査")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> JSONResponse:
    c = read_view(request, min_position)
    items = c.intake_index.queue(queue)
    page, next_cursor = pagination.page_of(items, cursor, limit, {"list": "queue", "queue": queue})
    return JSONResponse({"items": [_item_json(c, i) for i in page], "next_cursor": next_cursor})


def _queue_item(c: Container, filing_id: UUID) -> Any:
    for item in c.intake_index.queue(None):
        if item.filing_id == filing_id:
            return item
    raise Problem(404, "not-found", f"保留中の課税資料 {filing_id} はありません。")


@router.get("/queues/items/{filing_id}", tags=["intake"], summary="保留中の課税資料 1件 (ETag = version)")
def queue_item(request: Request, who: Who, filing_id: UUID, min_position: MinPosition = None) -> JSONResponse:
    c = read_view(request, min_position)
    data = _item_json(c, _queue_item(c, filing_id))
    return JSONResponse(data, headers={"ETag": etag(data["version"] or 0)})


@router.post("/queues/items/{filing_id}/match", tags=["intake"], summary="既存の宛名に名寄せする")
def queue_match(
    request: Request,
    filing_id: UUID,
    body: MatchIn,
    who: Who,
    key: IdempotencyKey,
    purpose: PurposeHeader,
    if_match: IfMatch,
) -> Response:
    command_purpose(purpose, Purpose.INTAKE)
    expected = parse_if_match(if_match)

    command = MatchFiling(filing_id, body.address_number, expected)
    return execute_once(
        request,
        who,
        key,
        body.model_dump(mode="json"),
        command,
        lambda tid: {
            "filing_id": str(filing_id),
            "taxpayer_id": str(tid),
            "address_number": body.address_number,
        },
    )


@router.post(
    "/queues/items/{filing_id}/register-non-resident",
    tags=["intake"],
    summary="住登外者として登録し名寄せする",
)
def queue_register(
    request: Request,
    filing_id: UUID,
    who: Who,
    key: IdempotencyKey,
    purpose: PurposeHeader,
    if_match: IfMatch,
) -> Response:
    command_purpose(purpose, Purpose.INTAKE)
    expected = parse_if_match(if_match)

    command = RegisterNonResident(filing_id, expected)
    return execute_once(
        request, who, key, {}, command, lambda number: {"filing_id": str(filing_id), "address_number": number}
    )


@router.post("/queues/items/{filing_id}/forward", tags=["intake"], summary="回送する")
def queue_forward(
    request: Request,
    filing_id: UUID,
    body: ForwardIn,
    who: Who,
    key: IdempotencyKey,
    purpose: PurposeHeader,
    if_match: IfMatch,
) -> Response:
    command_purpose(purpose, Purpose.INTAKE)
    expected = parse_if_match(if_match)

    command = ForwardFiling(filing_id, body.to, body.reason, expected)
    payload = body.model_dump(mode="json")
    return execute_once(
        request, who, key, payload, command, lambda _: {"filing_id": str(filing_id), "forwarded_to": body.to}
    )


# -- 住民税申告書 --------------------------------------------------------------------------------

Receipt = Annotated[str, PathParam(min_length=1, max_length=40, description="受付番号")]


def _return_route(action: ReturnAction, path: str, summary: str, name: str) -> None:
    """``POST /returns/{receipt}/…``: one way of keying a 住民税申告書 (``action`` of the use case)."""

    def endpoint(
        request: Request,
        receipt: Receipt,
        body: ResidentReturnIn,
        who: Who,
        key: IdempotencyKey,
        purpose: PurposeHeader,
    ) -> Response:
        command_purpose(purpose, Purpose.INTAKE)
        command = KeyResidentReturn(action, receipt, body.to_record())
        payload = {"action": action, "return": body.model_dump(mode="json")}
        return execute_once(request, who, key, payload, command, entry_outcome_json)

    router.post(path, tags=["returns"], summary=summary, name=name)(endpoint)


_return_route("enter", "/returns/{receipt}/entry", "住民税申告書の入力 (1人目)", "return_enter")
_return_route("verify", "/returns/{receipt}/verification", "確認入力 (別の職員)", "return_verify")
_return_route("correct", "/returns/{receipt}/correction", "訂正入力 (不一致の後)", "return_correct")
_return_route("submit", "/returns/{receipt}/electronic", "電子申告 (マイナポータル) の受付", "return_submit")
