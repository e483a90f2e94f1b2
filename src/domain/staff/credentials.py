"""JobCredential aggregate (バッチ用資格情報): the identity of an unattended batch (cron, the worker).

A 所属長 signed in with two factors issues a credential for one job id with the roles it needs and an end
date; the secret is handed over once (a file, mode 0600) and only its SHA-256 is stored. Every use runs
as ``job:<job id>`` with the issuing supervisor recorded beside it; a revoked or expired credential is
refused at its next use (ADR 0023).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id
from domain.staff.model import validate_staff_id
from domain.staff.values import CONTRACTOR_ROLES, Role, jst_date, utc

#: Roles a batch may never hold: approving grants and inspecting are personal acts.
FORBIDDEN_JOB_ROLES = frozenset({Role.SUPERVISOR, Role.INSPECTOR}) | CONTRACTOR_ROLES


def job_credential_id(job_id: str) -> UUID:
    return deterministic_id("job-credential", job_id)


class JobCredential(Aggregate):
    """One batch job's credential: roles, validity, issuer, the secret's hash, revocation."""

    TOPIC = "juminzei.staff.JobCredential"

    class Event(AuditedEvent):
        def personal_subject(self) -> str:
            return f"job:{self.originator_id}"

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.staff.JobCredential.Created"

    class Issued(Created):
        """バッチ用資格情報の発行 by a signed-in 所属長 (``actor``)."""

        TOPIC = "juminzei.staff.JobCredentialIssued"
        job_id: str
        roles: tuple[Role, ...]
        valid_to: date
        secret_hash: str
        issued_by: str

    class Reissued(Event):
        """A new secret and validity for the same job id (the old secret stops working)."""

        TOPIC = "juminzei.staff.JobCredentialReissued"
        roles: tuple[Role, ...]
        valid_to: date
        secret_hash: str
        issued_by: str

        def apply(self, aggregate: JobCredential) -> None:
            aggregate.roles = self.roles
            aggregate.valid_to = self.valid_to
            aggregate.secret_hash = self.secret_hash
            aggregate.issued_by = self.issued_by
            aggregate.revoked_at = None
            aggregate.revoked_by = None

    class Revoked(Event):
        """バッチ用資格情報の取消 (effective at the next use)."""

        TOPIC = "juminzei.staff.JobCredentialRevoked"
        PERSONAL_FIELDS = ("reason",)
        revoked_at: datetime
        reason: str

        def apply(self, aggregate: JobCredential) -> None:
            aggregate.revoked_at = self.revoked_at
            aggregate.revoked_by = self.actor

    def __init__(
        self,
        job_id: str,
        roles: tuple[Role, ...],
        valid_to: date,
        secret_hash: str,
        issued_by: str,
        **_metadata: Any,
    ) -> None:
        self.job_id = job_id
        self.roles = tuple(roles)
        self.valid_to = valid_to
        self.secret_hash = secret_hash
        self.issued_by = issued_by
        self.revoked_at: datetime | None = None
        self.revoked_by: str | None = None

    @staticmethod
    def _check(job_id: str, roles: tuple[Role, ...], valid_to: date, now: datetime) -> None:
        validate_staff_id(job_id)
        if not roles:
            raise DomainError("バッチ用資格情報には役割を1つ以上指定してください。", code="missing_role")
        refused = sorted(r.value for r in roles if r in FORBIDDEN_JOB_ROLES)
        if refused:
            raise DomainError(
                f"バッチ用資格情報には付与できない役割です: {'・'.join(refused)}", code="job_role_refused"
            )
        if valid_to < jst_date(utc(now)):
            raise DomainError("有効期限が過去の日付です。", code="invalid_validity")

    @classmethod
    def issue(
        cls,
        *,
        job_id: str,
        roles: tuple[Role, ...],
        valid_to: date,
        secret_hash: str,
        now: datetime,
        ctx: CommandContext,
    ) -> JobCredential:
        cls._check(job_id, roles, valid_to, now)
        return cls._create(
            cls.Issued,
            id=job_credential_id(job_id),
            job_id=job_id,
            roles=tuple(roles),
            valid_to=valid_to,
            secret_hash=secret_hash,
            issued_by=ctx.actor,
            **ctx.event_fields(),
        )

    def reissue(
        self,
        *,
        roles: tuple[Role, ...],
        valid_to: date,
        secret_hash: str,
        now: datetime,
        ctx: CommandContext,
    ) -> None:
        self._check(self.job_id, roles, valid_to, now)
        self.trigger_event(
            self.Reissued,
            roles=tuple(roles),
            valid_to=valid_to,
            secret_hash=secret_hash,
            issued_by=ctx.actor,
            **ctx.event_fields(),
        )

    def revoke(self, *, reason: str, now: datetime, ctx: CommandContext) -> bool:
        if self.revoked_at is not None:
            return False
        if not reason.strip():
            raise DomainError("取消理由を入力してください。", code="missing_reason")
        self.trigger_event(self.Revoked, revoked_at=utc(now), reason=reason.strip(), **ctx.event_fields())
        return True

    def in_force(self, now: datetime) -> bool:
        return self.revoked_at is None and jst_date(utc(now)) <= self.valid_to

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "取消済み"
        return "有効" if self.in_force(now) else "期限切れ"
