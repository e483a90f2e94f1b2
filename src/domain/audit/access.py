"""Access journal (使用の記録): one record per read of personal data.

Seed: 特定個人情報保護評価書 III-3 リスク2 (使用の記録: 誰が・いつ・何を・何のために), DESIGN §7.
Each read gets its own one-event aggregate, keyed by the query id, so concurrent reads never contend
and a retried query records once. The record holds no personal values: subjects are taxpayer ids,
criteria are the names of the search fields, items are the names of the fields returned.
"""

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.shared.events import AuditedCreated, AuditedEvent, CommandContext, DomainError
from domain.shared.ids import deterministic_id


class AccessRecord(Aggregate):
    """個人情報の照会記録."""

    TOPIC = "juminzei.audit.AccessRecord"

    class Event(AuditedEvent):
        pass

    class Created(Event, AuditedCreated):
        TOPIC = "juminzei.audit.AccessRecord.Created"

    class PersonalDataViewed(Created):
        """個人情報照会: who (actor, terminal) saw which subjects' which items, why, by which criteria."""

        TOPIC = "juminzei.audit.PersonalDataViewed"
        action: str
        subject_ids: tuple[UUID, ...]
        items: tuple[str, ...]
        criteria: tuple[str, ...]
        terminal: str | None

    class AccessDenied(Created):
        """アクセス拒否: the policy refused ``actor`` the action; nothing was read or changed.

        Journaled like a read (``audit access`` shows it) with the decision id and the rules that decided.
        """

        TOPIC = "juminzei.audit.AccessDenied"
        action: str
        decision_id: str
        rules: tuple[str, ...]
        terminal: str | None

    def __init__(
        self,
        action: str,
        terminal: str | None,
        subject_ids: tuple[UUID, ...] = (),
        items: tuple[str, ...] = (),
        criteria: tuple[str, ...] = (),
        decision_id: str | None = None,
        rules: tuple[str, ...] = (),
        **_metadata: object,
    ) -> None:
        self.action = action
        self.subject_ids = subject_ids
        self.items = items
        self.criteria = criteria
        self.terminal = terminal
        self.decision_id = decision_id
        self.rules = rules

    @classmethod
    def record_view(
        cls,
        *,
        action: str,
        subject_ids: tuple[UUID, ...],
        items: tuple[str, ...],
        criteria: tuple[str, ...],
        ctx: CommandContext,
    ) -> "AccessRecord":
        """Create the journal entry for one read. ``ctx.command_id`` is the query id."""
        if not action:
            raise DomainError("照会の種別が空です。", code="missing_action")
        return cls._create(
            cls.PersonalDataViewed,
            id=deterministic_id("access", ctx.command_id),
            action=action,
            subject_ids=subject_ids,
            items=items,
            criteria=criteria,
            terminal=ctx.terminal,
            **ctx.event_fields(),
        )

    @classmethod
    def record_denial(
        cls, *, action: str, decision_id: str, rules: tuple[str, ...], ctx: CommandContext
    ) -> "AccessRecord":
        """Journal a refusal by the access policy (keyed by the decision id)."""
        return cls._create(
            cls.AccessDenied,
            id=deterministic_id("access-denied", decision_id),
            action=action,
            decision_id=decision_id,
            rules=rules,
            terminal=ctx.terminal,
            **ctx.event_fields(),
        )
