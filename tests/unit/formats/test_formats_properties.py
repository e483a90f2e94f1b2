"""Property tests: any well-formed record survives write → parse unchanged."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import formats_samples as S
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.formats import eltax_salary, resident_registry
from domain.intake import ChangeReason, Sex

KANJI = "山田川中村小林佐藤鈴木高橋渡辺伊藤花子太郎一郎々"
KATAKANA = "アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダヂヅデドナニヌネノハヒフヘホバビブベボパピプペポマミムメモヤユヨラリルレロワヲンァィゥェォッャュョヴー"

names = st.builds(
    lambda a, b: f"{a}\u3000{b}",
    st.text(alphabet=KANJI, min_size=1, max_size=6),
    st.text(alphabet=KANJI, min_size=1, max_size=6),
)
kanas = st.builds(
    lambda a, b: f"{a}\u3000{b}",
    st.text(alphabet=KATAKANA, min_size=1, max_size=8),
    st.text(alphabet=KATAKANA, min_size=1, max_size=8),
)
amounts = st.integers(min_value=0, max_value=10**10 - 1)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    kana=kanas,
    birth=birth_dates,
    sex=st.sampled_from(list(Sex)),
    reason=st.sampled_from(list(ChangeReason)),
    address=st.text(alphabet=KANJI + "０１２３番号丁目,\"' -", min_size=1, max_size=60).filter(
        lambda s: s.strip(" \u3000") == s
    ),
    number=st.one_of(st.none(), st.integers(0, 10**4).map(S.mn)),
)
def test_resident_registry_roundtrip_property(name, kana, birth, sex, reason, address, number) -> None:  # type: ignore[no-untyped-def]
    rec = S.resident(
        1, name=name, kana=kana, birth_date=birth, change_date=max(birth, date(2025, 1, 1)), sex=sex
    )
    rec = replace(rec, change_reason=reason, address=address, individual_number=number)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "r.csv"
        resident_registry.write(p, [rec])
        out = resident_registry.parse(p)
    assert out.errors == [] and out.records[0].record == rec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    kana=kanas,
    birth=birth_dates,
    pay=amounts,
    withheld=amounts,
    social=amounts,
    year=st.sampled_from([2020, 2023, 2024, 2025, 2026]),
    ordinary=st.booleans(),
)
def test_eltax_salary_roundtrip_property(name, kana, birth, pay, withheld, social, year, ordinary) -> None:  # type: ignore[no-untyped-def]
    rec = S.salary(
        1, year, name=name, kana=kana, birth_date=birth, payment_amount=pay, withholding_tax=withheld
    )
    rec = replace(rec, social_insurance=social, ordinary_collection=ordinary)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "s.csv"
        eltax_salary.write(p, [rec])
        out = eltax_salary.parse(p)
    assert out.errors == [] and out.records[0].record == rec
