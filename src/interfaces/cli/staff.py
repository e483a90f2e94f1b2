"""``juminzei staff …``: staff accounts, sign-in, grants, access review, break-glass (ADR 0012).

Supervisor commands (grant, revoke, attest, unlock, review-break-glass) are attributed to ``--as``, which
must be a 所属長 with a grant in force (except the bootstrap 所属長 grant, see docs/staff-and-access.md).
Passwords and TOTP codes are prompted without echo; a session token is printed once by ``sign-in`` and
read back from ``--token`` or ``JUMINZEI_SESSION_TOKEN``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import typer
from rich.table import Table

from adapters.auth.passwords import Argon2PasswordHasher
from adapters.auth.sessions import SqlSessionActivity
from adapters.auth.totp import PyotpTotp
from application.staff import StaffService
from domain.shared.purpose import Purpose
from domain.staff.values import JST, BreakGlass, GrantStatus, Role
from interfaces.bootstrap import Container
from interfaces.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    command_context,
    console,
    container,
    fail,
    print_json,
    run_guarded,
    settings,
)

app = typer.Typer(help="職員 (staff): accounts, sign-in, role grants, access review.", no_args_is_help=True)

TOKEN_OPTION = typer.Option(
    ...,
    "--token",
    envvar="JUMINZEI_SESSION_TOKEN",
    help="セッショントークン (from sign-in; or JUMINZEI_SESSION_TOKEN).",
    show_default=False,
)

STATUS_LABELS = {
    GrantStatus.VALID: "有効",
    GrantStatus.NOT_YET_VALID: "有効期間前",
    GrantStatus.EXPIRED: "期限切れ",
    GrantStatus.LAPSED_UNATTESTED: "失効（定期確認未了）",
    GrantStatus.REVOKED: "取消済み",
}


def staff_service(c: Container) -> StaffService:
    """The staff service over the container's application and database."""
    return StaffService(c.app, Argon2PasswordHasher(), PyotpTotp(), SqlSessionActivity(c.db))


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
    """職員を登録する (enrol a personal staff account with an initial password)."""
    cfg = settings()
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
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
    """二要素認証 (TOTP) を登録し、登録用URIを一度だけ表示する."""
    cfg = settings()
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
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
    role: str = typer.Option(..., "--role", help="課税|収納|窓口|監査|運用|所属長|個人番号利用事務実施者"),
    unit: str | None = typer.Option(None, "--unit", help="係 (e.g. 市民税係)"),
    valid_from: str | None = typer.Option(None, "--from", help="有効期間開始 YYYY-MM-DD (default: today)"),
    valid_to: str | None = typer.Option(None, "--to", help="有効期間終了 YYYY-MM-DD (default: 3/31)"),
    temporary: bool = typer.Option(False, "--temporary", help="臨時の付与 (requires --reason)"),
    reason: str | None = typer.Option(None, "--reason", help="付与理由"),
    as_: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """権限を付与する (approved by --as, a 所属長 other than the grantee)."""
    cfg = settings()
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
    chosen = _role(role)
    start, end = _date(valid_from, "--from"), _date(valid_to, "--to")
    with container(cfg=cfg) as c:
        number = run_guarded(
            lambda: staff_service(c).grant(
                staff_id=staff_id.strip(),
                role=chosen,
                valid_from=start,
                valid_to=end,
                unit=unit,
                temporary=temporary,
                reason=reason,
                ctx=ctx,
                now=_now(),
            )
        )
    if json_out:
        print_json({"staff_id": staff_id.strip(), "grant_number": number, "role": chosen.value})
    else:
        console.print(f"権限を付与しました: {staff_id.strip()} #{number} {chosen.value}")


@app.command("revoke")
def revoke(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    grant_number: int = typer.Option(..., "--grant", help="権限付与番号"),
    reason: str = typer.Option(..., "--reason", help="取消理由"),
    as_: str | None = AS_OPTION,
) -> None:
    """権限を取り消す (effective immediately)."""
    cfg = settings()
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
    with container(cfg=cfg) as c:
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
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
    with container(cfg=cfg) as c:
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
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
    with container(cfg=cfg) as c:
        changed = run_guarded(
            lambda: staff_service(c).unlock(staff_id=staff_id.strip(), reason=reason, ctx=ctx, now=_now())
        )
    console.print("ロックを解除しました。" if changed else "ロックされていません（変更なし）。")


@app.command("sign-in")
def sign_in(
    staff_id: str = typer.Option(..., "--staff-id", help="職員ID"),
    password: str = typer.Option(..., "--password", prompt="パスワード", hide_input=True),
    totp: str = typer.Option(..., "--totp", prompt="ワンタイムパスワード", hide_input=True),
    terminal: str | None = typer.Option(
        None, "--terminal", help="端末ID (default: JUMINZEI_TERMINAL or cli)"
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """サインインする (password + TOTP). Prints a session token once."""
    cfg = settings()
    where = terminal or cfg.terminal or "cli"
    with container(cfg=cfg) as c:
        result = run_guarded(
            lambda: staff_service(c).sign_in(
                staff_id=staff_id.strip(), password=password, totp_code=totp, terminal=where, now=_now()
            )
        )
    if json_out:
        print_json(
            {
                "staff_id": result.staff_id,
                "session_id": result.session_id,
                "token": result.token,
                "expires_at": result.expires_at.isoformat(),
            }
        )
    else:
        console.print(result.token, highlight=False, soft_wrap=True)


@app.command("sign-out")
def sign_out(token: str = TOKEN_OPTION) -> None:
    """サインアウトする."""
    with container() as c:
        changed = run_guarded(lambda: staff_service(c).sign_out(token, _now()))
    console.print("サインアウトしました。" if changed else "このセッションは終了済みです。")


@app.command("break-glass")
def break_glass(
    role: str = typer.Option(..., "--role", help="課税|収納|窓口 (never 個人番号・所属長・監査・運用)"),
    reason: str = typer.Option(..., "--reason", help="緊急時アクセスの理由 (10文字以上)"),
    minutes: int = typer.Option(60, "--minutes", min=1, help="時間 (分, at most 240)"),
    token: str = TOKEN_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """緊急時アクセスを開始する (signed-in staff only; recorded and alerted at once; reviewed afterwards)."""
    chosen = _role(role)
    with container() as c:
        service = staff_service(c)

        def run() -> BreakGlass:
            now = _now()
            principal = service.check_session(token, now)
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
    ctx = command_context(as_, Purpose.OPERATIONS, cfg)
    with container(cfg=cfg) as c:
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
    """アクセス権限の定期見直し: every grant with its status, and break-glass awaiting review."""
    cfg = settings()
    command_context(as_, Purpose.OPERATIONS, cfg)  # refuses anonymous use
    with container(cfg=cfg) as c:
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
