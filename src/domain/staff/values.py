"""Staff value objects and pure rules: roles, grants, review cycles, sessions (DESIGN §4 StaffMember).

Seed: 特定個人情報保護評価書 III-3 (ユーザ認証, アクセス権限の発効・失効の管理); PPC guideline 別添
安全管理措置 (技術的: アクセス制御, アクセス者の識別と認証); shared/reference/audit-security.md §4–§5.

Every clock value is passed in. Legal dates (valid-from/to, review cycles, the 年度) are Japan dates
(Asia/Tokyo, a fixed +09:00 offset: Japan has no daylight saving), computed from UTC instants here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import Enum

from domain.shared.enums import ClosedList

JST = timezone(timedelta(hours=9), "JST")


def jst_date(instant: datetime) -> date:
    """The Japan calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant (UTC)")
    return instant.astimezone(JST).date()


def fiscal_year_of(day: date) -> int:
    """年度 of a date (April to March)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(day: date) -> date:
    """3月31日 closing the 年度 of ``day`` — the 人事異動 date after which grants expire by default."""
    return date(fiscal_year_of(day) + 1, 3, 31)


class Role(ClosedList):
    """Roles per 課・係, plus the 個人番号利用事務実施者 designation and 所属長 (approver).

    Values are the Japanese names clerks and supervisors see.
    """

    __label__ = "役割"

    TAXATION = "課税"
    COLLECTION = "収納"
    COUNTER = "窓口"
    INSPECTOR = "監査"
    OPERATIONS = "運用"
    SUPERVISOR = "所属長"
    INDIVIDUAL_NUMBER = "個人番号利用事務実施者"
    #: 委託先の従事者 (seed II-4 委託事項1/2, III-4): only the work handed over under a contract in force.
    CONTRACTOR_DATA_ENTRY = "委託データエントリー"
    CONTRACTOR_PRINT = "委託印刷"


#: Roles a break-glass grant may open: operational gaps only — never the designation, never 所属長,
#: never 監査/運用 (reference §5: break-glass cannot override a legal forbid).
BREAK_GLASS_ROLES: frozenset[Role] = frozenset({Role.TAXATION, Role.COLLECTION, Role.COUNTER})

#: Roles of contractors' staff (委託先従事者): they may perform contract actions (``contract.*``) only.
CONTRACTOR_ROLES: frozenset[Role] = frozenset({Role.CONTRACTOR_DATA_ENTRY, Role.CONTRACTOR_PRINT})


class SignInFailure(Enum):
    """Why a sign-in attempt failed (recorded in the event; the clerk sees one generic message)."""

    WRONG_PASSWORD = "wrong_password"
    WRONG_TOTP = "wrong_totp"
    TOTP_REPLAYED = "totp_replayed"
    NO_SECOND_FACTOR = "no_second_factor"
    LOCKED = "locked"


class SessionEnd(Enum):
    """How a session ended."""

    SIGNED_OUT = "signed_out"
    EXPIRED = "expired"
    IDLE = "idle"
    #: A grant of the account was given or revoked: its sessions end, the person signs in again.
    GRANT_CHANGED = "grant_changed"


class GrantStatus(Enum):
    """Status of a grant at an instant, as the access review lists it."""

    VALID = "valid"
    NOT_YET_VALID = "not-yet-valid"
    EXPIRED = "expired"
    LAPSED_UNATTESTED = "lapsed-unattested"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ReviewPolicy:
    """Periodic access review (定期見直し): quarterly cycles starting 4/1, 7/1, 10/1 and 1/1.

    Each cycle's attestations are due ``grace_days`` after the cycle starts. Until then an attestation
    (or approval) from the previous cycle keeps a grant in force; from the due date on, a grant not
    approved or attested since the current cycle started has lapsed (失効扱い) until a supervisor
    attests it.
    """

    cycle_months: int = 3
    grace_days: int = 30

    def __post_init__(self) -> None:
        if self.cycle_months not in (1, 2, 3, 4, 6, 12):
            raise ValueError("cycle_months must divide 12")
        if self.grace_days < 0:
            raise ValueError("grace_days must not be negative")

    def cycle_start(self, day: date) -> date:
        """First day of the review cycle containing ``day`` (cycles aligned to the 年度, 4/1)."""
        months_into_year = (day.month - 4) % 12
        start_offset = months_into_year - months_into_year % self.cycle_months
        month = (3 + start_offset) % 12 + 1
        year = day.year if month <= day.month else day.year - 1
        return date(year, month, 1)

    def previous_cycle_start(self, day: date) -> date:
        return self.cycle_start(self.cycle_start(day) - timedelta(days=1))

    def due_date(self, day: date) -> date:
        """When attestations for the cycle containing ``day`` are due."""
        return self.cycle_start(day) + timedelta(days=self.grace_days)

    def required_since(self, day: date) -> date:
        """A grant must have been approved or attested on or after this date to be in force on ``day``."""
        if day >= self.due_date(day):
            return self.cycle_start(day)
        return self.previous_cycle_start(day)


@dataclass(frozen=True)
class Grant:
    """A role grant (権限付与): role, 係, validity, approver, attestations, revocation."""

    number: int
    role: Role
    unit: str | None
    valid_from: date
    valid_to: date
    approved_by: str
    approved_on: date
    temporary: bool
    reason: str | None
    bootstrap: bool = False
    last_attested_on: date | None = None
    last_attested_by: str | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    #: 利用時間帯 (Japan time, ``HH:MM-HH:MM``): outside it the grant does not permit anything.
    hours: str | None = None
    #: 端末の限定: when set, the grant permits only on these terminals.
    terminals: tuple[str, ...] = ()

    def usable(self, now: datetime, terminal: str | None) -> bool:
        """Within its hours of use (JST) and on one of its terminals (when it names any)."""
        if self.terminals and terminal not in self.terminals:
            return False
        if self.hours is None:
            return True
        start, end = parse_hours(self.hours)
        moment = utc(now).astimezone(JST).time()
        return start <= moment < end

    def status(self, now: datetime, review: ReviewPolicy) -> GrantStatus:
        today = jst_date(now)
        if self.revoked_at is not None and self.revoked_at <= now:
            return GrantStatus.REVOKED
        if today > self.valid_to:
            return GrantStatus.EXPIRED
        if today < self.valid_from:
            return GrantStatus.NOT_YET_VALID
        reviewed_on = max(self.approved_on, self.last_attested_on or self.approved_on)
        if reviewed_on < review.required_since(today):
            return GrantStatus.LAPSED_UNATTESTED
        return GrantStatus.VALID

    def in_force(self, now: datetime, review: ReviewPolicy) -> bool:
        return self.status(now, review) is GrantStatus.VALID

    def attested(self, on: date, by: str) -> Grant:
        return replace(self, last_attested_on=on, last_attested_by=by)

    def revoked(self, at: datetime, by: str) -> Grant:
        return replace(self, revoked_at=at, revoked_by=by)


@dataclass(frozen=True)
class BreakGlass:
    """A time-boxed emergency grant (緊急時アクセス): reason, window, mandatory post-hoc review."""

    number: int
    role: Role
    reason: str
    opened_at: datetime
    expires_at: datetime
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    appropriate: bool | None = None

    def in_force(self, now: datetime) -> bool:
        return self.opened_at <= now < self.expires_at

    @property
    def awaiting_review(self) -> bool:
        return self.reviewed_by is None


@dataclass(frozen=True)
class SessionPolicy:
    """Sign-in rules: lockout threshold, absolute session lifetime, idle timeout, break-glass limit."""

    max_failures: int = 5
    #: Rate limit: at most this many sign-in attempts per 職員ID within ``attempt_window`` (any outcome).
    max_attempts: int = 10
    attempt_window: timedelta = timedelta(minutes=5)
    session_lifetime: timedelta = timedelta(hours=8)
    idle_timeout: timedelta = timedelta(minutes=30)
    break_glass_max: timedelta = timedelta(hours=4)

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if self.idle_timeout <= timedelta(0) or self.session_lifetime <= timedelta(0):
            raise ValueError("session lifetime and idle timeout must be positive")


@dataclass(frozen=True)
class Session:
    """A signed-in session. Only the SHA-256 of the token is kept, never the token."""

    session_id: str
    token_hash: str
    signed_in_at: datetime
    expires_at: datetime
    terminal: str | None
    ended: SessionEnd | None = None


def session_state(
    session: Session, last_activity: datetime | None, now: datetime, policy: SessionPolicy
) -> SessionEnd | None:
    """Why the session is over at ``now`` (None: still live). Pure: the caller supplies last activity."""
    if session.ended is not None:
        return session.ended
    if now >= session.expires_at:
        return SessionEnd.EXPIRED
    last = max(session.signed_in_at, last_activity) if last_activity else session.signed_in_at
    if now - last >= policy.idle_timeout:
        return SessionEnd.IDLE
    return None


def parse_hours(text: str) -> tuple[time, time]:
    """``"08:30-18:15"`` → (08:30, 18:15); the start must be before the end (same day, Japan time)."""
    try:
        first, second = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(first), time.fromisoformat(second)
    except ValueError:
        raise ValueError(f"利用時間帯は HH:MM-HH:MM 形式で指定してください（指定値: {text!r}）。") from None
    if not start < end:
        raise ValueError(f"利用時間帯の開始は終了より前にしてください（指定値: {text!r}）。")
    return start, end


def utc(instant: datetime) -> datetime:
    """Normalise an aware instant to UTC."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant (UTC)")
    return instant.astimezone(UTC)
