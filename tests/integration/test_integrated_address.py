"""団体内統合宛名番号 through the use-case bus: 付番, 追加, 統合 and 分割 as events with reasons (encrypted at rest),
both sides of the mapping saved together, refusals that store nothing, and a journaled 照会."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from application.usecases import Principal
from application.usecases.integrated_address import (
    AttachAddressNumber,
    IssueIntegratedAddress,
    MergeIntegratedAddresses,
    ShowIntegratedAddress,
    SplitIntegratedAddress,
)
from application.usecases.registry import RegisterTaxpayerCommand
from domain.audit.access import AccessRecord
from domain.integrated_address.model import MERGED, AddressLink, IntegratedAddress, address_link_id
from domain.shared.events import DomainError
from domain.shared.purpose import Purpose
from domain.taxpayer.model import taxpayer_id
from tests_support import staff_principal

#: A signed-in 所属長 with every role (enrolled by ``staff_principal`` in the fixtures).
WHO = Principal(actor="k-01", terminal="T-1", kind="staff")
PEOPLE = ("0000100001", "0000100002", "0000100003", "0000100004")


@pytest.fixture
def registered(durable_container: Any) -> Any:
    c = durable_container
    staff_principal(c, "k-01", "T-1")
    for i, address in enumerate(PEOPLE):
        c.use_cases.execute(
            RegisterTaxpayerCommand(
                address,
                f"統合　太郎{i}",
                "トウゴウ　タロウ",
                date(1980, 1, 1 + i),
                "M",
                "東京都目黒区上目黒1-1",
            ),
            WHO,
        )
    return c


def link_of(c: Any, address: str) -> str:
    link: AddressLink = c.app.repository.get(address_link_id(address))
    return link.number


def test_issue_attach_merge_split_keep_one_number_per_person(registered: Any) -> None:
    c = registered
    run = c.use_cases.execute
    first = run(IssueIntegratedAddress(PEOPLE[0]), WHO)
    assert run(IssueIntegratedAddress(PEOPLE[0]), WHO).number == first.number, "issued once per 宛名番号"
    second = run(IssueIntegratedAddress(PEOPLE[1]), WHO)
    third = run(IssueIntegratedAddress(PEOPLE[2]), WHO)
    assert len({first.number, second.number, third.number}) == 3
    assert all(n.startswith("131105") and len(n) == 16 for n in (first.number, second.number, third.number))

    run(AttachAddressNumber(first.number, PEOPLE[3], "住登外の宛名番号（同一人）"), WHO)
    assert link_of(c, PEOPLE[3]) == first.number
    head = c.app.head()
    with pytest.raises(DomainError, match="すでに団体内統合宛名番号") as refused:
        run(AttachAddressNumber(first.number, PEOPLE[1], "誤り"), WHO)
    assert refused.value.code == "already_linked" and c.app.head() == head, "a refusal stores nothing"

    merged = run(MergeIntegratedAddresses(first.number, second.number, "同一人と判明（住基照合）"), WHO)
    assert set(merged.address_numbers) == {PEOPLE[0], PEOPLE[1], PEOPLE[3]}
    retired: IntegratedAddress = c.app.repository.get(second.id)
    assert retired.status == MERGED and retired.merged_into == first.number and retired.address_numbers == ()
    assert link_of(c, PEOPLE[1]) == first.number, "the link moved with the merge"
    assert run(MergeIntegratedAddresses(first.number, second.number, "再実行"), WHO).number == first.number

    split = run(SplitIntegratedAddress(first.number, (PEOPLE[3],), "別人と判明（生年月日相違）"), WHO)
    assert split.number not in {first.number, second.number, third.number}
    assert split.address_numbers == (PEOPLE[3],) and link_of(c, PEOPLE[3]) == split.number
    kept: IntegratedAddress = c.app.repository.get(first.id)
    assert set(kept.address_numbers) == {PEOPLE[0], PEOPLE[1]}

    # every change is an event with actor, purpose, command id and its reason — encrypted in the store
    events = [e for e in c.app.events.get(first.id)]
    assert [type(e).__name__ for e in events] == ["Issued", "Attached", "Absorbed", "SplitOff"]
    assert all(e.actor == "k-01" and e.purpose is Purpose.REGISTRY and e.command_id for e in events)
    assert events[2].reason == "同一人と判明（住基照合）"
    stored = c.app.recorder.select_notifications(start=1, limit=10_000)
    assert any(first.number.encode() in n.state for n in stored), "the number itself is stored in clear"
    assert not any("同一人と判明".encode() in n.state for n in stored), "reasons are encrypted at rest"


def test_refusals_name_what_is_wrong(registered: Any) -> None:
    c = registered
    run = c.use_cases.execute
    with pytest.raises(DomainError, match="登録されていません"):
        run(IssueIntegratedAddress("0000999999"), WHO)
    only = run(IssueIntegratedAddress(PEOPLE[0]), WHO)
    with pytest.raises(DomainError, match="少なくとも1つ"):
        run(SplitIntegratedAddress(only.number, (PEOPLE[0],), "別人"), WHO)
    with pytest.raises(DomainError, match="16桁"):
        run(MergeIntegratedAddresses(only.number, "123", "同一人"), WHO)
    other = run(IssueIntegratedAddress(PEOPLE[1]), WHO)
    run(MergeIntegratedAddresses(only.number, other.number, "同一人"), WHO)
    with pytest.raises(DomainError, match="統合済"):
        run(AttachAddressNumber(other.number, PEOPLE[2], "追加"), WHO)
    with pytest.raises(DomainError, match="理由"):
        run(AttachAddressNumber(only.number, PEOPLE[2], " "), WHO)


def test_show_is_journaled_and_gives_the_history(registered: Any) -> None:
    c = registered
    run = c.use_cases.execute
    a = run(IssueIntegratedAddress(PEOPLE[0]), WHO)
    b = run(IssueIntegratedAddress(PEOPLE[1]), WHO)
    run(MergeIntegratedAddresses(a.number, b.number, "同一人と判明"), WHO)
    shown = run(ShowIntegratedAddress(address_number=PEOPLE[1]), WHO)
    assert shown["number"] == a.number and shown["address_numbers"] == [PEOPLE[0], PEOPLE[1]]
    assert [h["kind"] for h in shown["history"]] == ["付番", "統合（吸収）"]
    assert shown["history"][1]["reason"] == "同一人と判明" and shown["history"][1]["other_number"] == b.number
    retired = run(ShowIntegratedAddress(b.number), WHO)
    assert (retired["status"], retired["current"]) == (MERGED, a.number)
    journal = [
        e
        for n in c.app.recorder.select_notifications(start=1, limit=10_000)
        if n.topic == AccessRecord.PersonalDataViewed.TOPIC
        for e in [c.app.mapper.to_domain_event(n)]
        if e.action == "integrated_address.show"
    ]
    assert len(journal) == 2 and set(journal[0].subject_ids) == {
        taxpayer_id(PEOPLE[0]),
        taxpayer_id(PEOPLE[1]),
    }
