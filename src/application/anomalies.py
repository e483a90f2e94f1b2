"""自己点検: the access-anomaly report and the 所属長's review of its findings (seed III-3 リスク3, IV-1).

``AnomalyService.report`` reads the access journal of a period (plus a look-back window for baselines)
and the staff registry, runs the pure rules of ``domain.audit.anomalies`` and attaches to each finding
the reviews recorded so far. The report is itself a read of the journal, so it is journaled (purpose
監査) before anything is returned. ``review`` records a supervisor's outcome as an event on the
finding's ``AnomalyReview`` aggregate, after re-deriving the finding from the journal (a review of a
finding that does not exist is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from eventsourcing.application import AggregateNotFoundError

from application.app import JuminzeiApplication
from application.read_rows import AccessRow
from application.staff import StaffService
from domain.audit.access import AccessRecord
from domain.audit.anomalies import (
    JST,
    REVIEW_OUTCOMES,
    RULES,
    AccessEntry,
    AnomalyThresholds,
    Finding,
    StaffFacts,
    analyse,
    daily_distinct,
    finding_day,
)
from domain.audit.anomaly_review import AnomalyReview, anomaly_review_id
from domain.shared.events import CommandContext, DomainError
from domain.staff.values import Role, utc

#: Longest period one report may cover (a 年度 and a little): keeps a run's memory bounded.
MAX_PERIOD_DAYS = 400


class AccessJournalReader(Protocol):
    """The access journal read model by time (``projections.access_log.SqlAccessLog``)."""

    def between(self, start_at: str, end_at: str) -> list[AccessRow]: ...


def _instant(day: date) -> str:
    """00:00 JST of ``day`` as an ISO UTC instant, the journal's own format."""
    return datetime.combine(day, time(0), JST).astimezone(UTC).isoformat()


def _entries(rows: list[AccessRow]) -> list[AccessEntry]:
    return [
        AccessEntry(
            record_id=str(r["record_id"]),
            subject_id=None if r["subject_id"] in (None, "", "-") else str(r["subject_id"]),
            at=datetime.fromisoformat(str(r["at"])),
            actor=str(r["actor"]),
            action=str(r["action"]),
            purpose=str(r["purpose"]),
            items=str(r["items"] or ""),
        )
        for r in rows
    ]


class AnomalyService:
    """アクセス記録の分析（自己点検）と点検結果の記録."""

    def __init__(
        self,
        app: JuminzeiApplication,
        journal: AccessJournalReader,
        staff: StaffService,
        is_closed_day: Callable[[date], bool],
        thresholds: AnomalyThresholds | None = None,
    ) -> None:
        self.app = app
        self.journal = journal
        self.staff = staff
        self.is_closed_day = is_closed_day
        self.thresholds = thresholds or AnomalyThresholds()

    def _staff_facts(self) -> dict[str, StaffFacts]:
        return {
            m.staff_id: StaffFacts(
                staff_id=m.staff_id, department=m.department, grants=m.grants, break_glass=m.break_glass
            )
            for m in self.staff.members()
        }

    def _findings(self, start: date, end: date) -> tuple[list[Finding], list[AccessEntry]]:
        history_start = start - timedelta(days=self.thresholds.history_days)
        history = _entries(self.journal.between(_instant(history_start), _instant(start)))
        period = _entries(self.journal.between(_instant(start), _instant(end + timedelta(days=1))))
        findings = analyse(
            period=period,
            history=history,
            start=start,
            end=end,
            staff=self._staff_facts(),
            is_closed_day=self.is_closed_day,
            thresholds=self.thresholds,
            review=self.staff.review_policy,
        )
        return findings, period

    def _reviews(self, finding_id: str) -> list[dict[str, str]]:
        aggregate: AnomalyReview | None = self.app.find(anomaly_review_id(finding_id))
        return list(aggregate.reviews) if aggregate is not None else []

    def report(self, start: date, end: date, ctx: CommandContext, *, now: datetime) -> dict[str, Any]:
        """The 自己点検 report for JST days ``start``..``end``: findings with evidence and reviews."""
        if end < start:
            raise DomainError("期間の終了日が開始日より前です。", code="invalid_period")
        if (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise DomainError(f"期間は{MAX_PERIOD_DAYS}日以内で指定してください。", code="invalid_period")
        self.app.save(
            AccessRecord.record_view(
                action="audit.anomalies",
                subject_ids=(),
                items=("使用の記録",),
                criteria=("from", "to"),
                ctx=ctx,
            )
        )
        findings, period = self._findings(start, end)
        rows = []
        for f in findings:
            reviews = self._reviews(f.finding_id)
            rows.append(
                {
                    **asdict(f),
                    "day": f.day.isoformat(),
                    "review_outcome": reviews[-1]["outcome"] if reviews else None,
                    "reviews": reviews,
                }
            )
        by_rule = {rule: sum(1 for f in findings if f.rule == rule) for rule in RULES}
        volume = [
            (len(subjects), day, actor)
            for (actor, day), subjects in daily_distinct(period).items()
            if start <= day <= end
        ]
        daily = [
            {"staff_id": actor, "day": day.isoformat(), "distinct_residents": count}
            for count, day, actor in sorted(volume, key=lambda v: (-v[0], v[1], v[2]))
        ]
        t = self.thresholds
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "generated_at": now.astimezone(JST).isoformat(timespec="seconds"),
            "generated_by": ctx.actor,
            "thresholds": {
                "volume_absolute": t.volume_absolute,
                "volume_minimum": t.volume_minimum,
                "volume_factor_self": t.volume_factor_self,
                "volume_factor_department": t.volume_factor_department,
                "history_days": t.history_days,
                "min_history_days": t.min_history_days,
                "repeat_threshold": t.repeat_threshold,
                "working_hours": f"{t.work_start:%H:%M}-{t.work_end:%H:%M}",
            },
            "rules": dict(RULES),
            "outcomes": dict(REVIEW_OUTCOMES),
            "summary": {
                "findings": len(findings),
                "by_rule": by_rule,
                "unreviewed": sum(1 for r in rows if r["review_outcome"] is None),
                "records_examined": len({e.record_id for e in period}),
            },
            "daily_volume": daily,
            "findings": rows,
        }

    def review(
        self, finding_id: str, *, outcome: str, note: str, ctx: CommandContext, now: datetime
    ) -> dict[str, Any]:
        """所属長 records the review outcome of one finding (an event on its ``AnomalyReview``)."""
        try:
            reviewer = self.staff.get(ctx.actor)
        except DomainError:
            reviewer = None
        if reviewer is None or not reviewer.has_role(Role.SUPERVISOR, utc(now), self.staff.review_policy):
            raise DomainError(
                f"操作者 {ctx.actor} は有効な所属長（{Role.SUPERVISOR.value}）の権限を持っていません。",
                code="not_supervisor",
            )
        try:
            day = finding_day(finding_id)
        except ValueError as error:
            raise DomainError(str(error), code="invalid_id") from None
        findings, _ = self._findings(day, day)
        found = next((f for f in findings if f.finding_id == finding_id), None)
        if found is None:
            raise DomainError(
                f"点検項目 {finding_id} は {day.isoformat()} の使用の記録から導かれません"
                "（IDを確認してください）。",
                code="unknown_finding",
            )
        try:
            aggregate: AnomalyReview = self.app.repository.get(anomaly_review_id(finding_id))
        except AggregateNotFoundError:
            aggregate = AnomalyReview.open(
                finding_id=found.finding_id,
                rule=found.rule,
                staff_id=found.staff_id,
                day=found.day.isoformat(),
                summary=found.summary,
                ctx=ctx,
            )
        aggregate.review(outcome=outcome, note=note, now=now, ctx=ctx)
        self.app.save(aggregate)
        return {
            "finding_id": finding_id,
            "rule": found.rule,
            "staff_id": found.staff_id,
            "day": found.day.isoformat(),
            "outcome": outcome,
            "outcome_label": REVIEW_OUTCOMES[outcome],
            "reviews": len(aggregate.reviews),
        }
