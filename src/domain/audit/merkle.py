"""RFC 9162 Merkle tree hashing, inclusion and consistency proofs (DESIGN §7, ADR 0008).

Pure functions over leaf hashes (standard library only). Definitions follow RFC 9162 §2.1:

- leaf hash ``SHA-256(0x00 ‖ data)``; interior node ``SHA-256(0x01 ‖ left ‖ right)`` (domain separation
  against second-preimage forgeries);
- ``MTH(D[n])`` for any ``n``: split at ``k``, the largest power of two smaller than ``n``; the empty tree
  hashes to ``SHA-256("")``;
- inclusion proofs ``PATH(m, D[n])`` (§2.1.3.1) and their verification (§2.1.3.2);
- consistency proofs ``PROOF(m, D[n])`` / ``SUBPROOF`` (§2.1.4.1) and their verification (§2.1.4.2).

Every proof node is the MTH of a contiguous range of leaves. The ``*_ranges`` functions return those
ranges, so a caller holding millions of leaves in a database can compute each node by streaming the range
(``Frontier``) instead of loading the tree: memory stays O(log n).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 ‖ data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 ‖ left ‖ right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class Frontier:
    """The compact range ``[0, size)``: roots of the perfect subtrees of the binary decomposition of size.

    Appending is amortised O(1); the state is at most ``log2(size) + 1`` hashes, so a tree over millions of
    leaves can be extended and its MTH computed without holding the leaves.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError("a frontier of size n holds exactly popcount(n) subtree hashes")
        self._size = size
        self._hashes = list(hashes)

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """Subtree roots, largest (leftmost) first."""
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> None:
        node = leaf
        size = self._size
        while size & 1:
            node = node_hash(self._hashes.pop(), node)
            size >>= 1
        self._hashes.append(node)
        self._size += 1

    def root(self) -> bytes:
        """``MTH`` of the leaves appended so far."""
        if not self._hashes:
            return EMPTY_ROOT
        acc = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            acc = node_hash(left, acc)
        return acc

    def nodes(self) -> list[tuple[Range, bytes]]:
        """``((start, end), hash)`` of each perfect subtree, left to right."""
        result: list[tuple[Range, bytes]] = []
        start = 0
        index = 0
        for bit in range(self._size.bit_length() - 1, -1, -1):
            width = 1 << bit
            if self._size & width:
                result.append(((start, start + width), self._hashes[index]))
                start += width
                index += 1
        return result

    def copy(self) -> Frontier:
        return Frontier(self._size, self._hashes)


def root(leaves: Sequence[bytes]) -> bytes:
    """``MTH(D[n])`` of a list of leaf hashes (RFC 9162 §2.1.1)."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


# -- inclusion (§2.1.3) -------------------------------------------------------------------------------


def inclusion_proof_ranges(index: int, size: int) -> list[Range]:
    """Leaf ranges whose MTHs form ``PATH(index, D[size])``, in proof order (bottom-up)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    suffix: list[Range] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            suffix.append((lo + k, hi))
            hi = lo + k
        else:
            suffix.append((lo, lo + k))
            lo, m = lo + k, m - k
    suffix.reverse()
    return suffix


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """``PATH(index, D[n])`` over a list of leaf hashes."""
    return [root(leaves[a:b]) for a, b in inclusion_proof_ranges(index, len(leaves))]


def _shift_until_odd(fn: int, sn: int) -> tuple[int, int]:
    """RFC 9162 §2.1.3.2 / §2.1.4.2: "until either LSB(fn) is set or fn is equal to 0, right-shift both"."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show ``leaf`` at ``index`` in the tree of ``size`` with this root?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if len(p) != HASH_SIZE or sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_until_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


# -- consistency (§2.1.4) -----------------------------------------------------------------------------


def consistency_proof_ranges(old_size: int, new_size: int) -> list[Range]:
    """Leaf ranges whose MTHs form ``PROOF(m, D[n])``, in proof order; empty when ``m`` is 0 or ``n``.

    The ranges are disjoint. Those below ``m`` are perfect subtrees of the old tree's frontier; the others
    lie in ``[m, n)``.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    suffix: list[Range] = []
    lo, hi, m, complete = 0, new_size, old_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            suffix.append((lo + k, hi))
            hi = lo + k
        else:
            suffix.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        suffix.append((lo, hi))
    suffix.reverse()
    return suffix


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """``PROOF(old_size, D[n])`` over a list of leaf hashes."""
    return proof_from_ranges(consistency_proof_ranges(old_size, len(leaves)), lambda a, b: root(leaves[a:b]))


def proof_from_ranges(ranges: Sequence[Range], range_root: Callable[[int, int], bytes]) -> list[bytes]:
    """Materialise a proof given a function computing ``MTH(D[a:b])``."""
    return [range_root(a, b) for a, b in ranges]


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (old_size, old_root) a prefix of (new_size, new_root)?

    Edge cases as in transparency-dev/merkle: equal sizes need an empty proof and equal roots; an empty old
    tree is consistent with anything (empty proof); a shrinking tree is never consistent.
    """
    if not 0 <= old_size <= new_size:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # exact power of two: the old root is itself a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _shift_until_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
