"""StaffMember aggregate (職員): personal account, sign-in, role grants, break-glass (DESIGN §4).

One aggregate per personal account, keyed by the 職員ID (no shared IDs: the id is a person's staff
number). Secrets (the argon2 password hash, the TOTP secret) and free text (name, reasons, notes) are
``PERSONAL_FIELDS`` sealed under the staff member's own key ``staff:<id>``, so they never reach the
store in clear and can be crypto-shredded when the account is retired.

Hashing and code verification happen in the application (ports); the aggregate receives the outcome
and the clock, and records every sign-in, failure, lockout, unlock and sign-out as an event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id
from domain.staff.values import (
    BREAK_GLASS_ROLES,
    BreakGlass,
    Grant,
    GrantStatus,
    ReviewPolicy,
    Role,
    Session,
    SessionEnd,
    SessionPolicy,
    SignInFailure,
    fiscal_year_end,
    jst_date,
    parse_hours,
    utc,
)

_STAFF_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def staff_member_id(staff_id: str) -> UUID:
    """Aggregate id of a staff account: uuid5 of the 職員ID."""
    return deterministic_id("staff", staff_id)


def validate_staff_id(staff_id: str) -> str:
    """職員ID: 2–32 characters of ASCII letters, digits, ``-``, ``_`` or ``.`` (a personal staff number)."""
    if not (2 <= len(staff_id) <= 32) or not set(staff_id) <= _STAFF_ID_CHARS:
        raise DomainError(
            "職員IDは英数字と - _ . からなる2〜32文字で指定してください。", code="invalid_staff_id"
        )
    if staff_id.lower() in SHARED_ACCOUNT_NAMES:
        raise DomainError(
            "共用ID（admin, guest 等）は登録できません。職員個人のIDを使用してください。", code="shared_id"
        )
    return staff_id


#: Names that denote a shared account; refused at enrolment (personal accounts only).
SHARED_ACCOUNT_NAMES = frozenset(
    {"admin", "administrator", "root", "guest", "user", "test", "shared", "common", "kyoyo", "system"}
)


class StaffMember(Aggregate):
    """職員アカウント."""

    TOPIC = "juminzei.staff.StaffMember"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"staff:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.staff.StaffMember.Created"

    class Enrolled(Created):
        """職員登録: 職員ID, name (sealed), 所属課, password hash (sealed)."""

        TOPIC = "juminzei.staff.Enrolled"
        PERSONAL_FIELDS = ("name", "password_hash")
        staff_id: str
        name: str
        department: str
        password_hash: str

    class SecondFactorEnrolled(Event):
        """二要素認証 (TOTP) の登録. The secret is sealed."""

        TOPIC = "juminzei.staff.SecondFactorEnrolled"
        PERSONAL_FIELDS = ("totp_secret",)
        totp_secret: str

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.totp_secret = self.totp_secret
            aggregate.last_totp_step = -1

    class PasswordChanged(Event):
        """パスワード変更 (the new hash is sealed)."""

        TOPIC = "juminzei.staff.PasswordChanged"
        PERSONAL_FIELDS = ("password_hash",)
        password_hash: str

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.password_hash = self.password_hash

    class RoleGranted(Event):
        """権限付与: role per 課・係, validity, approver (≠ grantee); temporary grants carry a reason."""

        TOPIC = "juminzei.staff.RoleGranted"
        PERSONAL_FIELDS = ("reason",)
        #: v2 adds hours of use and terminal binding (ADR 0023); v1 events had neither.
        class_version = 2
        grant_number: int
        role: Role
        unit: str | None
        valid_from: date
        valid_to: date
        approved_by: str
        approved_on: date
        temporary: bool
        reason: str | None
        bootstrap: bool
        hours: str | None
        terminals: tuple[str, ...]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["hours"] = None
            state["terminals"] = ()

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.grants = (
                *aggregate.grants,
                Grant(
                    number=self.grant_number,
                    role=self.role,
                    unit=self.unit,
                    valid_from=self.valid_from,
                    valid_to=self.valid_to,
                    approved_by=self.approved_by,
                    approved_on=self.approved_on,
                    temporary=self.temporary,
                    reason=self.reason,
                    bootstrap=self.bootstrap,
                    hours=self.hours,
                    terminals=tuple(self.terminals),
                ),
            )

    class RoleRevoked(Event):
        """権限取消 (effective immediately)."""

        TOPIC = "juminzei.staff.RoleRevoked"
        PERSONAL_FIELDS = ("reason",)
        grant_number: int
        revoked_at: datetime
        reason: str

        def apply(self, aggregate: StaffMember) -> None:
            aggregate._replace_grant(aggregate.grant(self.grant_number).revoked(self.revoked_at, self.actor))

    class GrantAttested(Event):
        """定期見直しでの所属長の確認 (attestation for one review cycle)."""

        TOPIC = "juminzei.staff.GrantAttested"
        grant_number: int
        attested_on: date
        cycle_start: date

        def apply(self, aggregate: StaffMember) -> None:
            aggregate._replace_grant(
                aggregate.grant(self.grant_number).attested(self.attested_on, self.actor)
            )

    class SignedIn(Event):
        """サインイン成功 (password + TOTP). Carries the session id, expiry and the token's hash only."""

        TOPIC = "juminzei.staff.SignedIn"
        session_id: str
        token_hash: str
        signed_in_at: datetime
        expires_at: datetime
        terminal: str | None
        totp_step: int

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.sessions = {
                **aggregate.sessions,
                self.session_id: Session(
                    session_id=self.session_id,
                    token_hash=self.token_hash,
                    signed_in_at=self.signed_in_at,
                    expires_at=self.expires_at,
                    terminal=self.terminal,
                ),
            }
            aggregate.failures = 0
            aggregate.last_totp_step = self.totp_step

    class SignInFailed(Event):
        """サインイン失敗 (reason recorded; consecutive failure count)."""

        TOPIC = "juminzei.staff.SignInFailed"
        failure: SignInFailure
        failures: int
        attempted_at: datetime
        terminal: str | None

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.failures = self.failures

    class LockedOut(Event):
        """アカウントロック (after ``failures`` consecutive failures)."""

        TOPIC = "juminzei.staff.LockedOut"
        failures: int
        locked_at: datetime
        terminal: str | None

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.locked = True
            aggregate.sessions = {
                sid: s if s.ended else replace(s, ended=SessionEnd.SIGNED_OUT)
                for sid, s in aggregate.sessions.items()
            }

    class Unlocked(Event):
        """ロック解除 (by a supervisor, with a reason)."""

        TOPIC = "juminzei.staff.Unlocked"
        PERSONAL_FIELDS = ("reason",)
        reason: str

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.locked = False
            aggregate.failures = 0

    class SignedOut(Event):
        """サインアウト, or the recorded end of an expired / idle session."""

        TOPIC = "juminzei.staff.SignedOut"
        session_id: str
        cause: SessionEnd
        ended_at: datetime

        def apply(self, aggregate: StaffMember) -> None:
            session = aggregate.sessions[self.session_id]
            aggregate.sessions = {
                **aggregate.sessions,
                self.session_id: replace(session, ended=self.cause),
            }

    class BreakGlassOpened(Event):
        """緊急時アクセス開始: the immediate alert record (role, reason, window)."""

        TOPIC = "juminzei.staff.BreakGlassOpened"
        PERSONAL_FIELDS = ("reason",)
        break_glass_number: int
        role: Role
        reason: str
        opened_at: datetime
        expires_at: datetime
        terminal: str | None

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.break_glass = (
                *aggregate.break_glass,
                BreakGlass(
                    number=self.break_glass_number,
                    role=self.role,
                    reason=self.reason,
                    opened_at=self.opened_at,
                    expires_at=self.expires_at,
                ),
            )

    class BreakGlassReviewed(Event):
        """緊急時アクセスの事後確認 (mandatory post-hoc review by a supervisor)."""

        TOPIC = "juminzei.staff.BreakGlassReviewed"
        PERSONAL_FIELDS = ("note",)
        break_glass_number: int
        appropriate: bool
        note: str
        reviewed_at: datetime

        def apply(self, aggregate: StaffMember) -> None:
            aggregate.break_glass = tuple(
                replace(b, reviewed_by=self.actor, reviewed_at=self.reviewed_at, appropriate=self.appropriate)
                if b.number == self.break_glass_number
                else b
                for b in aggregate.break_glass
            )

    def __init__(
        self, staff_id: str, name: str, department: str, password_hash: str, **_metadata: Any
    ) -> None:
        self.staff_id = staff_id
        self.name = name
        self.department = department
        self.password_hash = password_hash
        self.totp_secret: str | None = None
        self.last_totp_step = -1
        self.grants: tuple[Grant, ...] = ()
        self.break_glass: tuple[BreakGlass, ...] = ()
        self.sessions: dict[str, Session] = {}
        self.failures = 0
        self.locked = False

    # -- enrolment ---------------------------------------------------------------------------------

    @classmethod
    def enroll(
        cls, *, staff_id: str, name: str, department: str, password_hash: str, ctx: CommandContext
    ) -> StaffMember:
        validate_staff_id(staff_id)
        if not name.strip():
            raise DomainError("氏名が空です。", code="missing_name")
        if not department.strip():
            raise DomainError("所属課が空です。", code="missing_department")
        return cls._create(
            cls.Enrolled,
            id=staff_member_id(staff_id),
            staff_id=staff_id,
            name=name,
            department=department,
            password_hash=password_hash,
            **ctx.event_fields(),
        )

    def enroll_second_factor(self, *, totp_secret: str, ctx: CommandContext) -> None:
        if self.totp_secret is not None:
            raise DomainError(
                "二要素認証は登録済みです（登録用URIは一度だけ表示されます）。", code="second_factor_exists"
            )
        self.trigger_event(self.SecondFactorEnrolled, totp_secret=totp_secret, **ctx.event_fields())

    def change_password(self, *, password_hash: str, ctx: CommandContext) -> None:
        self.trigger_event(self.PasswordChanged, password_hash=password_hash, **ctx.event_fields())

    # -- grants ------------------------------------------------------------------------------------

    def grant(self, number: int) -> Grant:
        for g in self.grants:
            if g.number == number:
                return g
        raise DomainError(
            f"権限付与番号 {number} は職員 {self.staff_id} にありません。", code="unknown_grant"
        )

    def _replace_grant(self, new: Grant) -> None:
        self.grants = tuple(new if g.number == new.number else g for g in self.grants)

    def grant_role(
        self,
        *,
        role: Role,
        unit: str | None,
        valid_from: date,
        valid_to: date | None,
        temporary: bool,
        reason: str | None,
        bootstrap: bool,
        now: datetime,
        ctx: CommandContext,
        first_start: bool = False,
        hours: str | None = None,
        terminals: tuple[str, ...] = (),
    ) -> int:
        """Grant ``role`` approved by ``ctx.actor`` (≠ this staff member); returns the grant number.

        ``first_start``: the grants of ``staff bootstrap`` (the first 所属長 on a store with no staff), the
        one case where nobody else exists to approve; such grants are also marked ``bootstrap``.

        Default validity ends on 3/31 of the 年度 of ``valid_from`` (人事異動); a grant never crosses it.
        An identical live grant is not granted twice (the existing number is returned).
        """
        now = utc(now)
        if ctx.actor == self.staff_id and not (first_start and bootstrap):
            raise DomainError(
                "自分自身への権限付与は承認できません（承認者は本人以外の所属長）。", code="self_grant"
            )
        end_of_year = fiscal_year_end(valid_from)
        until = valid_to or end_of_year
        if until < valid_from:
            raise DomainError("有効期間の終了日が開始日より前です。", code="invalid_validity")
        if until > end_of_year:
            raise DomainError(
                f"権限の有効期限は年度末（{end_of_year.isoformat()}、人事異動日）を超えられません。",
                code="beyond_fiscal_year",
            )
        cleaned_reason = (reason or "").strip() or None
        if hours is not None:
            try:
                parse_hours(hours)
            except ValueError as error:
                raise DomainError(str(error), code="invalid_hours") from None
        if temporary and cleaned_reason is None:
            raise DomainError("臨時の権限付与には理由が必要です。", code="missing_reason")
        today = jst_date(now)
        for g in self.grants:
            if (
                g.role is role
                and g.unit == unit
                and g.valid_from == valid_from
                and g.valid_to == until
                and g.hours == hours
                and g.terminals == tuple(terminals)
                and g.revoked_at is None
                and today <= g.valid_to
            ):
                return g.number
        number = len(self.grants) + 1
        self.trigger_event(
            self.RoleGranted,
            timestamp=now,
            grant_number=number,
            role=role,
            unit=unit,
            valid_from=valid_from,
            valid_to=until,
            approved_by=ctx.actor,
            approved_on=today,
            temporary=temporary,
            reason=cleaned_reason,
            bootstrap=bootstrap,
            hours=hours,
            terminals=tuple(terminals),
            **ctx.event_fields(),
        )
        return number

    def revoke(self, *, number: int, reason: str, now: datetime, ctx: CommandContext) -> bool:
        grant = self.grant(number)
        if grant.revoked_at is not None:
            return False
        if not reason.strip():
            raise DomainError("権限取消の理由を入力してください。", code="missing_reason")
        now = utc(now)
        self.trigger_event(
            self.RoleRevoked,
            timestamp=now,
            grant_number=number,
            revoked_at=now,
            reason=reason.strip(),
            **ctx.event_fields(),
        )
        return True

    def attest(self, *, number: int, now: datetime, review: ReviewPolicy, ctx: CommandContext) -> bool:
        """Record a supervisor's attestation for the current review cycle (False if already attested)."""
        if ctx.actor == self.staff_id:
            raise DomainError("自分自身の権限を確認（承認）することはできません。", code="self_attest")
        grant = self.grant(number)
        now = utc(now)
        status = grant.status(now, review)
        if status in (GrantStatus.REVOKED, GrantStatus.EXPIRED):
            raise DomainError(
                f"権限付与番号 {number} は{'取消済み' if status is GrantStatus.REVOKED else '期限切れ'}です。",
                code="grant_not_live",
            )
        today = jst_date(now)
        cycle = review.cycle_start(today)
        reviewed_on = max(grant.approved_on, grant.last_attested_on or grant.approved_on)
        if grant.last_attested_on is not None and reviewed_on >= cycle:
            return False
        self.trigger_event(
            self.GrantAttested,
            timestamp=now,
            grant_number=number,
            attested_on=today,
            cycle_start=cycle,
            **ctx.event_fields(),
        )
        return True

    def has_role(self, role: Role, now: datetime, review: ReviewPolicy) -> bool:
        """Whether a normal (non-break-glass) grant of ``role`` is in force at ``now``."""
        return any(g.role is role and g.in_force(utc(now), review) for g in self.grants)

    # -- sign-in -----------------------------------------------------------------------------------

    def record_sign_in(
        self,
        *,
        session_id: str,
        token_hash: str,
        totp_step: int,
        now: datetime,
        policy: SessionPolicy,
        terminal: str | None,
        ctx: CommandContext,
    ) -> Session:
        """Record a successful sign-in (both factors verified by the caller) and return the session."""
        now = utc(now)
        if self.locked:
            raise DomainError("アカウントがロックされています。", code="locked")
        self.trigger_event(
            self.SignedIn,
            timestamp=now,
            session_id=session_id,
            token_hash=token_hash,
            signed_in_at=now,
            expires_at=now + policy.session_lifetime,
            terminal=terminal,
            totp_step=totp_step,
            **ctx.event_fields(),
        )
        return self.sessions[session_id]

    def record_failure(
        self,
        *,
        failure: SignInFailure,
        now: datetime,
        policy: SessionPolicy,
        terminal: str | None,
        ctx: CommandContext,
    ) -> bool:
        """Record a failed attempt; lock the account at ``policy.max_failures``. Returns whether locked now."""
        now = utc(now)
        failures = self.failures if failure is SignInFailure.LOCKED else self.failures + 1
        self.trigger_event(
            self.SignInFailed,
            timestamp=now,
            failure=failure,
            failures=failures,
            attempted_at=now,
            terminal=terminal,
            **ctx.event_fields(),
        )
        if not self.locked and failures >= policy.max_failures:
            self.trigger_event(
                self.LockedOut,
                timestamp=now,
                failures=failures,
                locked_at=now,
                terminal=terminal,
                **ctx.event_fields(),
            )
            return True
        return False

    def unlock(self, *, reason: str, ctx: CommandContext) -> bool:
        if not self.locked:
            return False
        if ctx.actor == self.staff_id:
            raise DomainError("自分のアカウントのロックは解除できません。", code="self_unlock")
        if not reason.strip():
            raise DomainError("ロック解除の理由を入力してください。", code="missing_reason")
        self.trigger_event(self.Unlocked, reason=reason.strip(), **ctx.event_fields())
        return True

    def end_session(self, *, session_id: str, cause: SessionEnd, now: datetime, ctx: CommandContext) -> bool:
        session = self.sessions.get(session_id)
        if session is None or session.ended is not None:
            return False
        now = utc(now)
        self.trigger_event(
            self.SignedOut,
            timestamp=now,
            session_id=session_id,
            cause=cause,
            ended_at=now,
            **ctx.event_fields(),
        )
        return True

    # -- break-glass -------------------------------------------------------------------------------

    def open_break_glass(
        self,
        *,
        role: Role,
        reason: str,
        now: datetime,
        until: datetime,
        policy: SessionPolicy,
        terminal: str | None,
        ctx: CommandContext,
    ) -> BreakGlass:
        now, until = utc(now), utc(until)
        if ctx.actor != self.staff_id:
            raise DomainError("緊急時アクセスは本人のみが申告できます。", code="break_glass_not_self")
        if role not in BREAK_GLASS_ROLES:
            raise DomainError(
                f"緊急時アクセスで「{role.value}」は付与できません（個人番号・所属長・監査・運用は対象外）。",
                code="break_glass_role",
            )
        if len(reason.strip()) < 10:
            raise DomainError(
                "緊急時アクセスの理由を具体的に（10文字以上）入力してください。", code="missing_reason"
            )
        if not (now < until <= now + policy.break_glass_max):
            hours = policy.break_glass_max.total_seconds() / 3600
            raise DomainError(
                f"緊急時アクセスの時間は{hours:g}時間以内で指定してください。", code="break_glass_window"
            )
        number = len(self.break_glass) + 1
        self.trigger_event(
            self.BreakGlassOpened,
            timestamp=now,
            break_glass_number=number,
            role=role,
            reason=reason.strip(),
            opened_at=now,
            expires_at=until,
            terminal=terminal,
            **ctx.event_fields(),
        )
        return self.break_glass[-1]

    def review_break_glass(
        self, *, number: int, appropriate: bool, note: str, now: datetime, ctx: CommandContext
    ) -> bool:
        if ctx.actor == self.staff_id:
            raise DomainError("自分の緊急時アクセスを事後確認することはできません。", code="self_review")
        found = [b for b in self.break_glass if b.number == number]
        if not found:
            raise DomainError(f"緊急時アクセス番号 {number} はありません。", code="unknown_break_glass")
        if not found[0].awaiting_review:
            return False
        if not note.strip():
            raise DomainError("事後確認の所見を入力してください。", code="missing_note")
        now = utc(now)
        self.trigger_event(
            self.BreakGlassReviewed,
            timestamp=now,
            break_glass_number=number,
            appropriate=appropriate,
            note=note.strip(),
            reviewed_at=now,
            **ctx.event_fields(),
        )
        return True
