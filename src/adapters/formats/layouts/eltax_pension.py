"""公的年金等支払報告書 CSV, 法定資料の種類 331 — layout descriptors.

331-H26: the 49-column layout encoded by arakanema/nenpou_csv_validator
(``nenpou_csv_validator.rb``, version 20141004) [B], following 総税市第49号 (平成25年11月21日)
技術基準. It predates 個人番号 (平成28年分〜).

331-R06J: OUR extension for 年分 ≥ 2016: the 49 cited columns unchanged, then 受給者の個人番号,
提出義務者の法人番号 and the spouse / dependents blocks in the same shape as the 315
layout. The current official 331 layout (with 個人番号 etc.) is in the eLTAX 統一CSV /
様式タグ仕様書, which was not available (reference/formats.md §4.3, [C]).
"""

from __future__ import annotations

from adapters.formats.layouts import FAMILY_COLUMNS, Layout

_BASE: tuple[tuple[str, str], ...] = (
    ("form", "法定資料の種類"),
    ("payer_ref1", "整理番号1"),
    ("payer_branch", "本支店等区分番号"),
    ("payer_address", "提出義務者の住所又は所在地"),
    ("payer_name", "提出義務者の氏名又は名称"),
    ("payer_phone", "提出義務者の電話番号"),
    ("payer_ref2", "整理番号2"),
    ("submitter_address", "提出者の住所又は所在地"),
    ("submitter_name", "提出者の氏名又は名称"),
    ("submission_kind", "訂正表示"),
    ("year", "年分"),
    ("address", "支払を受ける者の住所又は居所"),
    ("abroad", "国外住所表示"),
    ("name", "支払を受ける者の氏名"),
    ("birth_era", "受給者の生年月日（元号）"),
    ("birth_yy", "受給者の生年月日（年）"),
    ("birth_mm", "受給者の生年月日（月）"),
    ("birth_dd", "受給者の生年月日（日）"),
    *(
        col
        for n in (1, 2, 3)
        for col in (
            (f"art{n}_paid", f"所得税法第203条の3第{n}号適用分（支払金額）"),
            (f"art{n}_unpaid", f"所得税法第203条の3第{n}号適用分（未払金額）"),
            (f"art{n}_withheld", f"所得税法第203条の3第{n}号適用分（源泉徴収税額）"),
            (f"art{n}_unwithheld", f"所得税法第203条の3第{n}号適用分（未徴収税額）"),
        )
    ),
    ("self_special_disabled", "本人（特別障害者）"),
    ("self_other_disabled", "本人（その他の障害者）"),
    ("aged", "本人（老年者）"),
    ("spouse_flag", "控除対象配偶者の有無等"),
    ("elderly_dependents", "控除対象扶養親族の数（老人）"),
    ("other_dependents", "控除対象扶養親族の数（その他）"),
    ("special_disabled", "障害者の数（特別障害者）"),
    ("other_disabled", "障害者の数（その他）"),
    ("social_insurance", "社会保険料の金額"),
    ("specified_dependents", "控除対象扶養親族の数（特定）"),
    ("remarks", "摘要"),
    ("special_disabled_cohabit", "障害者の数（特別障害者のうち同居）"),
    ("special_widow", "本人（特別寡婦）"),
    ("widow", "本人（寡婦・寡夫）"),
    ("under16_count", "16歳未満の扶養親族の数"),
    ("kana", "カナ氏名"),
    ("recipient_number", "受給者番号"),
    ("destination_code", "提出先市町村コード"),
    ("designation_number", "指定番号"),
)

_EXTENSION: tuple[tuple[str, str], ...] = (
    ("my_number", "受給者の個人番号"),
    ("corporate_number", "提出義務者の法人番号"),
    *FAMILY_COLUMNS,
)

PENSION_H26 = Layout(
    layout_id="331-H26",
    form="331",
    first_year=2014,
    last_year=2015,
    columns=_BASE,
    source="arakanema/nenpou_csv_validator nenpou_csv_validator.rb (20141004), 総税市第49号",
)
PENSION_R06J = Layout(
    layout_id="331-R06J",
    form="331",
    first_year=2016,
    last_year=None,
    columns=(*_BASE, *_EXTENSION),
    source="331-H26 + juminzei extension (個人番号・扶養親族 blocks) [C: ours]",
)
PENSION_LAYOUTS: tuple[Layout, ...] = (PENSION_R06J, PENSION_H26)
YEAR_INDEX = 10
assert len(PENSION_H26) == 49 and len(PENSION_R06J) == 49 + 38
assert all(layout.index["year"] == YEAR_INDEX for layout in PENSION_LAYOUTS)
