"""照会許可用照合リスト and 副本 registration (pure): only listed pairs pass, every 提供 entry's basis is one the
provision allowlist knows, and a 副本 gets a new version only when its content changes."""

from __future__ import annotations

from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.intermediate.fake import FakeIntermediateServer
from domain.audit.provision import LOCAL_TAX_INFO, ProvisionKind, check_provision
from domain.intermediate.copies import CopyRegistration, digest
from domain.intermediate.matching import MATCHING_LIST, Direction, find, refusal
from domain.shared.events import CommandContext
from domain.shared.purpose import Purpose

CTX = CommandContext(actor="k-01", purpose=Purpose.OPERATIONS, command_id="c-1")


def test_every_provide_entry_is_allowed_by_the_provision_gate() -> None:
    provides = [e for e in MATCHING_LIST if e.direction is Direction.PROVIDE]
    assert provides
    for entry in provides:
        decision = check_provision(
            kind=ProvisionKind.PROVISION,
            recipient="情報提供ネットワークシステム",
            legal_basis=entry.legal_basis,
            items=(LOCAL_TAX_INFO,),
        )
        assert decision.allowed, entry


@given(st.sampled_from(list(Direction)), st.text(max_size=20), st.text(max_size=20))
def test_only_listed_pairs_pass(direction: Direction, requester: str, item: str) -> None:
    listed = {(e.direction, e.requester, e.item) for e in MATCHING_LIST}
    assert (find(direction, requester, item) is not None) == ((direction, requester, item) in listed)


def test_listed_pairs_are_found_and_a_swap_of_requester_is_not() -> None:
    for entry in MATCHING_LIST:
        assert find(entry.direction, entry.requester, entry.item) == entry
        others = [
            e.requester for e in MATCHING_LIST if e.item != entry.item and e.direction is entry.direction
        ]
        for requester in others:
            assert find(entry.direction, requester, entry.item) is None
    assert "照合リスト外" in refusal(Direction.PROVIDE, "誰か", "何か")


def test_a_copy_is_reregistered_only_when_its_content_changes() -> None:
    content = {"年度": 2026, "税額合計": 100_000}
    copy = CopyRegistration.first(
        taxpayer=uuid4(),
        fiscal_year=2026,
        integrated_number="1311050000000016",
        content_digest=digest(content),
        ctx=CTX,
    )
    same = dict(reversed(list(content.items())))  # key order does not matter
    assert not copy.reregister(
        integrated_number="1311050000000016", content_digest=digest(same), reason="再", ctx=CTX
    )
    changed = content | {"税額合計": 112_000}
    assert copy.reregister(
        integrated_number="1311050000000016", content_digest=digest(changed), reason="更正", ctx=CTX
    )
    assert [v["version"] for v in copy.versions] == [1, 2] and copy.versions[1]["reason"] == "更正"


def test_the_fake_peer_refuses_anything_but_an_integrated_number() -> None:
    peer = FakeIntermediateServer()
    with pytest.raises(ValueError, match="never the My Number"):
        peer.register_copy("123456789018", 2026, "x", {})
    with pytest.raises(ValueError):
        peer.inquire("1311050000000019", "x", "y")  # wrong check digit
