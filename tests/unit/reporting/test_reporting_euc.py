"""EUC aggregates: grouping, sums, primary (min_cell) and complementary suppression."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reporting_samples import payer, per_capita_only, row, survey_rows

from domain.reporting import SUPPRESSED, SurveyRow, aggregate, classify


def _group(n: int, **overrides: object) -> list[SurveyRow]:
    return [payer(**overrides) for _ in range(n)]


def test_nine_is_suppressed_ten_is_shown() -> None:
    rows = (
        _group(9, salary=0, business_income=5_000_000)  # 営業等所得者 × 9
        + _group(10)  # 給与所得者 × 10
        + [per_capita_only(pension_income=1_000_000) for _ in range(3)]  # その他 × 3
    )
    out = aggregate(rows, by=("income_class",), measures=("municipal_income_levy",), min_cell=10)
    by_class = {r["income_class"]: r for r in out}
    assert list(by_class) == ["給与所得者", "営業等所得者", "その他の所得者"]  # official order
    assert by_class["給与所得者"] == {
        "income_class": "給与所得者",
        "persons": 10,
        "municipal_income_levy": 10 * 150_000,
    }
    # two cells are masked, so the 10 needs no complementary suppression
    assert by_class["営業等所得者"] == {
        "income_class": "営業等所得者",
        "persons": SUPPRESSED,
        "municipal_income_levy": SUPPRESSED,
    }
    assert by_class["その他の所得者"]["persons"] == SUPPRESSED


def test_marker_and_no_sums_leak() -> None:
    rows = _group(3, donation_amount=77_777) + _group(12, salary=0, business_income=1)
    out = aggregate(rows, by=("income_class",), measures=("donation_amount", "total_income"), min_cell=10)
    assert SUPPRESSED == "X"
    for record in out:
        values = [record["persons"], record["donation_amount"], record["total_income"]]
        assert all(v == SUPPRESSED for v in values)  # 1 small cell → its complement is masked too
    assert all("77777" not in str(record.values()) for record in out)


def test_complementary_suppression_one_dimension() -> None:
    rows = (
        _group(9, salary=0, business_income=5_000_000)  # masked (primary)
        + _group(10)  # smallest shown cell → masked (complementary)
        + _group(30, salary=0, pension_income=3_000_000)  # stays
    )
    out = {r["income_class"]: r for r in aggregate(rows, by=("income_class",), measures=(), min_cell=10)}
    assert out["営業等所得者"]["persons"] == SUPPRESSED
    assert out["給与所得者"]["persons"] == SUPPRESSED
    assert out["その他の所得者"]["persons"] == 30


def test_complementary_suppression_two_dimensions() -> None:
    # rows: income_class × one_stop
    rows = (
        _group(20, one_stop=False)
        + _group(5, one_stop=True)  # primary: 給与 × one_stop
        + _group(25, salary=0, business_income=9_000_000, one_stop=False)
        + _group(12, salary=0, business_income=9_000_000, one_stop=True)
    )
    out = aggregate(rows, by=("income_class", "one_stop"), measures=("donation_amount",), min_cell=10)
    masked = {(r["income_class"], r["one_stop"]) for r in out if r["persons"] == SUPPRESSED}
    # the 給与 line needs one more (20), the one_stop=True column needs one more (12); then the 営業等
    # line and the one_stop=False column each hold one masked cell, so 25 goes too.
    assert masked == {
        ("給与所得者", True),
        ("給与所得者", False),
        ("営業等所得者", True),
        ("営業等所得者", False),
    }


def test_single_cell_line_cannot_be_complemented() -> None:
    out = aggregate(_group(4), by=("income_class",), measures=("total_income",))
    assert out == [{"income_class": "給与所得者", "persons": SUPPRESSED, "total_income": SUPPRESSED}]


def test_no_grouping_gives_one_total() -> None:
    out = aggregate(_group(10), by=(), measures=("municipal_income_levy",))
    assert out == [{"persons": 10, "municipal_income_levy": 1_500_000}]


def test_band_and_field_dimensions_sort_in_official_order() -> None:
    rows = (
        _group(10, taxable=200_000_000)
        + _group(10, taxable=50_000)
        + _group(10, taxable=3_000_000)
        + [row(status="非課税") for _ in range(10)]
    )
    out = aggregate(rows, by=("band",), measures=("taxable_income",), min_cell=10)
    assert [r["band"] for r in out] == ["10万円以下", "200万円超300万円以下", "1億円超"]
    assert out[0]["persons"] == 20  # 非課税 rows have 課税標準額 0
    by_status = aggregate(rows, by=("status",), measures=())
    assert [(r["status"], r["persons"]) for r in by_status] == [("課税", 30), ("非課税", 10)]


@pytest.mark.parametrize(
    ("by", "measures", "min_cell"),
    [
        (("no_such_field",), (), 10),
        ((), ("status",), 10),  # not an amount
        ((), ("one_stop",), 10),  # bool is not a measure
        (("persons",), (), 10),
        ((), ("total_income", "total_income"), 10),
        (("total_income",), ("total_income",), 10),
        ((), (), 0),
    ],
)
def test_invalid_requests(by: tuple[str, ...], measures: tuple[str, ...], min_cell: int) -> None:
    with pytest.raises(ValueError):
        aggregate(_group(10), by=by, measures=measures, min_cell=min_cell)


@settings(max_examples=60, deadline=None)
@given(st.lists(survey_rows(), max_size=60), st.integers(min_value=1, max_value=12))
def test_suppression_invariants(rows: list[SurveyRow], min_cell: int) -> None:
    by = ("income_class", "one_stop")
    out = aggregate(rows, by=by, measures=("total_income",), min_cell=min_cell)
    truth: Counter[tuple[object, object]] = Counter((classify(r), r.one_stop) for r in rows)
    assert len(out) == len(truth)
    for record in out:
        key = (record["income_class"], record["one_stop"])
        if record["persons"] == SUPPRESSED:
            assert record["total_income"] == SUPPRESSED
        else:
            assert record["persons"] == truth[key] >= min_cell
            assert record["total_income"] == sum(
                r.total_income for r in rows if (classify(r), r.one_stop) == key
            )
        assert truth[key] >= min_cell or record["persons"] == SUPPRESSED
    # no line along either dimension holds exactly one masked cell among several
    for d in range(2):
        lines: dict[object, list[bool]] = {}
        for record in out:
            key = (record["income_class"], record["one_stop"])
            lines.setdefault(key[1 - d], []).append(record["persons"] == SUPPRESSED)
        for flags in lines.values():
            assert not (len(flags) > 1 and sum(flags) == 1)
