"""Access-anomaly analysis for 自己点検 (seed III-3 リスク3 「記録の定期的な分析」, IV-1 自己点検・監査).

A pure function from the access journal (使用の記録) of a period, its look-back history and the staff
registry to a list of findings, each naming the rule that fired and the evidence behind it. The rules
and thresholds are data (``AnomalyThresholds``); ADR 0022 records why these and not others.

Rules (``RULES``; each is one function, listed in ``RULE_CHECKS``):

* ``VOLUME-ABSOLUTE`` — distinct residents viewed by one member of staff in one day reaches a ceiling no
  clerk's day explains (batch jobs are not staff and are excluded).
* ``VOLUME-SELF`` — that day's distinct residents exceed a multiple of the member's own median day over
  the look-back window.
* ``VOLUME-DEPARTMENT`` — … exceed a multiple of the median staff-day of the member's 課 (peers only).
* ``OFF-HOURS`` — reads outside working hours (JST) or on a closed day (土日祝・年末年始).
* ``REPEATED-SUBJECT`` — one resident appears in many reads by one member in one day.
* ``INDIVIDUAL-NUMBER`` — every My Number reveal (and every refused attempt).
* ``BREAK-GLASS`` — every 緊急時アクセス opened in the period, with the reads made in its window.
* ``NO-GRANT`` — reads by an actor with no grant in force at the time (not enrolled, expired,
  revoked, lapsed-unattested): access unrelated to any role the member holds in their 課.

"Unrelated to an open task" is not derivable yet (no task model links a clerk to a resident); ADR 0022.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from statistics import median
from typing import Any

from domain.staff.values import BreakGlass, Grant, ReviewPolicy

JST = timezone(timedelta(hours=9), "JST")

#: Actors that are batch jobs, not people (``job:levy`` …): volume and hours rules do not apply.
JOB_PREFIX = "job:"
#: Journal actions that reveal (or tried to reveal) the My Number.
INDIVIDUAL_NUMBER_ACTIONS = ("individual_number.reveal", "individual_number.reveal_denied")
INDIVIDUAL_NUMBER_ITEM = "個人番号"
#: How many subject/record ids a finding lists as evidence (the counts are always complete).
EVIDENCE_SAMPLE = 20

RULES: Mapping[str, str] = {
    "VOLUME-ABSOLUTE": "照会件数（1日の上限超過）",
    "VOLUME-SELF": "照会件数（本人の平常時との比較）",
    "VOLUME-DEPARTMENT": "照会件数（所属課の平常時との比較）",
    "OFF-HOURS": "勤務時間外・閉庁日の照会",
    "REPEATED-SUBJECT": "同一人の繰り返し照会",
    "INDIVIDUAL-NUMBER": "個人番号の表示",
    "BREAK-GLASS": "緊急時アクセスの利用",
    "NO-GRANT": "権限のない照会（所属・役割と無関係）",
}
SEVERITY = {
    "VOLUME-ABSOLUTE": "高",
    "VOLUME-SELF": "中",
    "VOLUME-DEPARTMENT": "中",
    "OFF-HOURS": "低",
    "REPEATED-SUBJECT": "中",
    "INDIVIDUAL-NUMBER": "低",
    "BREAK-GLASS": "中",
    "NO-GRANT": "高",
}


@dataclass(frozen=True)
class AnomalyThresholds:
    """The decision the issue left open (ADR 0022). Counts are distinct residents per JST day."""

    volume_absolute: int = 100
    volume_minimum: int = 30  # relative rules fire only from this count on (quiet days stay quiet)
    volume_factor_self: int = 3
    volume_factor_department: int = 3
    history_days: int = 28
    min_history_days: int = 5
    repeat_threshold: int = 5
    work_start: time = time(8, 0)
    work_end: time = time(20, 0)


@dataclass(frozen=True)
class AccessEntry:
    """One row of the access journal: one read × one subject (``subject_id`` None: no subject)."""

    record_id: str
    subject_id: str | None
    at: datetime  # aware
    actor: str
    action: str
    purpose: str
    items: str = ""


@dataclass(frozen=True)
class StaffFacts:
    """What the analysis knows of one member of staff (from the staff registry)."""

    staff_id: str
    department: str
    grants: tuple[Grant, ...] = ()
    break_glass: tuple[BreakGlass, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One flagged pattern: rule, who, which JST day, a Japanese summary and the evidence."""

    finding_id: str
    rule: str
    rule_label: str
    severity: str
    staff_id: str
    department: str
    day: date
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)


def finding_id(rule: str, staff_id: str, day: date, key: str = "") -> str:
    """Deterministic id: the same pattern found again is the same finding (its review stays attached)."""
    digest = hashlib.sha256(f"{rule}|{staff_id}|{day.isoformat()}|{key}".encode()).hexdigest()
    # The JST day is part of the id so that a review needs to re-examine only that day.
    return f"AF-{day:%Y%m%d}-{digest[:12]}"


def finding_day(finding: str) -> date:
    """The JST day encoded in a finding id (``AF-YYYYMMDD-…``)."""
    parts = finding.split("-")
    if len(parts) != 3 or parts[0] != "AF" or len(parts[1]) != 8 or not parts[1].isdigit():
        raise ValueError(f"点検項目IDの形式が不正です: {finding}（例 AF-20261207-0123456789ab）")
    return date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:]))


def jst_day(at: datetime) -> date:
    return at.astimezone(JST).date()


def _finding(
    rule: str, staff: str, department: str, day: date, summary: str, evidence: dict[str, Any], key: str = ""
) -> Finding:
    return Finding(
        finding_id=finding_id(rule, staff, day, key),
        rule=rule,
        rule_label=RULES[rule],
        severity=SEVERITY[rule],
        staff_id=staff,
        department=department,
        day=day,
        summary=summary,
        evidence=evidence,
    )


def _sample(values: Iterable[str]) -> list[str]:
    return sorted(set(values))[:EVIDENCE_SAMPLE]


def _is_person(actor: str) -> bool:
    return not actor.startswith(JOB_PREFIX)


def daily_distinct(entries: Iterable[AccessEntry]) -> dict[tuple[str, date], set[str]]:
    """Distinct subjects per (staff, JST day), people only."""
    per: dict[tuple[str, date], set[str]] = defaultdict(set)
    for e in entries:
        if e.subject_id and _is_person(e.actor):
            per[(e.actor, jst_day(e.at))].add(e.subject_id)
    return per


def analyse(
    *,
    period: Sequence[AccessEntry],
    history: Sequence[AccessEntry],
    start: date,
    end: date,
    staff: Mapping[str, StaffFacts],
    is_closed_day: Callable[[date], bool],
    thresholds: AnomalyThresholds | None = None,
    review: ReviewPolicy | None = None,
) -> list[Finding]:
    """Every finding for the JST days ``start``..``end`` (inclusive), in a stable order.

    ``period`` holds the journal rows of those days, ``history`` those of the look-back window before
    ``start`` (baselines only: nothing in it is flagged)."""
    scope = _Scope(
        period=period,
        history=history,
        start=start,
        end=end,
        staff=staff,
        is_closed_day=is_closed_day,
        t=thresholds or AnomalyThresholds(),
        policy=review or ReviewPolicy(),
    )
    findings = [finding for rule in RULE_CHECKS.values() for finding in rule(scope)]
    order = list(RULES)
    findings.sort(key=lambda f: (f.day, order.index(f.rule), f.staff_id, f.finding_id))
    return findings


@dataclass
class _Scope:
    """What every rule reads: the journal of the period and the look-back window, the staff, the settings."""

    period: Sequence[AccessEntry]
    history: Sequence[AccessEntry]
    start: date
    end: date
    staff: Mapping[str, StaffFacts]
    is_closed_day: Callable[[date], bool]
    t: AnomalyThresholds
    policy: ReviewPolicy

    def dept(self, actor: str) -> str:
        facts = self.staff.get(actor)
        return facts.department if facts else "（職員登録なし）"

    @cached_property
    def rows(self) -> list[AccessEntry]:
        """The period's rows whose JST day is in ``start``..``end``."""
        return [e for e in self.period if self.start <= jst_day(e.at) <= self.end]

    @cached_property
    def current(self) -> dict[tuple[str, date], set[str]]:
        """Distinct residents per (staff, JST day) in the period."""
        return daily_distinct(self.rows)

    @cached_property
    def past(self) -> dict[tuple[str, date], set[str]]:
        """Distinct residents per (staff, JST day) in the look-back window."""
        return daily_distinct(self.history)

    @cached_property
    def staff_days(self) -> dict[tuple[str, date], list[AccessEntry]]:
        """The period's rows per (staff, JST day), people only."""
        per: dict[tuple[str, date], list[AccessEntry]] = defaultdict(list)
        for e in self.rows:
            if _is_person(e.actor):
                per[(e.actor, jst_day(e.at))].append(e)
        return per

    @cached_property
    def records_per_day(self) -> dict[tuple[str, date], set[str]]:
        """Distinct journal records per (staff, JST day) in the period."""
        per: dict[tuple[str, date], set[str]] = defaultdict(set)
        for e in self.rows:
            per[(e.actor, jst_day(e.at))].add(e.record_id)
        return per

    def volume_evidence(self, actor: str, day: date) -> dict[str, Any]:
        subjects = self.current[(actor, day)]
        return {
            "distinct_residents": len(subjects),
            "records": len(self.records_per_day[(actor, day)]),
            "sample_subject_ids": _sample(subjects),
        }

    def busy_days(self) -> list[tuple[str, date, int]]:
        """(staff, day, distinct residents) of the days the relative volume rules look at."""
        return [
            (actor, day, len(subjects))
            for (actor, day), subjects in sorted(self.current.items())
            if len(subjects) >= self.t.volume_minimum
        ]


# -- the rules, one function each ----------------------------------------------------------------------


def _volume_absolute(s: _Scope) -> Iterator[Finding]:
    limit = s.t.volume_absolute
    for (actor, day), subjects in sorted(s.current.items()):
        if len(subjects) >= limit:
            yield _finding(
                "VOLUME-ABSOLUTE",
                actor,
                s.dept(actor),
                day,
                f"{day.isoformat()} に {len(subjects)} 人の住民を照会（上限 {limit} 人）",
                {**s.volume_evidence(actor, day), "threshold": limit},
            )


def _volume_over_baseline(
    s: _Scope,
    rule: str,
    factor: int,
    history_of: Callable[[str], list[int]],
    describe: Callable[[str, date, int, float], str],
    baseline_key: str,
    history_key: str,
) -> Iterator[Finding]:
    """A busy day whose count exceeds ``factor`` × the median of the actor's comparison history."""
    for actor, day, count in s.busy_days():
        history = history_of(actor)
        if len(history) < s.t.min_history_days:
            continue
        baseline = float(median(history))
        if count > factor * baseline:
            yield _finding(
                rule,
                actor,
                s.dept(actor),
                day,
                describe(actor, day, count, baseline),
                {
                    **s.volume_evidence(actor, day),
                    baseline_key: baseline,
                    history_key: len(history),
                    "factor": factor,
                },
            )


def _volume_self(s: _Scope) -> Iterator[Finding]:
    own_history: dict[str, list[int]] = defaultdict(list)
    for (actor, _day), subjects in s.past.items():
        own_history[actor].append(len(subjects))
    factor = s.t.volume_factor_self
    return _volume_over_baseline(
        s,
        "VOLUME-SELF",
        factor,
        lambda actor: own_history.get(actor, []),
        lambda actor, day, count, baseline: (
            f"{day.isoformat()} に {count} 人を照会（本人の平常時の中央値 {baseline:g} 人の {factor} 倍超）"
        ),
        "own_median",
        "own_history_days",
    )


def _volume_department(s: _Scope) -> Iterator[Finding]:
    department_days: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (actor, _day), subjects in (*s.past.items(), *s.current.items()):
        department_days[s.dept(actor)].append((actor, len(subjects)))
    factor = s.t.volume_factor_department
    return _volume_over_baseline(
        s,
        "VOLUME-DEPARTMENT",
        factor,
        lambda actor: [n for other, n in department_days.get(s.dept(actor), []) if other != actor],
        lambda actor, day, count, baseline: (
            f"{day.isoformat()} に {count} 人を照会（{s.dept(actor)} の職員1日あたり中央値"
            f" {baseline:g} 人の {factor} 倍超）"
        ),
        "department_median",
        "department_staff_days",
    )


def _off_hours(s: _Scope) -> Iterator[Finding]:
    t = s.t
    for (actor, day), entries in sorted(s.staff_days.items()):
        records = {e.record_id: e for e in entries}
        closed = s.is_closed_day(day)
        outside = sorted(
            (e for e in records.values() if closed or not _within_hours(e.at, t)), key=lambda e: e.at
        )
        if not outside:
            continue
        times = [e.at.astimezone(JST).strftime("%H:%M:%S") for e in outside]
        yield _finding(
            "OFF-HOURS",
            actor,
            s.dept(actor),
            day,
            f"{day.isoformat()}{'（閉庁日）' if closed else ''} の勤務時間外に {len(outside)} 回照会"
            f"（勤務時間 {t.work_start:%H:%M}–{t.work_end:%H:%M}）",
            {
                "records": len(outside),
                "closed_day": closed,
                "times_jst": times[:EVIDENCE_SAMPLE],
                "record_ids": [e.record_id for e in outside][:EVIDENCE_SAMPLE],
                "actions": sorted({e.action for e in outside}),
            },
        )


def _repeated_subject(s: _Scope) -> Iterator[Finding]:
    threshold = s.t.repeat_threshold
    for (actor, day), entries in sorted(s.staff_days.items()):
        records = {e.record_id: e for e in entries}
        per_subject: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            if e.subject_id:
                per_subject[e.subject_id].add(e.record_id)
        for subject, ids in sorted(per_subject.items()):
            if len(ids) < threshold:
                continue
            yield _finding(
                "REPEATED-SUBJECT",
                actor,
                s.dept(actor),
                day,
                f"{day.isoformat()} に同一人を {len(ids)} 回照会（基準 {threshold} 回）",
                {
                    "subject_id": subject,
                    "records": len(ids),
                    "threshold": threshold,
                    "record_ids": sorted(ids)[:EVIDENCE_SAMPLE],
                    "actions": sorted({records[i].action for i in ids if i in records}),
                },
                key=subject,
            )


def _no_grant(s: _Scope) -> Iterator[Finding]:
    for (actor, day), entries in sorted(s.staff_days.items()):
        facts = s.staff.get(actor)
        ungranted_rows = [e for e in entries if not _had_grant(facts, e.at, s.policy)]
        if not ungranted_rows:
            continue
        ungranted = sorted({e.record_id: e for e in ungranted_rows}.values(), key=lambda e: e.at)
        yield _finding(
            "NO-GRANT",
            actor,
            s.dept(actor),
            day,
            f"{day.isoformat()} に権限（有効な付与）のない状態で {len(ungranted)} 回照会"
            + ("（職員登録なし）" if facts is None else ""),
            {
                "records": len(ungranted),
                "enrolled": facts is not None,
                "record_ids": [e.record_id for e in ungranted][:EVIDENCE_SAMPLE],
                "sample_subject_ids": _sample(e.subject_id for e in ungranted_rows if e.subject_id),
                "actions": sorted({e.action for e in ungranted}),
            },
        )


def _individual_number(s: _Scope) -> Iterator[Finding]:
    reveals: dict[str, list[AccessEntry]] = defaultdict(list)
    for e in s.rows:
        if e.action in INDIVIDUAL_NUMBER_ACTIONS or INDIVIDUAL_NUMBER_ITEM in e.items.split("・"):
            reveals[e.record_id].append(e)
    for record_id, group in sorted(reveals.items(), key=lambda kv: kv[1][0].at):
        first = group[0]
        denied = first.action.endswith("_denied")
        yield _finding(
            "INDIVIDUAL-NUMBER",
            first.actor,
            s.dept(first.actor),
            jst_day(first.at),
            f"{first.at.astimezone(JST):%Y-%m-%d %H:%M} 個人番号の"
            + ("表示を試み拒否された" if denied else "表示")
            + f"（利用目的 {first.purpose}）",
            {
                "record_id": record_id,
                "action": first.action,
                "allowed": not denied,
                "purpose": first.purpose,
                "subject_ids": _sample(e.subject_id for e in group if e.subject_id),
                "at": first.at.isoformat(),
            },
            key=record_id,
        )


def _break_glass(s: _Scope) -> Iterator[Finding]:
    by_actor: dict[str, list[AccessEntry]] = defaultdict(list)
    for e in s.period:
        by_actor[e.actor].append(e)
    for facts in sorted(s.staff.values(), key=lambda f: f.staff_id):
        for b in facts.break_glass:
            day = jst_day(b.opened_at)
            if s.start <= day <= s.end:
                inside = [e for e in by_actor.get(facts.staff_id, ()) if b.opened_at <= e.at < b.expires_at]
                yield _break_glass_finding(facts, b, day, inside)


def _break_glass_finding(facts: StaffFacts, b: BreakGlass, day: date, inside: list[AccessEntry]) -> Finding:
    records = len({e.record_id for e in inside})
    return _finding(
        "BREAK-GLASS",
        facts.staff_id,
        facts.department,
        day,
        f"緊急時アクセス（{b.role.value}）を {b.opened_at.astimezone(JST):%Y-%m-%d %H:%M} から"
        f" {b.expires_at.astimezone(JST):%H:%M} まで利用、期間中の照会 {records} 回"
        + ("（事後確認未了）" if b.awaiting_review else ""),
        {
            "break_glass_number": b.number,
            "role": b.role.value,
            "opened_at": b.opened_at.isoformat(),
            "expires_at": b.expires_at.isoformat(),
            "records_in_window": records,
            "distinct_residents_in_window": len({e.subject_id for e in inside if e.subject_id}),
            "post_hoc_review": (
                "未了"
                if b.awaiting_review
                else ("適正" if b.appropriate else "不適正") + f"（{b.reviewed_by}）"
            ),
        },
        key=str(b.number),
    )


#: One check per rule of ``RULES`` (same keys, same order).
RULE_CHECKS: Mapping[str, Callable[[_Scope], Iterable[Finding]]] = {
    "VOLUME-ABSOLUTE": _volume_absolute,
    "VOLUME-SELF": _volume_self,
    "VOLUME-DEPARTMENT": _volume_department,
    "OFF-HOURS": _off_hours,
    "REPEATED-SUBJECT": _repeated_subject,
    "INDIVIDUAL-NUMBER": _individual_number,
    "BREAK-GLASS": _break_glass,
    "NO-GRANT": _no_grant,
}


def _within_hours(at: datetime, t: AnomalyThresholds) -> bool:
    local = at.astimezone(JST).time()
    return t.work_start <= local < t.work_end


def _had_grant(facts: StaffFacts | None, at: datetime, policy: ReviewPolicy) -> bool:
    if facts is None:
        return False
    return any(g.in_force(at, policy) for g in facts.grants) or any(b.in_force(at) for b in facts.break_glass)


# -- review of a finding (所属長の確認) ------------------------------------------------------------------

#: Outcomes a 所属長 records for a finding (code → Japanese label).
REVIEW_OUTCOMES: Mapping[str, str] = {
    "appropriate": "適正（業務上必要な照会）",
    "inappropriate": "不適正（是正措置を要する）",
    "follow-up": "要調査（本人への確認等を継続）",
}


def parse_outcome(text: str) -> str:
    """Accept the code or its Japanese label's first word (適正, 不適正, 要調査)."""
    for code, label in REVIEW_OUTCOMES.items():
        if text in (code, label) or label.startswith(text + "（"):
            return code
    allowed = "、".join(f"{c}（{label.split('（')[0]}）" for c, label in REVIEW_OUTCOMES.items())
    raise ValueError(f"確認結果 '{text}' は定義されていません。使用できる値: {allowed}")
