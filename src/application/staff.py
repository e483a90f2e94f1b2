"""Staff accounts, sign-in, grants, access review and authorization (DESIGN §4, §6, §9; ADR 0012).

``StaffService`` is the one entry point: enrolment (password + TOTP), grants approved by a supervisor
who is not the grantee, revocation, periodic attestation, sign-in with lockout, sessions with absolute
expiry and idle timeout, break-glass with mandatory post-hoc review, the access-review listing, and
``authorize`` — the purpose-bound policy decision (``domain.staff.policy``).

Secrets never leave this module in clear except the provisioning URI (shown once) and the session
token (returned once to the person signing in). The store keeps the argon2 hash, the TOTP secret sealed
under ``staff:<id>``, and only the SHA-256 of each session token. Logs carry staff ids, session ids and
decision ids — never passwords, codes, secrets, tokens or names.

Session activity (for the idle timeout) is kept in a small table (``SessionActivity`` port, migration
0010) rather than as events: a touch per request would flood the log and carries no audit value beyond
the sign-in and sign-out events, which *are* events.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError, project_aggregate

import application.staff_registration  # noqa: F401  (stored names of the staff enums)
from application.app import JuminzeiApplication
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.staff.credentials import JobCredential, job_credential_id
from domain.staff.model import StaffMember, staff_member_id
from domain.staff.policy import AccessRequest, Decision, Principal, Resource, decide
from domain.staff.values import (
    CONTRACTOR_ROLES,
    BreakGlass,
    Grant,
    GrantStatus,
    ReviewPolicy,
    Role,
    SessionEnd,
    SessionPolicy,
    SignInFailure,
    jst_date,
    session_state,
    utc,
)

log = structlog.get_logger(__name__)

TOKEN_PREFIX = "jz1"
JOB_TOKEN_PREFIX = "jzj1"

#: The roles of the first 所属長 (``staff bootstrap``): every role a person can use together — not 監査
#: (inspectors only read, so it would forbid every command) nor the contractors' roles.
BOOTSTRAP_ROLES: tuple[Role, ...] = (
    Role.SUPERVISOR,
    Role.TAXATION,
    Role.COLLECTION,
    Role.COUNTER,
    Role.OPERATIONS,
    Role.INDIVIDUAL_NUMBER,
)
MIN_PASSWORD_LENGTH = 12

_REFUSED = "職員ID、パスワードまたはワンタイムパスワードが正しくありません。"
_LOCKED = "アカウントがロックされています。所属長にロック解除を依頼してください。"
_INVALID_SESSION = "セッションが無効です。サインインしてください。"


# -- ports -------------------------------------------------------------------------------------------


class PasswordHasher(Protocol):
    """Password hashing (argon2id in ``adapters.auth.passwords``)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; never raises for a mismatch or a malformed hash."""
        ...


class TotpVerifier(Protocol):
    """Time-based one-time passwords (RFC 6238; ``adapters.auth.totp``)."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str: ...

    def verify(self, secret: str, code: str, now: datetime) -> int | None:
        """The matched time step when ``code`` is valid at ``now`` (± the allowed drift), else None."""
        ...


class SessionActivity(Protocol):
    """Last activity per session, for the idle timeout (``adapters.auth.sessions``)."""

    def touch(self, session_id: str, staff_id: str, at: datetime) -> None: ...

    def last_seen(self, session_id: str) -> datetime | None: ...

    def forget(self, session_id: str) -> None: ...


class SignInAttempts(Protocol):
    """Sign-in attempts per key (the SHA-256 of the typed 職員ID), for the rate limit (``adapters.auth``)."""

    def record(self, key_hash: str, at: datetime) -> None: ...

    def count_since(self, key_hash: str, since: datetime) -> int: ...


class _NoAttempts:
    def record(self, key_hash: str, at: datetime) -> None:
        return None

    def count_since(self, key_hash: str, since: datetime) -> int:
        return 0


# -- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    """A new session. ``token`` is shown once and never stored (only its SHA-256 is)."""

    staff_id: str
    session_id: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Bootstrapped:
    """The first 所属長: the TOTP enrolment URI is shown once and never again."""

    staff_id: str
    roles: tuple[Role, ...]
    totp_uri: str


@dataclass(frozen=True)
class JobCredentialRow:
    """One batch credential in the access review."""

    job_id: str
    roles: tuple[Role, ...]
    valid_to: str
    issued_by: str
    status: str
    revoked_by: str | None


@dataclass(frozen=True)
class GrantRow:
    """One grant in the access review (定期見直し) listing."""

    staff_id: str
    department: str
    grant_number: int
    role: Role
    unit: str | None
    valid_from: str
    valid_to: str
    approved_by: str
    temporary: bool
    bootstrap: bool
    last_attested_on: str | None
    status: GrantStatus
    hours: str | None = None
    terminals: tuple[str, ...] = ()


@dataclass(frozen=True)
class BreakGlassRow:
    """One break-glass grant awaiting (or after) post-hoc review."""

    staff_id: str
    number: int
    role: Role
    opened_at: datetime
    expires_at: datetime
    in_force: bool
    awaiting_review: bool


@dataclass(frozen=True)
class AccessReview:
    """The periodic access review at ``as_of``: every grant with its status, break-glass to review."""

    as_of: datetime
    cycle_start: str
    due_date: str
    grants: tuple[GrantRow, ...]
    break_glass_pending: tuple[BreakGlassRow, ...]
    job_credentials: tuple[JobCredentialRow, ...] = ()


def token_hash(token: str) -> str:
    """SHA-256 of a session token (the token has 256 bits of entropy, so no salt or stretching)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class CurrentMembers:
    """Staff members as they are now, for the checks made on every request (session, grants), without
    replaying each member's whole history each time.

    Each ``get`` asks the event store for the member's events after the copy it holds (one indexed query,
    usually returning nothing) and applies them, so a grant change, sign-out, lock or revocation made by any
    process is seen at the next request, exactly as a full reload would. The copies are shared and must
    not be changed: commands load their own (``app.repository.get``). A changed member is copied before
    the new events are applied, so a reader holding the previous copy sees it whole.
    """

    def __init__(self, app: JuminzeiApplication, maxsize: int = 2048) -> None:
        self._app = app
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self._members: OrderedDict[UUID, StaffMember] = OrderedDict()

    def get(self, member_id: UUID) -> StaffMember | None:
        with self._lock:
            held = self._members.get(member_id)
        if held is None:
            member: StaffMember | None = self._app.find(member_id)
            if member is None:
                return None
        else:
            newer = list(self._app.repository.event_store.get(originator_id=member_id, gt=held.version))
            if not newer:
                return held
            member = project_aggregate(copy.deepcopy(held), newer)
            if member is None:
                return None
        with self._lock:
            kept = self._members.get(member_id)
            if kept is None or kept.version < member.version:
                self._members[member_id] = member
                self._members.move_to_end(member_id)
                while len(self._members) > self._maxsize:
                    self._members.popitem(last=False)
        return member


class StaffService:
    """Commands and queries for staff accounts and access decisions."""

    def __init__(
        self,
        app: JuminzeiApplication,
        hasher: PasswordHasher,
        totp: TotpVerifier,
        activity: SessionActivity,
        *,
        session_policy: SessionPolicy | None = None,
        review_policy: ReviewPolicy | None = None,
        issuer: str = "juminzei",
        attempts: SignInAttempts | None = None,
    ) -> None:
        self.app = app
        self.hasher = hasher
        self.totp = totp
        self.activity = activity
        self.attempts: SignInAttempts = attempts or _NoAttempts()
        self.session_policy = session_policy or SessionPolicy()
        self.review_policy = review_policy or ReviewPolicy()
        self.issuer = issuer
        self.current = CurrentMembers(app)

    # -- loading ---------------------------------------------------------------------------------

    def get(self, staff_id: str) -> StaffMember:
        member: StaffMember = self.app.require(
            staff_member_id(staff_id), f"職員ID {staff_id} は登録されていません。", code="unknown_staff"
        )
        return member

    def _find(self, staff_id: str) -> StaffMember | None:
        member: StaffMember | None = self.app.find(staff_member_id(staff_id))
        return member

    def staff_ids(self) -> Iterator[UUID]:
        """Aggregate ids of every enrolled staff member, in enrolment order (from the notification log)."""
        return self.app.originator_ids(StaffMember.Enrolled.TOPIC)

    def members(self) -> list[StaffMember]:
        return [self.app.repository.get(i) for i in self.staff_ids()]

    # -- enrolment -------------------------------------------------------------------------------

    def enroll(
        self, *, staff_id: str, name: str, department: str, password: str, ctx: CommandContext
    ) -> UUID:
        """職員登録 (personal account). The password is hashed with argon2id before anything is stored."""
        if self._find(staff_id) is not None:
            raise DomainError(f"職員ID {staff_id} は登録済みです。", code="already_enrolled")
        _check_password(password, staff_id)
        member = StaffMember.enroll(
            staff_id=staff_id,
            name=name.strip(),
            department=department.strip(),
            password_hash=self.hasher.hash(password),
            ctx=ctx,
        )
        self.app.save(member)
        log.info("staff.enrolled", staff_id=staff_id, actor=ctx.actor)
        return member.id

    def bootstrap(
        self, *, staff_id: str, name: str, department: str, password: str, terminal: str, now: datetime
    ) -> Bootstrapped:
        """初回起動: on a store with no staff, enrol the first 所属長 with every role (``BOOTSTRAP_ROLES``).

        Refused once any staff member exists. The grants are self-approved and marked ``bootstrap`` (the
        access review shows them); the TOTP enrolment URI is returned once.
        """
        now = utc(now)
        if next(iter(self.staff_ids()), None) is not None:
            raise DomainError(
                "職員は登録済みのため、初回登録（bootstrap）は行えません。所属長に職員登録を依頼してください。",
                code="already_bootstrapped",
            )
        _check_password(password, staff_id)
        ctx = CommandContext(
            actor=staff_id,
            purpose=Purpose.OPERATIONS,
            command_id=f"bootstrap:{uuid.uuid4()}",
            terminal=terminal,
        )
        member = StaffMember.enroll(
            staff_id=staff_id,
            name=name.strip(),
            department=department.strip(),
            password_hash=self.hasher.hash(password),
            ctx=ctx,
        )
        secret = self.totp.new_secret()
        member.enroll_second_factor(totp_secret=secret, ctx=ctx)
        for role in BOOTSTRAP_ROLES:
            member.grant_role(
                role=role,
                unit=None,
                valid_from=jst_date(now),
                valid_to=None,
                temporary=False,
                reason=None,
                bootstrap=True,
                first_start=True,
                now=now,
                ctx=ctx,
            )
        self.app.save(member)
        log.warning("staff.bootstrapped", staff_id=staff_id, terminal=terminal)
        return Bootstrapped(
            staff_id=staff_id,
            roles=BOOTSTRAP_ROLES,
            totp_uri=self.totp.provisioning_uri(secret, account=staff_id, issuer=self.issuer),
        )

    def enroll_second_factor(self, *, staff_id: str, ctx: CommandContext) -> str:
        """二要素認証の登録. Returns the ``otpauth://`` provisioning URI — once; it is never shown again."""
        member = self.get(staff_id)
        secret = self.totp.new_secret()
        member.enroll_second_factor(totp_secret=secret, ctx=ctx)
        self.app.save(member)
        log.info("staff.second_factor_enrolled", staff_id=staff_id, actor=ctx.actor)
        return self.totp.provisioning_uri(secret, account=staff_id, issuer=self.issuer)

    def change_password(self, *, staff_id: str, password: str, ctx: CommandContext) -> None:
        member = self.get(staff_id)
        _check_password(password, staff_id)
        member.change_password(password_hash=self.hasher.hash(password), ctx=ctx)
        self.app.save(member)
        log.info("staff.password_changed", staff_id=staff_id, actor=ctx.actor)

    # -- grants ----------------------------------------------------------------------------------

    def _is_supervisor(self, staff_id: str, now: datetime) -> bool:
        member = self._find(staff_id)
        return member is not None and member.has_role(Role.SUPERVISOR, now, self.review_policy)

    def _require_supervisor(self, ctx: CommandContext, now: datetime) -> None:
        if not self._is_supervisor(ctx.actor, now):
            raise DomainError(
                f"操作者 {ctx.actor} は有効な所属長の権限を持っていません。", code="not_supervisor"
            )

    def require_supervisor(self, actor: str, now: datetime) -> None:
        """Refuse unless ``actor`` holds a 所属長 grant in force."""
        if not self._is_supervisor(actor, utc(now)):
            raise DomainError(f"操作者 {actor} は有効な所属長の権限を持っていません。", code="not_supervisor")

    def _any_supervisor(self, now: datetime) -> bool:
        return any(m.has_role(Role.SUPERVISOR, now, self.review_policy) for m in self.members())

    def grant(  # noqa: PLR0913 - keyword-only; one per field of the RoleGranted event
        self,
        *,
        staff_id: str,
        role: Role,
        valid_from: date | None = None,
        valid_to: date | None = None,
        unit: str | None = None,
        temporary: bool = False,
        reason: str | None = None,
        hours: str | None = None,
        terminals: Sequence[str] = (),
        ctx: CommandContext,
        now: datetime,
    ) -> int:
        """権限付与, approved by ``ctx.actor``: a supervisor in force who is not the grantee, within their own
        課 (the grantee's department) and, when their 所属長 grant names a 係, that 係 (contractors' roles,
        granted to a contractor's 従事者, are exempt from the 課 check). ``hours`` (``HH:MM-HH:MM`` JST) and
        ``terminals`` restrict where and when the grant permits; the policy checks them at each request.

        ``valid_from``/``valid_to`` are Japan dates (default: today, and 3/31 of that 年度).
        Bootstrap: while no staff member holds a 所属長 grant in force, the first 所属長 grant may be
        approved by any other enrolled staff member; the event records ``bootstrap=True``.
        """
        now = utc(now)
        member = self.get(staff_id)
        bootstrap = False
        if not self._is_supervisor(ctx.actor, now):
            if (
                role is Role.SUPERVISOR
                and self._find(ctx.actor) is not None
                and not self._any_supervisor(now)
            ):
                bootstrap = True
            else:
                self._require_supervisor(ctx, now)
        if not bootstrap:
            self._check_scope(ctx.actor, member, role, (unit or "").strip() or None, now)
        start = valid_from or jst_date(now)
        before = len(member.grants)
        number = member.grant_role(
            role=role,
            unit=(unit or "").strip() or None,
            valid_from=start,
            valid_to=valid_to,
            temporary=temporary,
            reason=reason,
            bootstrap=bootstrap,
            now=now,
            ctx=ctx,
            hours=(hours or "").strip() or None,
            terminals=tuple(t.strip() for t in terminals if t.strip()),
        )
        if len(member.grants) != before:
            self._end_sessions_after_grant_change(member, ctx, now)
        self.app.save(member)
        log.info(
            "staff.role_granted",
            staff_id=staff_id,
            role=role.name,
            grant_number=number,
            approved_by=ctx.actor,
            bootstrap=bootstrap,
        )
        return number

    def _check_scope(
        self, approver_id: str, member: StaffMember, role: Role, unit: str | None, now: datetime
    ) -> None:
        """A 所属長 grants only within their own 課 and, if their 所属長 grant names a 係, that 係."""
        approver = self.get(approver_id)
        if role not in CONTRACTOR_ROLES and approver.department != member.department:
            raise DomainError(
                f"所属長 {approver_id}（{approver.department}）は他の課（{member.department}）の職員に権限を付与できません。",
                code="out_of_scope",
            )
        units = {
            g.unit
            for g in approver.grants
            if g.role is Role.SUPERVISOR and g.in_force(utc(now), self.review_policy)
        }
        if None not in units and unit not in units:
            raise DomainError(
                f"所属長 {approver_id} が権限を付与できるのは {'・'.join(sorted(u for u in units if u))} の範囲のみです"
                "（--unit で係を指定してください）。",
                code="out_of_scope",
            )

    def _end_sessions_after_grant_change(
        self, member: StaffMember, ctx: CommandContext, now: datetime
    ) -> None:
        """A grant given or revoked ends the grantee's open sessions: they sign in again under the new grants."""
        for session_id, session in list(member.sessions.items()):
            if session.ended is None and member.end_session(
                session_id=session_id, cause=SessionEnd.GRANT_CHANGED, now=now, ctx=ctx
            ):
                self.activity.forget(session_id)
                log.info(
                    "staff.session_ended",
                    staff_id=member.staff_id,
                    session_id=session_id,
                    cause="grant_changed",
                )

    def revoke(
        self, *, staff_id: str, grant_number: int, reason: str, ctx: CommandContext, now: datetime
    ) -> bool:
        self._require_supervisor(ctx, now)
        member = self.get(staff_id)
        changed = member.revoke(number=grant_number, reason=reason, now=now, ctx=ctx)
        if changed:
            self._end_sessions_after_grant_change(member, ctx, now)
        self.app.save(member)
        if changed:
            log.info("staff.role_revoked", staff_id=staff_id, grant_number=grant_number, actor=ctx.actor)
        return changed

    def attest(
        self,
        *,
        staff_id: str,
        grant_numbers: Sequence[int] | None = None,
        ctx: CommandContext,
        now: datetime,
    ) -> list[int]:
        """定期見直し: the supervisor attests the given grants (default: every grant not revoked or expired).

        Returns the numbers newly attested in the current review cycle.
        """
        self._require_supervisor(ctx, now)
        member = self.get(staff_id)
        if grant_numbers is None:
            grant_numbers = [
                g.number
                for g in member.grants
                if g.status(utc(now), self.review_policy) not in (GrantStatus.REVOKED, GrantStatus.EXPIRED)
            ]
        attested = [
            n for n in grant_numbers if member.attest(number=n, now=now, review=self.review_policy, ctx=ctx)
        ]
        self.app.save(member)
        log.info("staff.grants_attested", staff_id=staff_id, grants=attested, actor=ctx.actor)
        return attested

    def unlock(self, *, staff_id: str, reason: str, ctx: CommandContext, now: datetime) -> bool:
        self._require_supervisor(ctx, now)
        member = self.get(staff_id)
        changed = member.unlock(reason=reason, ctx=ctx)
        self.app.save(member)
        if changed:
            log.info("staff.unlocked", staff_id=staff_id, actor=ctx.actor)
        return changed

    # -- sign-in and sessions --------------------------------------------------------------------

    def sign_in(
        self, *, staff_id: str, password: str, totp_code: str, terminal: str | None, now: datetime
    ) -> SignInResult:
        """Password + TOTP. Every outcome is recorded; a refusal raises ``DomainError`` after recording.

        The clerk sees one message for a wrong password or code (the event records which).
        """
        now = utc(now)
        key = token_hash(f"sign-in:{staff_id}")
        if (
            self.attempts.count_since(key, now - self.session_policy.attempt_window)
            >= self.session_policy.max_attempts
        ):
            log.warning("staff.sign_in_rate_limited", terminal=terminal)
            raise DomainError(
                "サインインの試行が多すぎます。しばらく待ってから再度お試しください。", code="rate_limited"
            )
        self.attempts.record(key, now)
        member = self._find(staff_id) if _plausible_staff_id(staff_id) else None
        if member is None:
            # No account to record on; the typed id is not logged (it may be a mistyped password).
            log.warning("staff.sign_in_unknown_account", terminal=terminal)
            raise DomainError(_REFUSED, code="sign_in_refused")
        attempt = CommandContext(
            actor=member.staff_id,
            purpose=Purpose.OPERATIONS,
            command_id=f"sign-in:{uuid.uuid4()}",
            terminal=terminal,
        )
        failure: SignInFailure | None = None
        step = -1
        if member.locked:
            failure = SignInFailure.LOCKED
        elif not self.hasher.verify(member.password_hash, password):
            failure = SignInFailure.WRONG_PASSWORD
        elif member.totp_secret is None:
            failure = SignInFailure.NO_SECOND_FACTOR
        else:
            matched = self.totp.verify(member.totp_secret, totp_code, now)
            if matched is None:
                failure = SignInFailure.WRONG_TOTP
            elif matched <= member.last_totp_step:
                failure = SignInFailure.TOTP_REPLAYED
            else:
                step = matched
        if failure is not None:
            locked_now = member.record_failure(
                failure=failure, now=now, policy=self.session_policy, terminal=terminal, ctx=attempt
            )
            self.app.save(member)
            log.warning(
                "staff.sign_in_failed",
                staff_id=member.staff_id,
                failure=failure.value,
                failures=member.failures,
                locked=member.locked,
                terminal=terminal,
            )
            if locked_now:
                log.warning("staff.locked_out", staff_id=member.staff_id, terminal=terminal)
            if member.locked:
                raise DomainError(_LOCKED, code="locked")
            if failure is SignInFailure.NO_SECOND_FACTOR:
                raise DomainError(
                    "二要素認証が登録されていません。所属長に登録を依頼してください。",
                    code="no_second_factor",
                )
            raise DomainError(_REFUSED, code="sign_in_refused")
        session_id = uuid.uuid4().hex
        token = f"{TOKEN_PREFIX}.{member.id.hex}.{session_id}.{secrets.token_urlsafe(32)}"
        session = member.record_sign_in(
            session_id=session_id,
            token_hash=token_hash(token),
            totp_step=step,
            now=now,
            policy=self.session_policy,
            terminal=terminal,
            ctx=attempt,
        )
        self.app.save(member)
        self.activity.touch(session_id, member.staff_id, now)
        log.info("staff.signed_in", staff_id=member.staff_id, session_id=session_id, terminal=terminal)
        return SignInResult(
            staff_id=member.staff_id, session_id=session_id, token=token, expires_at=session.expires_at
        )

    def _session(self, token: str, *, current: bool = False) -> tuple[StaffMember, str]:
        """The member and session id a token names. ``current``: the shared read-only copy (``CurrentMembers``),
        for checks that change nothing."""
        parts = token.strip().split(".")
        if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
            raise DomainError(_INVALID_SESSION, code="invalid_session")
        try:
            member_id = UUID(hex=parts[1])
        except ValueError:
            raise DomainError(_INVALID_SESSION, code="invalid_session") from None
        found: StaffMember | None
        if current:
            found = self.current.get(member_id)
        else:
            try:
                found = self.app.repository.get(member_id)
            except AggregateNotFoundError:
                found = None
        if found is None:
            raise DomainError(_INVALID_SESSION, code="invalid_session")
        member = found
        session = member.sessions.get(parts[2])
        if session is None or not hmac.compare_digest(session.token_hash, token_hash(token.strip())):
            raise DomainError(_INVALID_SESSION, code="invalid_session")
        return member, parts[2]

    def _system_ctx(self, member: StaffMember, label: str, terminal: str | None) -> CommandContext:
        return CommandContext(
            actor=member.staff_id,
            purpose=Purpose.OPERATIONS,
            command_id=f"{label}:{uuid.uuid4()}",
            terminal=terminal,
        )

    def check_session(self, token: str, now: datetime, *, record: bool = True) -> Principal:
        """The principal of a live session, or ``DomainError`` (expired, idle, signed out, locked).

        An expired or idle session is recorded as ended (``SignedOut`` with the cause) the first time it
        is presented. A live session's activity is touched. ``record=False`` (a read-only replica,
        縮退運用) checks without writing anything.
        """
        now = utc(now)
        member, session_id = self._session(token, current=True)
        session = member.sessions[session_id]
        ended = session_state(session, self.activity.last_seen(session_id), now, self.session_policy)
        if ended is not None:
            if session.ended is None and record:
                member = self.app.repository.get(
                    member.id
                )  # a fresh copy to change (the cached one is shared)
                member.end_session(
                    session_id=session_id,
                    cause=ended,
                    now=now,
                    ctx=self._system_ctx(member, f"session-{ended.value}", session.terminal),
                )
                self.app.save(member)
                self.activity.forget(session_id)
                log.info(
                    "staff.session_ended", staff_id=member.staff_id, session_id=session_id, cause=ended.value
                )
            messages = {
                SessionEnd.EXPIRED: "セッションの有効期限が切れました。再度サインインしてください。",
                SessionEnd.IDLE: "一定時間操作がなかったため、セッションが終了しました。再度サインインしてください。",
                SessionEnd.SIGNED_OUT: "このセッションはサインアウト済みです。",
                SessionEnd.GRANT_CHANGED: "権限が変更されたため、セッションが終了しました。再度サインインしてください。",
            }
            raise DomainError(messages[ended], code=f"session_{ended.value}")
        if member.locked:
            raise DomainError(_LOCKED, code="locked")
        if record:
            self.activity.touch(session_id, member.staff_id, now)
        return Principal(
            staff_id=member.staff_id,
            grants=member.grants,
            break_glass=member.break_glass,
            authenticated=True,
            session_id=session_id,
            terminal=session.terminal,
            locked=member.locked,
        )

    def sign_out(self, token: str, now: datetime) -> bool:
        """サインアウト. False if the session had already ended."""
        member, session_id = self._session(token)
        session = member.sessions[session_id]
        changed = member.end_session(
            session_id=session_id,
            cause=SessionEnd.SIGNED_OUT,
            now=now,
            ctx=self._system_ctx(member, "sign-out", session.terminal),
        )
        if changed:
            self.app.save(member)
            log.info("staff.signed_out", staff_id=member.staff_id, session_id=session_id)
        self.activity.forget(session_id)
        return changed

    # -- break-glass -----------------------------------------------------------------------------

    def break_glass(
        self, *, principal: Principal, role: Role, reason: str, duration: timedelta, now: datetime
    ) -> BreakGlass:
        """緊急時アクセス: a time-boxed grant for the signed-in principal, recorded (the alert) at once.

        It never lifts a legal prohibition: the policy refuses My Number and provision actions on a
        break-glass basis (rule F-BREAKGLASS-LEGAL), and only 課税・収納・窓口 can be opened.
        """
        if not principal.authenticated:
            raise DomainError(
                "緊急時アクセスには二要素認証によるサインインが必要です。", code="not_authenticated"
            )
        now = utc(now)
        member = self.get(principal.staff_id)
        opened = member.open_break_glass(
            role=role,
            reason=reason,
            now=now,
            until=now + duration,
            policy=self.session_policy,
            terminal=principal.terminal,
            ctx=self._system_ctx(member, "break-glass", principal.terminal),
        )
        self.app.save(member)
        # The alert: the event above is the record; this line reaches the operators' log alerting.
        log.warning(
            "staff.break_glass_opened",
            staff_id=member.staff_id,
            role=role.name,
            break_glass_number=opened.number,
            expires_at=opened.expires_at.isoformat(),
            terminal=principal.terminal,
        )
        return opened

    def review_break_glass(
        self,
        *,
        staff_id: str,
        number: int,
        appropriate: bool,
        note: str,
        ctx: CommandContext,
        now: datetime,
    ) -> bool:
        """Mandatory post-hoc review of a break-glass grant by a supervisor other than its user."""
        self._require_supervisor(ctx, now)
        member = self.get(staff_id)
        changed = member.review_break_glass(
            number=number, appropriate=appropriate, note=note, now=now, ctx=ctx
        )
        self.app.save(member)
        if changed:
            log.info(
                "staff.break_glass_reviewed",
                staff_id=staff_id,
                break_glass_number=number,
                appropriate=appropriate,
                actor=ctx.actor,
            )
        return changed

    # -- job credentials (unattended batches) ----------------------------------------------------

    def issue_job_credential(
        self, *, job_id: str, roles: Sequence[Role], valid_to: date, ctx: CommandContext, now: datetime
    ) -> str:
        """バッチ用資格情報の発行 by a 所属長 in force. Returns the secret — once; only its hash is stored."""
        now = utc(now)
        self._require_supervisor(ctx, now)
        job_id = job_id.strip()
        if self._find(job_id) is not None:
            raise DomainError(
                f"{job_id} は職員IDとして登録済みです。別のジョブIDを指定してください。", code="job_id_taken"
            )
        secret = f"{JOB_TOKEN_PREFIX}.{job_id}.{secrets.token_urlsafe(32)}"
        existing = self._find_job(job_id)
        if existing is None:
            credential = JobCredential.issue(
                job_id=job_id,
                roles=tuple(dict.fromkeys(roles)),
                valid_to=valid_to,
                secret_hash=token_hash(secret),
                now=now,
                ctx=ctx,
            )
        else:
            credential = existing
            credential.reissue(
                roles=tuple(dict.fromkeys(roles)),
                valid_to=valid_to,
                secret_hash=token_hash(secret),
                now=now,
                ctx=ctx,
            )
        self.app.save(credential)
        log.info("staff.job_credential_issued", job_id=job_id, actor=ctx.actor)
        return secret

    def revoke_job_credential(self, *, job_id: str, reason: str, ctx: CommandContext, now: datetime) -> bool:
        self._require_supervisor(ctx, now)
        credential = self._find_job(job_id.strip())
        if credential is None:
            raise DomainError(f"ジョブID {job_id} の資格情報はありません。", code="unknown_job")
        changed = credential.revoke(reason=reason, now=now, ctx=ctx)
        if changed:
            self.app.save(credential)
            log.info("staff.job_credential_revoked", job_id=credential.job_id, actor=ctx.actor)
        return changed

    def _find_job(self, job_id: str) -> JobCredential | None:
        credential: JobCredential | None = self.app.find(job_credential_id(job_id))
        return credential

    def check_job_credential(self, secret: str, now: datetime) -> JobCredential:
        """The credential of ``secret`` if it is in force, else ``DomainError`` (unknown, revoked, expired)."""
        parts = secret.strip().split(".")
        refused = DomainError(
            "バッチ用資格情報が無効です（取消・期限切れ・不一致）。", code="invalid_job_credential"
        )
        if len(parts) != 3 or parts[0] != JOB_TOKEN_PREFIX:
            raise refused
        credential = self._find_job(parts[1])
        if credential is None or not hmac.compare_digest(credential.secret_hash, token_hash(secret.strip())):
            raise refused
        if not credential.in_force(now):
            log.warning(
                "staff.job_credential_refused", job_id=credential.job_id, status=credential.status(now)
            )
            raise refused
        return credential

    def job_credentials(self) -> list[JobCredential]:
        """Every job credential ever issued, in issue order."""
        return [self.app.repository.get(i) for i in self.app.originator_ids(JobCredential.Issued.TOPIC)]

    def policy_principal(self, actor: str, kind: str, now: datetime, *, terminal: str | None) -> Principal:
        """The policy's view of a verified bus principal: its grants as they are *now* (so a revoked or
        expired grant or credential stops at the next request). Unknown kinds are unauthenticated.

        ``development`` (an HTTP development token, ``JUMINZEI_API_TOKENS``, accepted only when the process
        opted in with ``JUMINZEI_ALLOW_DEV_TOKENS``; ADR 0023) is decided like the enrolled staff member the
        token names: the token stands in for the sign-in, never for grants. A token naming nobody enrolled
        is unauthenticated."""
        now = utc(now)
        if kind in ("staff", "development"):
            member = self.current.get(staff_member_id(actor))
            if member is None:
                return Principal(staff_id=actor, terminal=terminal)
            return Principal(
                staff_id=member.staff_id,
                grants=member.grants,
                break_glass=member.break_glass,
                authenticated=True,
                terminal=terminal,
                locked=member.locked,
            )
        if kind == "job":
            credential = self._find_job(actor)
            if credential is None or not credential.in_force(now):
                return Principal(staff_id=actor, terminal=terminal)
            today = jst_date(now)
            grants = tuple(
                Grant(
                    number=i + 1,
                    role=role,
                    unit=None,
                    valid_from=today,
                    valid_to=credential.valid_to,
                    approved_by=credential.issued_by,
                    approved_on=today,
                    temporary=False,
                    reason=None,
                )
                for i, role in enumerate(credential.roles)
            )
            return Principal(staff_id=actor, grants=grants, authenticated=True, terminal=terminal)
        return Principal(staff_id=actor, terminal=terminal)

    # -- access review and authorization ---------------------------------------------------------

    def review(self, now: datetime) -> AccessReview:
        """Every grant of every staff member with its status at ``now``; break-glass awaiting review."""
        now = utc(now)
        today = jst_date(now)
        rows: list[GrantRow] = []
        pending: list[BreakGlassRow] = []
        for member in self.members():
            for g in member.grants:
                rows.append(
                    GrantRow(
                        staff_id=member.staff_id,
                        department=member.department,
                        grant_number=g.number,
                        role=g.role,
                        unit=g.unit,
                        valid_from=g.valid_from.isoformat(),
                        valid_to=g.valid_to.isoformat(),
                        approved_by=g.approved_by,
                        temporary=g.temporary,
                        bootstrap=g.bootstrap,
                        last_attested_on=g.last_attested_on.isoformat() if g.last_attested_on else None,
                        status=g.status(now, self.review_policy),
                        hours=g.hours,
                        terminals=g.terminals,
                    )
                )
            for b in member.break_glass:
                if b.awaiting_review:
                    pending.append(
                        BreakGlassRow(
                            staff_id=member.staff_id,
                            number=b.number,
                            role=b.role,
                            opened_at=b.opened_at,
                            expires_at=b.expires_at,
                            in_force=b.in_force(now),
                            awaiting_review=True,
                        )
                    )
        return AccessReview(
            as_of=now,
            cycle_start=self.review_policy.cycle_start(today).isoformat(),
            due_date=self.review_policy.due_date(today).isoformat(),
            grants=tuple(rows),
            break_glass_pending=tuple(pending),
            job_credentials=tuple(
                JobCredentialRow(
                    job_id=j.job_id,
                    roles=j.roles,
                    valid_to=j.valid_to.isoformat(),
                    issued_by=j.issued_by,
                    status=j.status(now),
                    revoked_by=j.revoked_by,
                )
                for j in self.job_credentials()
            ),
        )

    def is_designated(self, staff_id: str, now: datetime) -> bool:
        """Whether ``staff_id`` holds a 個人番号利用事務実施者 grant in force at ``now`` (unknown staff: no)."""
        member = self._find(staff_id)
        if member is None:
            return False
        return any(
            g.role is Role.INDIVIDUAL_NUMBER and g.in_force(utc(now), self.review_policy)
            for g in member.grants
        )

    def authorize(
        self,
        principal: Principal,
        action: str,
        resource: Resource,
        purpose: Purpose,
        now: datetime,
        *,
        provision_basis_allowed: bool = False,
    ) -> Decision:
        """The policy decision for (principal, action, resource, purpose, context). Record ``decision_id``."""
        decision = decide(
            AccessRequest(
                principal=principal,
                action=action,
                resource=resource,
                purpose=purpose,
                now=utc(now),
                provision_basis_allowed=provision_basis_allowed,
                review=self.review_policy,
            ),
            decision_id=str(uuid.uuid4()),
        )
        log.info(
            "access.decision",
            decision_id=decision.decision_id,
            staff_id=principal.staff_id,
            action=action,
            purpose=purpose.name,
            allowed=decision.allowed,
            rules=list(decision.matched_rules),
        )
        return decision


def _plausible_staff_id(staff_id: str) -> bool:
    return 2 <= len(staff_id) <= 32 and staff_id.isascii() and staff_id.strip() == staff_id


def _check_password(password: str, staff_id: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"パスワードは{MIN_PASSWORD_LENGTH}文字以上で指定してください。", code="weak_password"
        )
    if staff_id.lower() in password.lower():
        raise DomainError("パスワードに職員IDを含めることはできません。", code="weak_password")
