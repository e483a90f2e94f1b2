"""団体内統合宛名番号 (domain.integrated_address): number format, merge and split rules, and — over any sequence
of 付番・追加・統合・分割 — one person one number: every 宛名番号 belongs to exactly one active number."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.integrated_address.model import (
    ACTIVE,
    MERGED,
    IntegratedAddress,
    check_digit,
    compose_number,
    is_valid_number,
    require_number,
)
from domain.shared.events import CommandContext, DomainError
from domain.shared.purpose import Purpose

CTX = CommandContext(actor="k-01", purpose=Purpose.REGISTRY, command_id="c-1")


def number(serial: int) -> str:
    return compose_number("131105", serial)


def issue(serial: int, *address_numbers: str) -> IntegratedAddress:
    return IntegratedAddress.issue(
        number=number(serial), address_numbers=address_numbers, reason="新規付番", ctx=CTX
    )


@given(st.integers(0, 10**9 - 1), st.integers(0, 15), st.integers(1, 9))
def test_numbers_are_16_digits_and_any_single_digit_change_is_caught(
    serial: int, position: int, shift: int
) -> None:
    n = number(serial)
    assert len(n) == 16 and n.startswith("131105") and is_valid_number(n)
    altered = n[:position] + str((int(n[position]) + shift) % 10) + n[position + 1 :]
    # mod 11 with weights 2–7 catches a changed digit unless the check digit would have to be 10 (→ 0)
    assert not is_valid_number(altered) or check_digit(altered[:-1]) == 0


@pytest.mark.parametrize(
    "bad",
    ["", "131105000000001", "13110500000000１1", number(7)[:-1] + str((int(number(7)[-1]) + 1) % 10)],
    ids=["empty", "15 digits", "full-width digit", "wrong check digit"],
)
def test_malformed_numbers_are_refused_in_japanese(bad: str) -> None:
    with pytest.raises(DomainError, match="16桁"):
        require_number(bad)


def test_merge_moves_every_address_number_and_retires_the_absorbed_number() -> None:
    keep, retire = issue(1, "0000000001"), issue(2, "0000000002", "0000000003")
    keep.merge_from(retire, reason="同一人と判明（住基照合）", ctx=CTX)
    assert keep.address_numbers == ("0000000001", "0000000002", "0000000003") and keep.status == ACTIVE
    assert retire.address_numbers == () and retire.status == MERGED and retire.merged_into == keep.number
    assert keep.history[-1]["kind"] == "統合（吸収）" and keep.history[-1]["other_number"] == retire.number
    assert retire.history[-1]["reason"] == "同一人と判明（住基照合）"
    with pytest.raises(DomainError, match="統合済"):
        retire.attach("0000000009", reason="追加", ctx=CTX)
    with pytest.raises(DomainError, match="同じ"):
        keep.merge_from(keep, reason="誤り", ctx=CTX)


def test_split_needs_a_proper_subset_of_its_own_address_numbers() -> None:
    source = issue(1, "0000000001", "0000000002")
    with pytest.raises(DomainError, match="少なくとも1つ"):
        source.split_off(("0000000001", "0000000002"), new_number=number(5), reason="別人", ctx=CTX)
    with pytest.raises(DomainError, match="属していません"):
        source.split_off(("0000000009",), new_number=number(5), reason="別人", ctx=CTX)
    with pytest.raises(DomainError, match="理由"):
        source.split_off(("0000000002",), new_number=number(5), reason="  ", ctx=CTX)
    created = source.split_off(("0000000002",), new_number=number(5), reason="別人と判明", ctx=CTX)
    assert source.address_numbers == ("0000000001",) and created.address_numbers == ("0000000002",)
    assert (
        created.history[0]["kind"] == "分割により付番" and created.history[0]["other_number"] == source.number
    )


OPS = st.lists(
    st.tuples(st.sampled_from(["issue", "attach", "merge", "split"]), st.integers(0, 30), st.integers(0, 30)),
    max_size=40,
)


@settings(max_examples=60)
@given(OPS)
def test_any_sequence_keeps_one_person_one_number(ops: list[tuple[str, int, int]]) -> None:
    numbers: dict[str, IntegratedAddress] = {}
    owner: dict[str, str] = {}  # 宛名番号 → number (what the AddressLink side holds)
    serial = 0

    def fresh() -> str:
        nonlocal serial
        serial += 1
        return number(serial)

    for op, a, b in ops:
        active = sorted(n for n, agg in numbers.items() if agg.status == ACTIVE)
        address = f"{a:010d}"
        if op == "issue" and address not in owner:
            created = IntegratedAddress.issue(
                number=fresh(), address_numbers=(address,), reason="付番", ctx=CTX
            )
            numbers[created.number] = created
            owner[address] = created.number
        elif op == "attach" and active and address not in owner:
            target = numbers[active[b % len(active)]]
            target.attach(address, reason="追加", ctx=CTX)
            owner[address] = target.number
        elif op == "merge" and len(active) >= 2:
            keep, retire = numbers[active[a % len(active)]], numbers[active[b % len(active)]]
            if keep is retire:
                continue
            moved = retire.address_numbers
            keep.merge_from(retire, reason="同一人", ctx=CTX)
            owner.update(dict.fromkeys(moved, keep.number))
        elif op == "split" and active:
            source = numbers[active[a % len(active)]]
            if len(source.address_numbers) < 2:
                continue
            moved = source.address_numbers[: 1 + b % (len(source.address_numbers) - 1)]
            created = source.split_off(moved, new_number=fresh(), reason="別人", ctx=CTX)
            numbers[created.number] = created
            owner.update(dict.fromkeys(moved, created.number))

    held = [a for agg in numbers.values() for a in agg.address_numbers]
    assert len(held) == len(set(held)), "no 宛名番号 under two numbers"
    assert set(held) == set(owner), "every 宛名番号 ever issued still has a number"
    for address, n in owner.items():
        assert address in numbers[n].address_numbers and numbers[n].status == ACTIVE
    for agg in numbers.values():
        if agg.status == MERGED:
            assert agg.address_numbers == () and numbers[agg.merged_into or ""].number == agg.merged_into
        else:
            assert agg.address_numbers, "an active number keeps at least one 宛名番号"
