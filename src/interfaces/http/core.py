"""Request plumbing shared by the routes: state, authentication, purpose, commands, reads after writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, TypeVar
from urllib.parse import unquote

import structlog
from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from adapters.persistence.idempotency import IdempotencyStore, StoredResponse, request_hash
from application.usecases import Principal as UseCasePrincipal
from application.usecases.base import Message
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from interfaces.bootstrap import Container
from interfaces.bootstrap.lazy import LazyContainer
from interfaces.bootstrap.unit_of_work import (
    after_write,
    handoff,
    projected_through,
    write_mark,
)
from interfaces.http.auth import Authenticator, Principal
from interfaces.http.metrics import RequestMetrics
from interfaces.http.problems import PROBLEM_JSON, Problem, from_domain_error, problem_body
from interfaces.jobs import run_inline

log = structlog.get_logger(__name__)

T = TypeVar("T")


class JobDispatcher(Protocol):
    def dispatch(self, job_id: str) -> None: ...


@dataclass
class ApiState:
    """Everything the routes share; one per app. The container is built on first use."""

    container_factory: Callable[[], Container]
    authenticator: Authenticator
    dispatcher: JobDispatcher | None = None
    wait_timeout: float = 5.0
    max_ready_lag: int = 1000
    metrics: RequestMetrics = field(default_factory=RequestMetrics)
    _built: LazyContainer = field(init=False)

    def __post_init__(self) -> None:
        self._built = LazyContainer(self.container_factory)

    def container(self) -> Container:
        return self._built.get()

    def close(self) -> None:
        self._built.close()

    def dispatch(self, job_id: str) -> None:
        if self.dispatcher is not None:
            self.dispatcher.dispatch(job_id)
        else:
            run_inline(self.container(), job_id)


def state(request: Request) -> ApiState:
    found: ApiState = request.app.state.api
    return found


_bearer = HTTPBearer(auto_error=False, description="職員のセッショントークン (Bearer)")


def principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Problem(
            401,
            "unauthenticated",
            "ログインが必要です。Authorization: Bearer にセッショントークンを指定してください。",
            headers={"WWW-Authenticate": "Bearer"},
        )
    found = state(request).authenticator.authenticate(credentials.credentials)
    if found is None:
        raise Problem(
            401,
            "unauthenticated",
            "セッショントークンが無効か期限切れです。ログインし直してください。",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    _authorize_route(request, found)
    return found


def _authorize_route(request: Request, found: Principal) -> None:
    """Every request: the access policy decides before the route runs (interfaces.http.policy) — for a
    staff session on its grants, for a development token on the live grants of the enrolled staff member
    it names (ADR 0023). A refusal is journaled (``audit access``) and answered with a 403 problem."""
    from datetime import UTC, datetime

    from application.access import AccessPolicy
    from domain.staff.policy import ACTIONS
    from interfaces.http.policy import action_for, authorize, purpose_for

    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    header = request.headers.get("X-Purpose")
    declared: Purpose | None = None
    if header:
        try:
            declared = parse_purpose(header)
        except Problem:
            declared = None  # the route itself reports a bad purpose with its field
    action = action_for(request.method, path)
    spec = ACTIONS.get(action) if action else None
    if declared is not None and spec is not None and spec.purposes and declared not in spec.purposes:
        declared = None  # a command's purpose is fixed: the route answers the mismatch (422, with its field)
    c = state(request).container()
    subject = found.session
    if subject is None:
        subject = c.staff.policy_principal(
            found.staff_id, "development", datetime.now(UTC), terminal=found.terminal or "api"
        )
    decision = authorize(c.staff, subject, request.method, path, declared)
    if action is not None and decision is not None and not decision.allowed:
        mark = write_mark(c)
        AccessPolicy(c.staff, lambda: datetime.now(UTC)).journal_refusal(
            principal_of(found), purpose_for(action, declared), action, decision.decision_id,
            decision.matched_rules,
        )  # fmt: skip
        after_write(c, mark)
        raise Problem(
            403,
            "forbidden",
            f"{decision.reason}（判定ID {decision.decision_id}）",
        )


Who = Annotated[Principal, Depends(principal)]


def _purpose_header(
    x_purpose: Annotated[
        str | None,
        Header(
            alias="X-Purpose",
            description="利用目的: English name (registry, intake, …) or the Japanese value percent-encoded in"
            " UTF-8 (%E5%AE%9B%E5%90%8D%E7%AE%A1%E7%90%86 = 宛名管理); HTTP header values are ASCII",
        ),
    ] = None,
) -> str | None:
    return x_purpose


def _idempotency_header(
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="操作ごとに一意の値。再送するときは同じ値を指定する。"),
    ] = None,
) -> str | None:
    return idempotency_key


def _if_match_header(
    if_match: Annotated[str | None, Header(alias="If-Match", description='集約の版 (ETag)。例: "3"')] = None,
) -> str | None:
    return if_match


PurposeHeader = Annotated[str | None, Depends(_purpose_header)]
IdempotencyKey = Annotated[str | None, Depends(_idempotency_header)]
IfMatch = Annotated[str | None, Depends(_if_match_header)]


def parse_purpose(value: str | None) -> Purpose:
    allowed = "、".join(f"{m.value} ({m.name.lower()})" for m in Purpose)
    if value is None or not value.strip():
        raise Problem(
            400,
            "purpose-required",
            f"利用目的を X-Purpose ヘッダーで指定してください。使用できる値: {allowed}",
            errors=[{"field": "header.X-Purpose", "message": "必須の項目です。"}],
        )
    try:
        return Purpose.parse(unquote(value.strip()))
    except ValueError:
        raise Problem(
            400,
            "purpose-unknown",
            f"X-Purpose の利用目的は定義されていません。使用できる値: {allowed}",
            errors=[{"field": "header.X-Purpose", "message": "定義されていない利用目的です。"}],
        ) from None


def command_purpose(value: str | None, expected: Purpose) -> Purpose:
    """Commands run under the purpose of their 事務 (as in the CLI); the declaration must name it."""
    declared = parse_purpose(value)
    if declared is not expected:
        raise Problem(
            422,
            "purpose-mismatch",
            f"この操作の利用目的は「{expected.value}」です。X-Purpose に {expected.value} を指定してください。",
            errors=[{"field": "header.X-Purpose", "message": f"{expected.value} を指定してください。"}],
        )
    return declared


def principal_of(who: Principal) -> UseCasePrincipal:
    """The use-case principal of an authenticated request."""
    if who.session is None:  # a development token (JUMINZEI_API_TOKENS + JUMINZEI_ALLOW_DEV_TOKENS)
        return UseCasePrincipal(actor=who.staff_id, terminal=who.terminal or "api", kind="development")
    roles = frozenset(getattr(who.session, "roles", ()) or ())
    return UseCasePrincipal(actor=who.staff_id, terminal=who.terminal or "api", kind="staff", roles=roles)


def position_after(c: Container) -> int:
    """The position a command's response names (pass it as ``min_position`` to read the write): the last
    event this request's thread stored in server mode, else the head."""
    if handoff(c) is not None:
        return c.app.recorded_position() or c.app.head()
    return c.app.head()


def wait_for(st: ApiState, c: Container, min_position: int | None) -> None:
    """Reads after writes: wait (bounded) until every projection has reached ``min_position``."""
    if min_position is None:
        return
    if min_position > c.app.head():
        raise Problem(
            422,
            "position-unknown",
            f"min_position {min_position} はまだ記録されていない位置です。操作の応答にある position を指定してください。",
            errors=[{"field": "query.min_position", "message": "記録済みの位置を指定してください。"}],
        )
    if not projected_through(c, min_position, timeout=st.wait_timeout):
        raise Problem(
            503,
            "projection-lag",
            "照会用データの更新が追いついていません。しばらく待ってから再度照会してください。",
            headers={"Retry-After": "2"},
        )


def parse_if_match(value: str | None) -> int:
    if value is None or not value.strip():
        raise Problem(
            428,
            "if-match-required",
            'If-Match ヘッダーに対象の版を指定してください（照会結果の ETag または version、例: "3"）。',
        )
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit():
        raise Problem(400, "if-match-invalid", 'If-Match には版を "3" のように指定してください。')
    return int(text)


def check_version(expected: int, current: int, what: str) -> None:
    if expected != current:
        raise Problem(
            412,
            "version-mismatch",
            f"この{what}は他の操作で更新されています（指定の版 {expected}、現在の版 {current}）。"
            "最新の内容を照会してから操作し直してください。",
            headers={"ETag": f'"{current}"'},
            extra={"current_version": current},
        )


def etag(version: int) -> str:
    return f'"{version}"'


@dataclass
class Outcome:
    """What a command body returns: JSON (``position`` is added) or bytes."""

    body: dict[str, Any] | bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"
    #: For a rendered document: its id. The idempotency record keeps only this reference (never the PDF,
    #: which holds personal data); a replay re-renders it from the record, byte for byte.
    document_ref: str | None = None


DOCUMENT_REF = "document-ref:"


def _to_stored(outcome: Outcome, position: int) -> tuple[StoredResponse, StoredResponse]:
    """(what the idempotency record keeps, what the client receives now)."""
    headers = dict(outcome.headers)
    headers["X-Position"] = str(position)
    if isinstance(outcome.body, bytes):
        live = StoredResponse(outcome.status, outcome.media_type, outcome.body, headers)
        if outcome.document_ref is None:
            return live, live
        kept = StoredResponse(
            outcome.status, DOCUMENT_REF + outcome.media_type, outcome.document_ref.encode("utf-8"), headers
        )
        return kept, live
    body = dict(outcome.body)
    body["position"] = position
    data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    stored = StoredResponse(outcome.status, outcome.media_type, data, headers)
    return stored, stored


def _rehydrate(c: Container, stored: StoredResponse, who: Principal) -> StoredResponse:
    """Re-render a document kept by reference (deterministic rendering: identical bytes), as the caller
    replaying their own request (the policy decides again: a revoked grant stops the replay too)."""
    if not stored.content_type.startswith(DOCUMENT_REF):
        return stored
    from adapters.documents.pdf import render
    from application.usecases.documents import IssuedDocumentModel

    document_id = stored.body.decode("utf-8")
    try:
        model = c.use_cases.execute(IssuedDocumentModel(document_id), principal_of(who))
    except DomainError:
        raise Problem(409, "document-missing", f"文書 {document_id} の発行記録が見つかりません。") from None
    data = render(model)
    media_type = stored.content_type.removeprefix(DOCUMENT_REF)
    return StoredResponse(stored.status_code, media_type, data, stored.headers)


def _problem_stored(request: Request, problem: Problem) -> StoredResponse:
    data = json.dumps(problem_body(request, problem), ensure_ascii=False).encode("utf-8")
    return StoredResponse(problem.status, PROBLEM_JSON, data, dict(problem.headers))


def _response(stored: StoredResponse, replayed: bool) -> Response:
    headers = dict(stored.headers)
    if replayed:
        headers["Idempotency-Replayed"] = "true"
    return Response(
        stored.body, status_code=stored.status_code, media_type=stored.content_type, headers=headers
    )


def run_command(
    request: Request,
    who: Principal,
    key: str | None,
    payload: Any,
    body: Callable[[Container], Outcome],
) -> Response:
    """Run a command once per ``Idempotency-Key``; replay its response for the same request."""
    if key is None or not key.strip():
        raise Problem(
            400,
            "idempotency-key-required",
            "Idempotency-Key ヘッダーを指定してください（操作ごとに新しい値、再送するときは同じ値）。",
            errors=[{"field": "header.Idempotency-Key", "message": "必須の項目です。"}],
        )
    if len(key) > 200:
        raise Problem(400, "idempotency-key-invalid", "Idempotency-Key は200文字以内で指定してください。")
    st = state(request)
    c = st.container()
    if c.read_only:  # 縮退運用: refuse before touching the (read-only) idempotency table
        from application.degraded import ReadOnlyModeError

        raise from_domain_error(ReadOnlyModeError())
    route = getattr(request.scope.get("route"), "path", request.url.path)
    digest = request_hash(
        {
            "method": request.method,
            "path": request.url.path,
            "query": sorted(request.query_params.multi_items()),
            "purpose": request.headers.get("x-purpose"),
            "if_match": request.headers.get("if-match"),
            "accept": request.headers.get("accept"),
            "payload": payload,
        }
    )
    store = IdempotencyStore(c.db)
    begun = store.begin(who.staff_id, key, route, digest)
    if begun.outcome == "replay":
        assert begun.stored is not None
        return _response(_rehydrate(c, begun.stored, who), replayed=True)
    if begun.outcome == "mismatch":
        raise Problem(
            422,
            "idempotency-key-reused",
            "この Idempotency-Key は別の内容の操作に使用済みです。新しい操作には新しい値を指定してください。",
        )
    if begun.outcome == "in_progress":
        raise Problem(
            409,
            "idempotency-in-progress",
            "同じ Idempotency-Key の操作を処理中です。完了してから結果を確認してください。",
            headers={"Retry-After": "1"},
        )
    head_before = write_mark(c)
    try:
        try:
            outcome = body(c)
        except DomainError as error:
            stored = _problem_stored(request, from_domain_error(error))
        except Problem as problem:
            if problem.status >= 500:
                raise
            stored = _problem_stored(request, problem)
        else:
            after_write(c, head_before)
            stored, live = _to_stored(outcome, position_after(c))
    except BaseException:
        store.release(who.staff_id, key)
        after_write(c, head_before)
        raise
    if stored.status_code >= 400:
        after_write(c, head_before)
        live = stored
    store.complete(who.staff_id, key, stored)
    return _response(live, replayed=False)


def ask(c: Container, message: Message[T], who: Principal) -> T:
    """Run a query use case as the request's principal (the unit of work journals, projects and seals)."""
    try:
        return c.use_cases.execute(message, principal_of(who))
    except DomainError as error:
        raise from_domain_error(error) from None


def json_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, headers=headers)
