"""RFC 9162 Merkle functions: known-answer vectors, properties and adversarial proofs (ADR 0008)."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    consistency_proof_ranges,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# RFC 6962 / transparency-dev reference leaves and the tree head of each size 1..8.
CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_LEAVES = [leaf_hash(d) for d in CT_DATA]
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CT_CONSISTENCY = [
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def _leaves(n: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"leaf-{salt}-{i}".encode()) for i in range(n)]


def _mth(leaves: list[bytes]) -> bytes:
    """Textbook recursive MTH, as written in RFC 9162 §2.1.1, to cross-check the streaming version."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def test_hash_prefixes_are_rfc_9162() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_reference_vectors(size: int) -> None:
    assert root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "expected"), CT_INCLUSION)
def test_inclusion_matches_the_reference_vectors(index: int, size: int, expected: list[str]) -> None:
    proof = inclusion_proof(index, CT_LEAVES[:size])
    assert [p.hex() for p in proof] == expected
    assert verify_inclusion(index, size, CT_LEAVES[index], proof, bytes.fromhex(CT_ROOTS[size - 1]))


@pytest.mark.parametrize(("old", "new", "expected"), CT_CONSISTENCY)
def test_consistency_matches_the_reference_vectors(old: int, new: int, expected: list[str]) -> None:
    proof = consistency_proof(old, CT_LEAVES[:new])
    assert [p.hex() for p in proof] == expected
    assert verify_consistency(
        old, new, bytes.fromhex(CT_ROOTS[old - 1]), bytes.fromhex(CT_ROOTS[new - 1]), proof
    )


@given(st.integers(min_value=0, max_value=300))
def test_frontier_root_equals_the_recursive_definition(n: int) -> None:
    leaves = _leaves(n)
    assert root(leaves) == _mth(leaves)


@given(st.integers(min_value=0, max_value=200))
def test_frontier_nodes_are_the_perfect_subtrees(n: int) -> None:
    leaves = _leaves(n)
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    nodes = frontier.nodes()
    assert [b - a for (a, b), _ in nodes] == sorted((b - a for (a, b), _ in nodes), reverse=True)
    for (a, b), digest in nodes:
        assert digest == _mth(leaves[a:b])
    rebuilt = Frontier(frontier.size, frontier.hashes)
    assert rebuilt.root() == frontier.root()


def test_frontier_refuses_a_wrong_shape() -> None:
    with pytest.raises(ValueError):
        Frontier(3, [b"\x00" * 32])


@settings(max_examples=200)
@given(st.data())
def test_inclusion_proofs_verify_and_fail_when_the_leaf_changes(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=130), label="n")
    index = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    leaves = _leaves(n)
    head = root(leaves)
    proof = inclusion_proof(index, leaves)
    assert verify_inclusion(index, n, leaves[index], proof, head)
    assert not verify_inclusion(index, n, leaf_hash(b"other"), proof, head)
    other = data.draw(st.integers(min_value=0, max_value=n - 1), label="other")
    assume(other != index)
    changed = list(leaves)
    changed[other] = leaf_hash(b"tampered")
    assert not verify_inclusion(index, n, leaves[index], proof, root(changed))


@settings(max_examples=300)
@given(st.data())
def test_consistency_proofs_verify_for_all_m_le_n(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=0, max_value=130), label="n")
    m = data.draw(st.integers(min_value=0, max_value=n), label="m")
    leaves = _leaves(n)
    proof = consistency_proof(m, leaves)
    assert verify_consistency(m, n, root(leaves[:m]), root(leaves), proof)


@settings(max_examples=300)
@given(st.data())
def test_consistency_fails_when_an_old_leaf_changes(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=130), label="n")
    m = data.draw(st.integers(min_value=1, max_value=n), label="m")
    changed_at = data.draw(st.integers(min_value=0, max_value=m - 1), label="changed_at")
    leaves = _leaves(n)
    old_root = root(leaves[:m])
    rewritten = list(leaves)
    rewritten[changed_at] = leaf_hash(b"rewritten")
    # The rewritten log can produce an honest proof over its own leaves; it must not link to the old root.
    proof = consistency_proof(m, rewritten)
    assert not verify_consistency(m, n, old_root, root(rewritten), proof)


@settings(max_examples=200)
@given(st.data())
def test_mangled_consistency_proofs_are_rejected(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=2, max_value=100), label="n")
    m = data.draw(st.integers(min_value=1, max_value=n - 1), label="m")
    leaves = _leaves(n)
    old, new = root(leaves[:m]), root(leaves)
    proof = consistency_proof(m, leaves)
    assert proof
    position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="position")
    flipped = list(proof)
    flipped[position] = bytes([proof[position][0] ^ 1]) + proof[position][1:]
    assert not verify_consistency(m, n, old, new, flipped)
    assert not verify_consistency(m, n, old, new, proof[:-1])
    assert not verify_consistency(m, n, old, new, [*proof, b"\xcd" * 32])
    assert not verify_consistency(n, m, new, old, proof)


def test_consistency_edge_cases() -> None:
    leaves = _leaves(5)
    r4, r5 = root(leaves[:4]), root(leaves)
    assert verify_consistency(4, 4, r4, r4, [])
    assert not verify_consistency(4, 4, r4, r5, [])
    assert not verify_consistency(4, 4, r4, r4, [b"\x00" * 32])
    assert verify_consistency(0, 5, EMPTY_ROOT, r5, [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, r5, [b"\x00" * 32])
    assert not verify_consistency(4, 5, r4, r5, [])
    assert not verify_consistency(4, 5, r4, r5, [b"\x00" * 31])
    with pytest.raises(ValueError):
        consistency_proof_ranges(5, 4)


@given(st.integers(min_value=1, max_value=300), st.data())
def test_consistency_ranges_split_into_old_frontier_and_new_part(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(min_value=1, max_value=n))
    ranges = consistency_proof_ranges(m, n)
    covered = sorted(ranges)
    for (_, b), (c, _) in itertools.pairwise(covered):
        assert b <= c, "proof ranges are disjoint"
    frontier = Frontier()
    for leaf in _leaves(m):
        frontier.append(leaf)
    old_nodes = {span for span, _ in frontier.nodes()}
    for a, b in ranges:
        assert (a, b) in old_nodes or (m <= a and b <= n)
