"""``juminzei staff …``: first start, sign-in, staff accounts, grants, job credentials, access review,
break-glass (ADR 0012, ADR 0023).

``staff bootstrap`` creates the first 所属長 on a store with no staff. ``staff sign-in`` (password + TOTP)
stores the session in the CLI's session file (``interfaces.cli.session``); every other command runs as a
signed-in staff member (``--as`` only chooses among those signed in on this terminal) or as a job credential
(``JUMINZEI_CREDENTIAL_FILE``). Supervisor commands need a signed-in 所属長 with a grant in force. Passwords
and TOTP codes are prompted without echo (scripts: ``--password-stdin --totp CODE``).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import typer
from rich.table import Table

from adapters.settings import Settings
from application.staff import StaffService
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose
from domain.staff.values import JST, BreakGlass, GrantStatus, Role
from interfaces.bootstrap import Container
from interfaces.cli import session
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    authorize_action,
    command_context,
    console,
    container,
    fail,
    print_json,
    resolve_principal,
    run_guarded,
    settings,
    sign_in_hint,
)

app = typer.Typer(help="職員 (staff): accounts, sign-in, role grants, access review.", no_args_is_help=True)

TOKEN_OPTION = typer.Option(
    None,
    "--token",
    envvar="JUMINZEI_SESSION_TOKEN",
    help="セッショントークン (default: this terminal's session from sign-in).",
    show_default=False,
)
PASSWORD_STDIN_OPTION = typer.Option(
    False, "--password-stdin", help="パスワードを標準入力の1行目から読む (for scripts)."
)

STATUS_LABELS = {
    GrantStatus.VALID: "有効",
    GrantStatus.NOT_YET_VALID: "有効期間前",
    GrantStatus.EXPIRED: "期限切れ",
    GrantStatus.LAPSED_UNATTESTED: "失効（定期確認未了）",
    GrantStatus.REVOKED: "取消済み",
}


def staff_service(c: Container) -> StaffService:
    """The container's staff service (argon2id, TOTP, session activity, sign-in rate limit)."""
    return c.staff


def _now() -> datetime:
    return datetime.now(UTC)


def _jst(instant: datetime) -> str:
    """Timestamps are stored in UTC and shown in Japan time (DESIGN §2.5)."""
    return instant.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def _role(text: str) -> Role:
    try:
        return Role.parse(text)
    except ValueError as error:
        fail(f"--role: {error}", 2)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: 日付は YYYY-MM-DD 形式で指定してください（指定値: {value!r}）。", 2)


def _read_password(stdin: bool, prompt: str, *, confirm: bool = False) -> str:
    if stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("--password-stdin: 標準入力からパスワードを読めませんでした。", 2)
        return line
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    return value


def _supervisor_context(as_: str | None, cfg: Settings) -> CommandContext:
    """A signed-in 所属長 with a grant in force (enrolment, grants, credentials)."""
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        run_guarded(lambda: c.staff.require_supervisor(ctx.actor, _now()))
    return ctx


@app.command("bootstrap")
def bootstrap(
    staff_id: str = typer.Option(..., "--staff-id", help="最初の所属長の職員ID"),
    name: str = typer.Option(..., "--name", help="氏名"),
    department: str = typer.Option("税務課", "--department", help="所属課"),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """初回起動: 職員のいない記録に最初の所属長（全役割）を登録し、TOTP 登録用URIを一度だけ表示する."""
    cfg = settings()
    password = _read_password(password_stdin, "パスワード（12文字以上）", confirm=True)
    with container(cfg=cfg) as c:
        done = run_guarded(
            lambda: c.staff.bootstrap(
                staff_id=staff_id.strip(),
                name=name,
                department=department,
                password=password,
                terminal=cfg.terminal or "cli",
                now=_now(),
            )
        )
    roles = [r.value for r in done.roles]
    if json_out:
        print_json({"staff_id": done.staff_id, "roles": roles, "totp_uri": done.totp_uri})
        return
    console.print(f"最初の所属長を登録しました: {done.staff_id}（{'・'.join(roles)}）")
    console.print("認証アプリに登録してください（このURIは再表示されません）:")
    console.print(done.totp_uri, highlight=False, soft_wrap=True)
    console.print("次に: " + sign_in_hint(done.staff_id), highlight=False)


@app.command("enroll")
def enroll(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID (personal; shared ids are refused)"),
    name: str = typer.Option(..., "--name", help="氏名"),
    department: str = typer.Option(..., "--department", help="所属課 (e.g. 税務課)"),
    password: str = typer.Option(
        ..., "--password", prompt="初期パスワード", hide_input=True, confirmation_prompt=True
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """職員を登録する (a signed-in 所属長 enrols a personal staff account with an initial password)."""
    cfg = settings()
    ctx = _supervisor_context(as_, cfg)
    with container(cfg=cfg) as c:
        member_id = run_guarded(
            lambda: staff_service(c).enroll(
                staff_id=staff_id.strip(), name=name, department=department, password=password, ctx=ctx
            )
        )
    if json_out:
        print_json({"staff_id": staff_id.strip(), "aggregate_id": str(member_id)})
    else:
        console.print(f"職員を登録しました: {staff_id.strip()}")


@app.command("enroll-2fa")
def enroll_second_factor(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """二要素認証 (TOTP) を登録し、登録用URIを一度だけ表示する (a signed-in 所属長)."""
    cfg = settings()
    ctx = _supervisor_context(as_, cfg)
    with container(cfg=cfg) as c:
        uri = run_guarded(lambda: staff_service(c).enroll_second_factor(staff_id=staff_id.strip(), ctx=ctx))
    if json_out:
        print_json({"staff_id": staff_id.strip(), "provisioning_uri": uri})
    else:
        console.print("認証アプリに登録してください（このURIは再表示されません）:")
        console.print(uri, highlight=False, soft_wrap=True)


@app.command("grant")
def grant(
    staff_id: str = typer.Option(..., "--staff-id", help="付与先の職員ID"),
    roles: list[str] = typer.Option(
        ..., "--role", help="課税|収納|窓口|監査|運用|所属長|個人番号利用事務実施者 (repeatable)"
    ),
    unit: str | None = typer.Option(None, "--unit", help="係 (e.g. 市民税係)"),
    valid_from: str | None = typer.Option(None, "--from", help="有効期間開始 YYYY-MM-DD (default: today)"),
    valid_to: str | None = typer.Option(None, "--to", help="有効期間終了 YYYY-MM-DD (default: 3/31)"),
    temporary: bool = typer.Option(False, "--temporary", help="臨時の付与 (requires --reason)"),
    reason: str | None = typer.Option(None, "--reason", help="付与理由"),
    hours: str | None = typer.Option(None, "--hours", help="利用時間帯 HH:MM-HH:MM (Japan time)"),
    terminals: list[str] | None = typer.Option(None, "--terminal", help="利用できる端末ID (repeatable)"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """権限を付与する (approved by the signed-in 所属長 --as, other than the grantee, within their 課/係)."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        chosen = [_role(r) for r in roles]
        start, end = _date(valid_from, "--from"), _date(valid_to, "--to")
        service = staff_service(c)

        def run() -> list[int]:
            return [
                service.grant(
                    staff_id=staff_id.strip(),
                    role=role,
                    valid_from=start,
                    valid_to=end,
                    unit=unit,
                    temporary=temporary,
                    reason=reason,
                    hours=hours,
                    terminals=terminals or (),
                    ctx=ctx,
                    now=_now(),
                )
                for role in chosen
            ]

        numbers = run_guarded(run)
    if json_out:
        body = {"staff_id": staff_id.strip(), "grant_number": numbers[0], "role": chosen[0].value}
        if len(chosen) > 1:
            body["grants"] = [
                {"grant_number": n, "role": r.value} for n, r in zip(numbers, chosen, strict=True)
            ]
        print_json(body)
    else:
        for n, r in zip(numbers, chosen, strict=True):
            console.print(f"権限を付与しました: {staff_id.strip()} #{n} {r.value}")


@app.command("revoke")
def revoke(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    grant_number: int = typer.Option(..., "--grant", help="権限付与番号"),
    reason: str = typer.Option(..., "--reason", help="取消理由"),
    as_: str | None = AS_OPTION,
) -> None:
    """権限を取り消す (effective immediately)."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        changed = run_guarded(
            lambda: staff_service(c).revoke(
                staff_id=staff_id.strip(), grant_number=grant_number, reason=reason, ctx=ctx, now=_now()
            )
        )
    console.print("取り消しました。" if changed else "取消済みです（変更なし）。")


@app.command("attest")
def attest(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    grant_numbers: list[int] | None = typer.Option(
        None, "--grant", help="権限付与番号 (repeatable; default: every live grant)"
    ),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """定期見直し: 所属長が権限の継続を確認する (records the attestation for this review cycle)."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        attested = run_guarded(
            lambda: staff_service(c).attest(
                staff_id=staff_id.strip(), grant_numbers=grant_numbers or None, ctx=ctx, now=_now()
            )
        )
    if json_out:
        print_json({"staff_id": staff_id.strip(), "attested": attested})
    else:
        console.print(f"確認を記録しました: {staff_id.strip()} {attested or '（変更なし）'}")


@app.command("unlock")
def unlock(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    reason: str = typer.Option(..., "--reason", help="解除理由"),
    as_: str | None = AS_OPTION,
) -> None:
    """ロックを解除する (a 所属長, not the locked account)."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        changed = run_guarded(
            lambda: staff_service(c).unlock(staff_id=staff_id.strip(), reason=reason, ctx=ctx, now=_now())
        )
    console.print("ロックを解除しました。" if changed else "ロックされていません（変更なし）。")


@app.command("sign-in")
def sign_in(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    password: str | None = typer.Option(None, "--password", hide_input=True, help="(prompted if omitted)"),
    password_stdin: bool = PASSWORD_STDIN_OPTION,
    totp: str | None = typer.Option(None, "--totp", help="ワンタイムパスワード (prompted if omitted)"),
    terminal: str | None = typer.Option(
        None, "--terminal", help="端末ID (default: JUMINZEI_TERMINAL or cli)"
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """サインインする (password + TOTP). The session is kept in this terminal's session file (mode 0600)."""
    cfg = settings()
    where = terminal or cfg.terminal or "cli"
    secret = password if password is not None else _read_password(password_stdin, "パスワード")
    code = totp if totp is not None else str(typer.prompt("ワンタイムパスワード", hide_input=True))
    with container(cfg=cfg) as c:
        result = run_guarded(
            lambda: staff_service(c).sign_in(
                staff_id=staff_id.strip(), password=secret, totp_code=code, terminal=where, now=_now()
            )
        )
    path = cfg.session_path()
    session.save(
        path,
        session.StoredSession(
            staff_id=result.staff_id,
            token=result.token,
            session_id=result.session_id,
            expires_at=result.expires_at.isoformat(),
        ),
    )
    if json_out:
        print_json(
            {
                "staff_id": result.staff_id,
                "session_id": result.session_id,
                "token": result.token,
                "expires_at": result.expires_at.isoformat(),
                "session_file": str(path),
            }
        )
    else:
        console.print(
            f"サインインしました: {result.staff_id}（{_jst(result.expires_at)} まで）。セッション: {path}",
            highlight=False,
            soft_wrap=True,
        )


def _token(token: str | None, as_: str | None, cfg: Settings) -> str:
    if token:
        return token
    stored = session.find(cfg.session_path(), (as_ or "").strip() or None)
    if stored is None:
        fail("サインインしていません。" + sign_in_hint(as_), 2)
    return stored.token


@app.command("sign-out")
def sign_out(token: str | None = TOKEN_OPTION, as_: str | None = AS_OPTION) -> None:
    """サインアウトする (this terminal's session, or --as STAFF_ID among those signed in here)."""
    cfg = settings()
    chosen = _token(token, as_, cfg)
    with container(cfg=cfg) as c:
        service = staff_service(c)
        changed = run_guarded(lambda: service.sign_out(chosen, _now()))
    for stored in session.sessions(cfg.session_path()):
        if stored.token == chosen:
            session.remove(cfg.session_path(), stored.staff_id)
    console.print("サインアウトしました。" if changed else "このセッションは終了済みです。")


@app.command("whoami")
def whoami(as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION) -> None:
    """この端末でサインインしている職員（またはバッチ用資格情報）と、いま有効な役割."""
    cfg = settings()
    with container(cfg=cfg) as c:
        who = resolve_principal(c, as_)
        signed_in = [s.staff_id for s in session.sessions(cfg.session_path())]
    roles = sorted(who.roles)
    if json_out:
        print_json(
            {
                "staff_id": who.actor,
                "kind": who.kind,
                "roles": roles,
                "issued_by": who.issued_by,
                "terminal": who.terminal,
                "signed_in_here": signed_in,
            }
        )
        return
    label = "バッチ用資格情報" if who.kind == "job" else "職員"
    console.print(f"{label}: {who.actor}  役割: {'・'.join(roles) or '（なし）'}", highlight=False)
    if who.issued_by:
        console.print(f"発行者（所属長）: {who.issued_by}", highlight=False)


@app.command("break-glass")
def break_glass(
    role: str = typer.Option(..., "--role", help="課税|収納|窓口 (never 個人番号・所属長・監査・運用)"),
    reason: str = typer.Option(..., "--reason", help="緊急時アクセスの理由 (10文字以上)"),
    minutes: int = typer.Option(60, "--minutes", min=1, help="時間 (分, at most 240)"),
    token: str | None = TOKEN_OPTION,
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """緊急時アクセスを開始する (signed-in staff only; recorded and alerted at once; reviewed afterwards)."""
    chosen = _role(role)
    cfg = settings()
    presented = _token(token, as_, cfg)
    with container(cfg=cfg) as c:
        service = staff_service(c)

        def run() -> BreakGlass:
            now = _now()
            principal = service.check_session(presented, now)
            return service.break_glass(
                principal=principal, role=chosen, reason=reason, duration=timedelta(minutes=minutes), now=now
            )

        opened = run_guarded(run)
    if json_out:
        print_json(
            {
                "break_glass_number": opened.number,
                "role": chosen.value,
                "expires_at": opened.expires_at.isoformat(),
            }
        )
    else:
        console.print(
            f"緊急時アクセスを開始しました: #{opened.number} {chosen.value}（{_jst(opened.expires_at)} まで）。"
            "所属長の事後確認が必要です。"
        )


job_app = typer.Typer(
    help="バッチ用資格情報 (job credentials for cron and the worker).", no_args_is_help=True
)
app.add_typer(job_app, name="job-credential")


@job_app.command("issue")
def job_credential_issue(
    job_id: str = typer.Option(..., "--job-id", help="ジョブID (e.g. nightly-levy)"),
    roles: list[str] = typer.Option(
        ..., "--role", help="課税|収納|窓口|運用|個人番号利用事務実施者 (repeatable)"
    ),
    valid_to: str = typer.Option(..., "--to", help="有効期限 YYYY-MM-DD"),
    out: Path = typer.Option(..., "--out", help="資格情報を書き出すファイル (mode 0600; 再表示なし)"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """バッチ用資格情報を発行する (a signed-in 所属長). Use it with JUMINZEI_CREDENTIAL_FILE=FILE."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        chosen = [_role(r) for r in roles]
        until = _date(valid_to, "--to")
        assert until is not None
        secret = run_guarded(
            lambda: staff_service(c).issue_job_credential(
                job_id=job_id, roles=chosen, valid_to=until, ctx=ctx, now=_now()
            )
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    os.chmod(out, 0o600)
    body = {
        "job_id": job_id.strip(),
        "roles": [r.value for r in chosen],
        "valid_to": until.isoformat(),
        "issued_by": ctx.actor,
        "file": str(out),
    }
    if json_out:
        print_json(body)
    else:
        console.print(
            f"バッチ用資格情報を発行しました: {body['job_id']}（{'・'.join(body['roles'])}、{until} まで）→ {out}"
            f"\n使い方: JUMINZEI_CREDENTIAL_FILE={out} juminzei …",
            highlight=False,
            soft_wrap=True,
        )


@job_app.command("revoke")
def job_credential_revoke(
    job_id: str = typer.Option(..., "--job-id", help="ジョブID"),
    reason: str = typer.Option(..., "--reason", help="取消理由"),
    as_: str | None = AS_OPTION,
) -> None:
    """バッチ用資格情報を取り消す (refused at its next use)."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        changed = run_guarded(
            lambda: staff_service(c).revoke_job_credential(job_id=job_id, reason=reason, ctx=ctx, now=_now())
        )
    console.print("取り消しました。" if changed else "取消済みです（変更なし）。")


@app.command("review-break-glass")
def review_break_glass(
    staff_id: str = typer.Option(..., "--staff-id", help="緊急時アクセスを使用した職員ID"),
    number: int = typer.Option(..., "--number", help="緊急時アクセス番号"),
    appropriate: bool = typer.Option(..., "--appropriate/--inappropriate", help="使用は適切だったか"),
    note: str = typer.Option(..., "--note", help="所見"),
    as_: str | None = AS_OPTION,
) -> None:
    """緊急時アクセスを事後確認する (mandatory post-hoc review by a 所属長)."""
    cfg = settings()
    with container(cfg=cfg) as c:
        ctx = command_context(as_, Purpose.OPERATIONS, c)
        changed = run_guarded(
            lambda: staff_service(c).review_break_glass(
                staff_id=staff_id.strip(),
                number=number,
                appropriate=appropriate,
                note=note,
                ctx=ctx,
                now=_now(),
            )
        )
    console.print("事後確認を記録しました。" if changed else "確認済みです（変更なし）。")


@app.command("review")
def review(as_: str | None = AS_OPTION, json_out: bool = JSON_OPTION) -> None:
    """アクセス権限の定期見直し: every grant with its status, job credentials, break-glass awaiting review."""
    cfg = settings()
    with container(cfg=cfg) as c:
        who = resolve_principal(c, as_)
        authorize_action(c, who, "staff.review", Purpose.OPERATIONS)
        result = run_guarded(lambda: staff_service(c).review(_now()))
    if json_out:
        print_json(
            {
                "as_of": result.as_of.isoformat(),
                "cycle_start": result.cycle_start,
                "due_date": result.due_date,
                "grants": [
                    {
                        "staff_id": g.staff_id,
                        "department": g.department,
                        "grant_number": g.grant_number,
                        "role": g.role.value,
                        "unit": g.unit,
                        "valid_from": g.valid_from,
                        "valid_to": g.valid_to,
                        "approved_by": g.approved_by,
                        "temporary": g.temporary,
                        "bootstrap": g.bootstrap,
                        "last_attested_on": g.last_attested_on,
                        "status": g.status.value,
                        "hours": g.hours,
                        "terminals": list(g.terminals),
                    }
                    for g in result.grants
                ],
                "break_glass_awaiting_review": [
                    {
                        "staff_id": b.staff_id,
                        "number": b.number,
                        "role": b.role.value,
                        "opened_at": b.opened_at.isoformat(),
                        "expires_at": b.expires_at.isoformat(),
                        "in_force": b.in_force,
                    }
                    for b in result.break_glass_pending
                ],
                "job_credentials": [
                    {
                        "job_id": j.job_id,
                        "roles": [r.value for r in j.roles],
                        "valid_to": j.valid_to,
                        "issued_by": j.issued_by,
                        "status": j.status,
                        "revoked_by": j.revoked_by,
                    }
                    for j in result.job_credentials
                ],
            }
        )
        return
    table = Table(
        title=f"アクセス権限一覧（見直し周期 {result.cycle_start} 開始、確認期限 {result.due_date}）"
    )
    table.add_column("職員ID", no_wrap=True)
    table.add_column("番号", no_wrap=True)
    table.add_column("役割・係", overflow="fold")
    table.add_column("有効期間", no_wrap=True)
    table.add_column("承認者", overflow="fold")
    table.add_column("最終確認", no_wrap=True)
    table.add_column("状態", no_wrap=True)
    for g in result.grants:
        table.add_row(
            g.staff_id,
            str(g.grant_number) + ("（臨時）" if g.temporary else ""),
            g.role.value + (f"\n{g.unit}" if g.unit else ""),
            f"{g.valid_from}\n〜{g.valid_to}",
            g.approved_by,
            g.last_attested_on or "",
            STATUS_LABELS[g.status],
        )
    console.print(table)
    if result.break_glass_pending:
        pending = Table(title="事後確認待ちの緊急時アクセス")
        for column in ("職員ID", "番号", "役割", "開始", "終了", "状態"):
            pending.add_column(column, overflow="fold")
        for b in result.break_glass_pending:
            pending.add_row(
                b.staff_id,
                str(b.number),
                b.role.value,
                _jst(b.opened_at),
                _jst(b.expires_at),
                "使用中" if b.in_force else "終了",
            )
        console.print(pending)
    else:
        console.print("事後確認待ちの緊急時アクセスはありません。")
    if result.job_credentials:
        jobs = Table(title="バッチ用資格情報")
        for column in ("ジョブID", "役割", "有効期限", "発行者", "状態"):
            jobs.add_column(column, overflow="fold")
        for j in result.job_credentials:
            jobs.add_row(j.job_id, "・".join(r.value for r in j.roles), j.valid_to, j.issued_by, j.status)
        console.print(jobs)
