"""Event conventions, defined once (DESIGN §4, ADR 0003).

Every domain event says who (``actor``), why (``purpose``), from which command (``command_id``, also the
idempotency and correlation key) and from which source document (``source_ref``, where one exists).
Topics are explicit and stable (``juminzei.<context>.<Name>``), never module paths, so classes can move.
Fields that hold personal data are listed in ``PERSONAL_FIELDS``; the persistence mapper encrypts them with
the data key of ``personal_subject()`` before anything is stored (DESIGN §6).
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.shared.purpose import Purpose


class DomainError(Exception):
    """A command was refused by a business rule. ``message`` is Japanese text for a clerk."""

    def __init__(self, message: str, *, code: str = "domain_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CommandContext:
    """Who issues a command, why, and under which idempotency key (操作者・利用目的・コマンドID)."""

    actor: str
    purpose: Purpose
    command_id: str
    source_ref: str | None = None
    terminal: str | None = None

    def __post_init__(self) -> None:
        if not self.actor.strip():
            raise DomainError(
                "操作者が指定されていません（匿名の操作はできません）。", code="anonymous_actor"
            )
        if not self.command_id.strip():
            raise DomainError("コマンドIDが指定されていません。", code="missing_command_id")

    def event_fields(self) -> dict[str, Any]:
        """The metadata every event carries, as keyword arguments for ``trigger_event``."""
        return {
            "actor": self.actor,
            "purpose": self.purpose,
            "command_id": self.command_id,
            "source_ref": self.source_ref,
        }

    def derive(self, suffix: str) -> "CommandContext":
        """A child context for one step of a batch command (same actor and purpose)."""
        return CommandContext(
            actor=self.actor,
            purpose=self.purpose,
            command_id=f"{self.command_id}/{suffix}",
            source_ref=self.source_ref,
            terminal=self.terminal,
        )


class AuditedEvent(Aggregate.Event):
    """Base class of every juminzei event: metadata fields plus the personal-data declaration."""

    actor: str
    purpose: Purpose
    command_id: str
    source_ref: str | None

    #: Names of fields holding personal data (氏名, カナ, 住所, 生年月日, 口座, 自由記述 …).
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    def personal_subject(self) -> str:
        """Key id of the data key that encrypts this event's personal fields.

        Default: the taxpayer identity key ``taxpayer:<originator id>``. Year-specific details override
        this with ``taxpayer:<id>:<年度>`` so that one year can be erased without the others.
        """
        return f"taxpayer:{self.originator_id}"


class AuditedCreated(AuditedEvent, Aggregate.Created):
    """Base class of every juminzei "created" event."""
