"""RFC 9457 problem details (``application/problem+json``) with Japanese ``detail`` for clerks."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.shared.events import DomainError
from interfaces.bootstrap import SchemaNotReadyError

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/problems/"

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    428: "Precondition Required",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


def problem_body(request: Request | None, problem: Problem) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.slug,
        "title": TITLES.get(problem.status, "Error"),
        "status": problem.status,
        "detail": problem.detail,
        "instance": str(request.url.path) if request is not None else "",
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update(problem.extra)
    return body


def problem_response(request: Request | None, problem: Problem) -> JSONResponse:
    return JSONResponse(
        problem_body(request, problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


#: DomainError codes that mean "fix your input" (422); others are state conflicts (409).
_INPUT_PREFIXES = ("invalid_", "missing_", "unknown_")
_INPUT_CODES = {"anonymous_actor", "too_much", "beyond_fiscal_year", "before_creation", "no_such_version"}


def from_domain_error(error: DomainError) -> Problem:
    code = error.code
    if code == "not_found":
        return Problem(404, "not-found", error.message, extra={"code": code})
    if code == "forbidden":
        return Problem(403, "forbidden", error.message, extra={"code": code})
    if code == "version_mismatch":  # StaleVersionError: the caller saw an older version (If-Match)
        current = getattr(error, "current", None)
        return Problem(
            412,
            "version-mismatch",
            error.message,
            headers={"ETag": f'"{current}"'} if current is not None else None,
            extra={"current_version": current},
        )
    if code == "read_only":  # 縮退運用: the store is a read-only replica (ADR 0020)
        return Problem(503, "read-only", error.message, extra={"code": code})
    if code.startswith(_INPUT_PREFIXES) or code in _INPUT_CODES:
        field = getattr(error, "field", None)  # InvalidCommandError names the command field
        errors = [{"field": f"body.{field}", "message": error.message}] if field else None
        return Problem(422, "invalid-request", error.message, errors=errors, extra={"code": code})
    return Problem(409, "rule-refused", error.message, extra={"code": code})


_MESSAGES = {
    "missing": "必須の項目です。",
    "int_parsing": "整数で指定してください。",
    "int_type": "整数で指定してください。",
    "bool_parsing": "true または false で指定してください。",
    "bool_type": "true または false で指定してください。",
    "string_type": "文字列で指定してください。",
    "date_from_datetime_parsing": "日付は YYYY-MM-DD 形式で指定してください。",
    "date_parsing": "日付は YYYY-MM-DD 形式で指定してください。",
    "date_type": "日付は YYYY-MM-DD 形式で指定してください。",
    "datetime_parsing": "日時は ISO 8601 形式（タイムゾーン付き）で指定してください。",
    "datetime_from_date_parsing": "日時は ISO 8601 形式（タイムゾーン付き）で指定してください。",
    "uuid_parsing": "ID の形式が不正です（UUID）。",
    "uuid_type": "ID の形式が不正です（UUID）。",
    "extra_forbidden": "定義されていない項目です。",
    "string_too_short": "空にできません。",
    "string_too_long": "長すぎます。",
    "string_pattern_mismatch": "形式が不正です。",
    "greater_than_equal": "値が小さすぎます。",
    "less_than_equal": "値が大きすぎます。",
    "greater_than": "値が小さすぎます。",
    "less_than": "値が大きすぎます。",
    "literal_error": "指定できない値です。",
    "enum": "指定できない値です。",
    "model_attributes_type": "オブジェクトで指定してください。",
    "dict_type": "オブジェクトで指定してください。",
    "list_type": "配列で指定してください。",
    "json_invalid": "JSON として読めません。",
}


def validation_errors(raw: list[Any]) -> list[dict[str, str]]:
    """Field paths and Japanese messages; input values are never echoed (they may be personal data)."""
    out: list[dict[str, str]] = []
    for problem in raw:
        loc = [str(p) for p in problem.get("loc", ())]
        if loc and loc[0] == "body":
            loc = loc[1:]
        field = ".".join(loc) or "(body)"
        kind = str(problem.get("type", ""))
        message = _MESSAGES.get(kind)
        if message is None:
            text = str(problem.get("msg", ""))
            message = (
                text.removeprefix("Value error, ") if kind == "value_error" else f"入力が不正です（{kind}）。"
            )
        out.append({"field": field, "message": message})
    return out


#: The store could not take the request in time (SQLite's one writer, or every pooled connection busy):
#: nothing was answered and, for a journaled read, nothing was shown — the client may simply retry.
STORE_BUSY = Problem(
    503,
    "store-busy",
    "データベースが混み合っていて処理できませんでした（内容は表示・登録されていません）。少し待ってから再度操作して"
    "ください。SQLite での運用は窓口1台向けです。複数の窓口で同時に使う場合は PostgreSQL のサーバーモードで運用"
    "してください（docs/operations.md）。",
    headers={"Retry-After": "1"},
)


def store_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means the store was too busy (a timeout waiting for a connection or SQLite's lock),
    not a fault: answered 503 with ``Retry-After`` instead of 500 (issue 15)."""
    import sqlite3

    from eventsourcing.persistence import ConnectionUnavailableError
    from psycopg_pool import PoolTimeout

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # the library may wrap the driver's error
        seen.add(id(current))
        if isinstance(current, ConnectionUnavailableError | PoolTimeout):
            return True
        if isinstance(current, sqlite3.OperationalError) and "locked" in str(current):
            return True
        if type(current).__name__ == "OperationalError" and "database is locked" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def install(app: FastAPI, log: Any) -> None:
    """Register the exception handlers that turn every error into problem+json."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(request, from_domain_error(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(list(exc.errors()))
        return problem_response(
            request,
            Problem(
                422,
                "validation",
                f"入力内容に不備が {len(errors)} 件あります。errors の各項目を確認して修正してください。",
                errors=errors,
            ),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = {
            404: "指定された URL はありません。",
            405: "この URL ではそのメソッドは使えません。",
        }.get(exc.status_code, str(exc.detail))
        return problem_response(
            request,
            Problem(exc.status_code, f"http-{exc.status_code}", detail, headers=dict(exc.headers or {})),
        )

    @app.exception_handler(SchemaNotReadyError)
    async def _schema(request: Request, exc: SchemaNotReadyError) -> JSONResponse:
        return problem_response(
            request,
            Problem(
                503,
                "schema-not-ready",
                "データベースのスキーマが最新ではありません。システム担当に `juminzei db upgrade` の実行を依頼してください。",
            ),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if store_busy(exc):
            log.warning("http.store_busy", route=request.url.path, error=type(exc).__name__)
            return problem_response(request, STORE_BUSY)
        log.error("http.unhandled", route=request.url.path, error=type(exc).__name__)
        return problem_response(
            request,
            Problem(
                500,
                "internal",
                "システムエラーが発生しました。時間をおいて再度お試しください。続く場合はシステム担当に連絡してください。",
            ),
        )
