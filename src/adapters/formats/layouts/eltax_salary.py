"""給与支払報告書（個人別明細書）統一CSV, 法定資料の種類 315 — layout descriptors.

Column order: chumaltd/luca-jp ``lib/luca_salary/jp_payreport.rb`` (統一CSV writer) [B],
itself following eLTAX news 09390「給与支払報告書・源泉徴収票 統一CSVレイアウト」 and the NTA
法定調書 CSV rules. luca-jp leaves 35 columns (after 寡夫, up to column 90) unnamed; the
names we give them (勤労学生 … 予備) are OUR reading of the NTA 源泉徴収票 item order
[C — verify against the eLTAX 統一CSV sheet of the 年分 received]; of those we only read
中途就・退職 and 摘要. From 令和7年分 luca-jp appends three 特定親族特別控除 columns before
作成区分 (144 → 147 columns).
"""

from __future__ import annotations

from adapters.formats.layouts import FAMILY_COLUMNS, Layout

_HEAD: tuple[tuple[str, str], ...] = (
    ("form", "法定資料の種類"),
    ("payer_ref1", "整理番号1"),
    ("payer_branch", "本支店等区分番号"),
    ("payer_address", "提出義務者の住所又は所在地"),
    ("payer_name", "提出義務者の氏名又は名称"),
    ("payer_phone", "提出義務者の電話番号"),
    ("payer_ref2", "整理番号2"),
    ("submitter_address", "提出者の住所又は所在地"),
    ("submitter_name", "提出者の氏名又は名称"),
    ("submission_kind", "提出区分"),
    ("year", "年分"),
    ("address", "支払を受ける者の住所又は居所"),
    ("abroad", "国外住所表示"),
    ("name", "支払を受ける者の氏名"),
    ("title", "役職名"),
    ("payment_kind", "種別"),
    ("payment_amount", "支払金額"),
    ("unpaid_amount", "未払金額"),
    ("income_after_deduction", "給与所得控除後の給与等の金額"),
    ("total_deductions", "所得控除の額の合計額"),
    ("withholding_tax", "源泉徴収税額"),
    ("unwithheld_tax", "未徴収税額"),
    ("spouse_flag", "控除対象配偶者の有無等"),
    ("elderly_spouse", "老人控除対象配偶者"),
    ("spouse_deduction", "配偶者（特別）控除の額"),
    ("specified_main", "控除対象扶養親族の数（特定・主）"),
    ("specified_sub", "控除対象扶養親族の数（特定・従）"),
    ("elderly_main", "控除対象扶養親族の数（老人・主）"),
    ("elderly_cohabit", "控除対象扶養親族の数（老人・上の内訳）"),
    ("elderly_sub", "控除対象扶養親族の数（老人・従）"),
    ("other_main", "控除対象扶養親族の数（その他・主）"),
    ("other_sub", "控除対象扶養親族の数（その他・従）"),
    ("special_disabled", "障害者の数（特別障害者）"),
    ("special_disabled_cohabit", "障害者の数（上の内訳）"),
    ("other_disabled", "障害者の数（その他）"),
    ("social_insurance", "社会保険料等の金額"),
    ("small_business", "上の内訳（小規模企業共済等掛金）"),
    ("life_insurance", "生命保険料の控除額"),
    ("earthquake_insurance", "地震保険料の控除額"),
    ("housing_loan_credit", "住宅借入金等特別控除等の額"),
    ("old_annuity", "旧個人年金保険料の金額"),
    ("spouse_income", "配偶者の合計所得"),
    ("old_long_term", "旧長期損害保険料の金額"),
    ("birth_era", "受給者の生年月日（元号）"),
    ("birth_yy", "受給者の生年月日（年）"),
    ("birth_mm", "受給者の生年月日（月）"),
    ("birth_dd", "受給者の生年月日（日）"),
    ("has_husband", "夫あり"),
    ("minor", "未成年者"),
    ("otsu", "乙欄適用"),
    ("self_special_disabled", "本人が特別障害者"),
    ("self_other_disabled", "本人がその他の障害者"),
    ("aged", "老年者"),
    ("widow", "寡婦"),
    ("widower", "寡夫"),
    # --- 35 columns not named by luca-jp: OUR reading [C] ---
    ("working_student", "勤労学生"),
    ("death_retirement", "死亡退職"),
    ("disaster", "災害者"),
    ("foreigner", "外国人"),
    ("job_change", "中途就・退職（区分）"),
    ("job_change_yy", "中途就・退職（年）"),
    ("job_change_mm", "中途就・退職（月）"),
    ("job_change_dd", "中途就・退職（日）"),
    ("remarks", "摘要"),
    ("housing_count", "住宅借入金等特別控除適用数"),
    ("housing_possible", "住宅借入金等特別控除可能額"),
    ("housing1_yy", "居住開始年月日（1回目・年）"),
    ("housing1_mm", "居住開始年月日（1回目・月）"),
    ("housing1_dd", "居住開始年月日（1回目・日）"),
    ("housing1_kind", "住宅借入金等特別控除区分（1回目）"),
    ("housing1_balance", "住宅借入金等年末残高（1回目）"),
    ("housing2_yy", "居住開始年月日（2回目・年）"),
    ("housing2_mm", "居住開始年月日（2回目・月）"),
    ("housing2_dd", "居住開始年月日（2回目・日）"),
    ("housing2_kind", "住宅借入金等特別控除区分（2回目）"),
    ("housing2_balance", "住宅借入金等年末残高（2回目）"),
    ("new_life", "新生命保険料の金額"),
    ("old_life", "旧生命保険料の金額"),
    ("care_medical", "介護医療保険料の金額"),
    ("new_annuity", "新個人年金保険料の金額"),
    *((f"reserved{i}", f"予備{i}") for i in range(1, 11)),
    # --- named again by luca-jp ---
    ("under16_count", "16歳未満扶養親族の数"),
    ("national_pension", "国民年金保険料等の金額"),
    ("nonresident_relatives", "非居住者である親族の数"),
    ("corporate_number", "法人番号"),
    ("my_number", "受給者の個人番号"),
    *FAMILY_COLUMNS,
    ("dep5_plus", "5人目以降の控除対象扶養親族（個人番号・氏名）"),
    ("u16_5_plus", "5人目以降の16歳未満の扶養親族（個人番号・氏名）"),
    ("ordinary_collection", "普通徴収"),
    ("blue_family_employee", "青色専従者"),
    ("treaty_exempt", "条約免除"),
    ("kana", "支払を受ける者のフリガナ（半角）"),
    ("recipient_number", "受給者番号"),
    ("destination_code", "提出先市町村コード"),
    ("designation_number", "指定番号"),
    ("basic_deduction", "基礎控除の額"),
    ("adjustment_deduction", "所得金額調整控除額"),
    ("single_parent", "ひとり親"),
)

SALARY_R06 = Layout(
    layout_id="315-R06",
    form="315",
    first_year=2020,
    last_year=2024,
    columns=(*_HEAD, ("creation_kind", "作成区分")),
    source="chumaltd/luca-jp lib/luca_salary/jp_payreport.rb (年分 ≤ 2024); cols 56–90 named by us [C]",
)

SALARY_R07 = Layout(
    layout_id="315-R07",
    form="315",
    first_year=2025,
    last_year=None,
    columns=(
        *_HEAD,
        ("specified_relative_count", "特定親族の数"),
        ("specified_relative_deduction", "特定親族特別控除の額"),
        ("specified_relative_reserved", "特定親族特別控除（予備）"),
        ("creation_kind", "作成区分"),
    ),
    source="chumaltd/luca-jp jp_payreport.rb (年分 ≥ 2025 adds 3 特定親族特別控除 columns; their names are ours [C])",
)

SALARY_LAYOUTS: tuple[Layout, ...] = (SALARY_R07, SALARY_R06)

# 年分 is at the same position in every 315 layout, so a line can be routed to its
# layout before the rest is read.
YEAR_INDEX = 10
assert len(SALARY_R06) == 144 and len(SALARY_R07) == 147
assert all(layout.index["year"] == YEAR_INDEX for layout in SALARY_LAYOUTS)
