"""The text form of a receipt reference kept on a 収納保留 reads back to the same reference."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.collection.records import (
    DebitReference,
    NoticeReference,
    RemittanceReference,
    parse_reference_key,
    reference_key,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=12)
references = st.one_of(
    st.builds(
        NoticeReference,
        st.integers(2000, 2099),
        st.text(alphabet="0123456789", min_size=11, max_size=11),
        st.integers(0, 4),
        st.integers(0, 9),
    ),
    st.builds(DebitReference, st.text(alphabet="0123456789", min_size=20, max_size=20)),
    st.builds(RemittanceReference, digits, st.integers(2000, 2099), st.integers(1, 12)),
)


@given(references)
def test_reference_key_round_trips(reference: object) -> None:
    assert parse_reference_key(reference_key(reference)) == reference  # type: ignore[arg-type]


def test_anything_else_is_not_a_reference() -> None:
    for text in (
        "",
        "NoticeReference(fiscal_year=2026, notice_number='26000000001', period=1, reissue=0)",
        "notice:2026:2600000000x:1:0",
        "notice:2026:26000000001:1",
        "remittance:123:2026-13",
        "remittance::2026-01",
        "debit:",
        "cheque:1",
    ):
        assert parse_reference_key(text) is None, text
