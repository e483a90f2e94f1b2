"""The 自己点検 rules (domain.audit.anomalies): each rule fires on its pattern and stays quiet otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.audit.anomalies import (
    JST,
    RULE_CHECKS,
    RULES,
    AccessEntry,
    AnomalyThresholds,
    StaffFacts,
    analyse,
    finding_day,
    finding_id,
    parse_outcome,
)
from domain.audit.anomaly_review import AnomalyReview
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose
from domain.staff.values import BreakGlass, Grant, Role

DAY = date(2026, 12, 7)  # a Monday
GRANT = Grant(
    number=1,
    role=Role.TAXATION,
    unit=None,
    valid_from=date(2026, 4, 1),
    valid_to=date(2027, 3, 31),
    approved_by="sup-01",
    approved_on=DAY - timedelta(days=3),  # approved in this review cycle: in force without attestation
    temporary=False,
    reason=None,
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST).astimezone(UTC)


def reads(
    actor: str, day: date, subjects: range | list[int], hour: int = 10, action: str = "taxpayer.view"
) -> list[AccessEntry]:
    return [
        AccessEntry(
            record_id=f"{actor}-{day}-{hour}-{s}-{i}",
            subject_id=f"p{s}",
            at=at(day, hour, i % 60),
            actor=actor,
            action=action,
            purpose="更正",
        )
        for i, s in enumerate(subjects)
    ]


def staff(*ids: str, department: str = "税務課", **extra: object) -> dict[str, StaffFacts]:
    return {i: StaffFacts(staff_id=i, department=department, grants=(GRANT,), **extra) for i in ids}  # type: ignore[arg-type]


def run(period: list[AccessEntry], history: list[AccessEntry] = (), **kw: object):  # type: ignore[assignment]
    kw.setdefault("staff", staff("a", "b", "c"))
    return analyse(
        period=period,
        history=list(history),
        start=DAY,
        end=DAY,
        is_closed_day=lambda d: d.weekday() >= 5,
        **kw,  # type: ignore[arg-type]
    )


def rules(findings: list, who: str | None = None) -> set[str]:  # type: ignore[type-arg]
    return {f.rule for f in findings if who is None or f.staff_id == who}


def test_quiet_day_has_no_findings() -> None:
    assert run(reads("a", DAY, range(20)) + reads("b", DAY, range(15))) == []


def test_absolute_volume_ceiling() -> None:
    findings = run(reads("a", DAY, range(100)))
    assert rules(findings) == {"VOLUME-ABSOLUTE"}
    assert findings[0].evidence["distinct_residents"] == 100
    assert rules(run(reads("a", DAY, range(99)))) == set()


def test_volume_against_own_history_and_department() -> None:
    history = [e for d in range(1, 8) for e in reads("a", DAY - timedelta(days=d), range(10))]
    history += [e for d in range(1, 8) for e in reads("b", DAY - timedelta(days=d), range(12))]
    findings = run(reads("a", DAY, range(40)), history)
    assert rules(findings, "a") == {"VOLUME-SELF", "VOLUME-DEPARTMENT"}
    own = next(f for f in findings if f.rule == "VOLUME-SELF")
    assert own.evidence["own_median"] == 10 and own.evidence["own_history_days"] == 7
    dept = next(f for f in findings if f.rule == "VOLUME-DEPARTMENT")
    assert dept.evidence["department_median"] == 12
    # Below the minimum count, a relative jump is not flagged; without enough history, no baseline.
    assert rules(run(reads("a", DAY, range(29)), history)) == set()
    assert rules(run(reads("a", DAY, range(40)), history[:30])) <= {"VOLUME-DEPARTMENT"}


def test_history_is_never_flagged_itself() -> None:
    history = reads("a", DAY - timedelta(days=1), range(200), hour=23)
    assert run([], history) == []


def test_off_hours_and_closed_days() -> None:
    late = reads("a", DAY, [1, 2], hour=21)
    early = reads("a", DAY, [3], hour=7)
    findings = run(late + early + reads("a", DAY, [4], hour=12))
    off = [f for f in findings if f.rule == "OFF-HOURS"]
    assert (
        len(off) == 1
        and off[0].evidence["records"] == 3
        and off[0].evidence["times_jst"][0].startswith("07:")
    )
    saturday = DAY - timedelta(days=2)
    weekend = analyse(
        period=reads("a", saturday, [1], hour=10),
        history=[],
        start=saturday,
        end=saturday,
        staff=staff("a"),
        is_closed_day=lambda d: d.weekday() >= 5,
    )
    assert [f.evidence["closed_day"] for f in weekend if f.rule == "OFF-HOURS"] == [True]


def test_repeated_reads_of_one_person() -> None:
    findings = run(reads("a", DAY, [7, 7, 7, 7, 7, 8]))
    repeated = [f for f in findings if f.rule == "REPEATED-SUBJECT"]
    assert [(f.evidence["subject_id"], f.evidence["records"]) for f in repeated] == [("p7", 5)]
    assert rules(run(reads("a", DAY, [7, 7, 7, 7]))) == set()


def test_individual_number_reveals_and_refusals() -> None:
    shown = reads("a", DAY, [1], action="individual_number.reveal")
    denied = reads("b", DAY, [2], action="individual_number.reveal_denied")
    findings = [f for f in run(shown + denied) if f.rule == "INDIVIDUAL-NUMBER"]
    assert {(f.staff_id, f.evidence["allowed"]) for f in findings} == {("a", True), ("b", False)}


def test_reads_without_a_grant_and_jobs_excluded() -> None:
    findings = run(reads("stranger", DAY, range(3)) + reads("job:levy", DAY, range(500), hour=3))
    assert rules(findings) == {"NO-GRANT"}
    assert findings[0].staff_id == "stranger" and findings[0].evidence["enrolled"] is False
    expired = StaffFacts(staff_id="a", department="税務課", grants=())
    assert rules(run(reads("a", DAY, [1]), staff={"a": expired})) == {"NO-GRANT"}


def test_break_glass_with_reads_in_its_window() -> None:
    opened = at(DAY, 11)
    bg = BreakGlass(
        number=1,
        role=Role.COLLECTION,
        reason="収納担当不在のため",
        opened_at=opened,
        expires_at=opened + timedelta(hours=1),
    )
    facts = {"a": StaffFacts(staff_id="a", department="税務課", grants=(), break_glass=(bg,))}
    findings = run(reads("a", DAY, [1, 2], hour=11), staff=facts)
    assert rules(findings) == {"BREAK-GLASS"}, "reads inside the window are under a grant (no NO-GRANT)"
    assert (
        findings[0].evidence["records_in_window"] == 2 and findings[0].evidence["post_hoc_review"] == "未了"
    )


def test_finding_ids_are_deterministic_and_carry_the_day() -> None:
    a = run(reads("a", DAY, range(100)))
    b = run(reads("a", DAY, range(100)))
    assert [f.finding_id for f in a] == [f.finding_id for f in b]
    assert finding_day(a[0].finding_id) == DAY
    assert finding_id("X", "a", DAY) != finding_id("X", "b", DAY)
    with pytest.raises(ValueError):
        finding_day("AF-bad")


def test_thresholds_are_parameters() -> None:
    strict = AnomalyThresholds(volume_absolute=10)
    assert rules(run(reads("a", DAY, range(10)), thresholds=strict)) == {"VOLUME-ABSOLUTE"}


def test_review_outcomes_and_self_review() -> None:
    assert parse_outcome("適正") == "appropriate" and parse_outcome("不適正") == "inappropriate"
    assert parse_outcome("要調査") == "follow-up"
    with pytest.raises(ValueError):
        parse_outcome("maybe")
    ctx = CommandContext(actor="sup-01", purpose=Purpose.AUDIT, command_id="c1")
    review = AnomalyReview.open(
        finding_id="AF-20261207-x", rule="OFF-HOURS", staff_id="a", day="2026-12-07", summary="s", ctx=ctx
    )
    review.review(outcome="appropriate", note="残業申請あり", now=at(DAY, 12), ctx=ctx)
    assert review.outcome == "appropriate"
    with pytest.raises(DomainError, match="自分自身"):
        review.review(
            outcome="appropriate",
            note="問題ありません",
            now=at(DAY, 12),
            ctx=CommandContext(actor="a", purpose=Purpose.AUDIT, command_id="c2"),
        )
    with pytest.raises(DomainError, match="5文字"):
        review.review(outcome="appropriate", note="可", now=at(DAY, 12), ctx=ctx)


def test_every_rule_has_exactly_one_check() -> None:
    assert list(RULE_CHECKS) == list(RULES)
