"""Deterministic synthetic municipality (目黒区-like special ward) for demos and tests.

``generate(out_dir, taxpayers, seed, fiscal_year)`` writes, in one streaming pass over
households, the intake files of one 年度 (income of ``fiscal_year - 1``) in their real
encodings through the format adapters' own writers, plus ``manifest.json``. Output is
byte-identical for the same (taxpayers, seed, fiscal_year): one ``random.Random(seed)``
drives everything, nothing depends on time, hash seeds or dict order of sets.

Memory is bounded: only the employer table (≈ taxpayers × 0.6 / 20 rows), per-employer
counters and the few deliberate anomalies are held; every other row is written as soon
as its household is generated.

Amounts are plausible, not statutory computations: 給与所得控除 / 公的年金等控除 / the
withholding are rough approximations (see docs/generate.md); the tax engine is elsewhere.
"""

from __future__ import annotations

import bisect
import json
import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from adapters.formats import (
    bank_payments,
    cvs_payments,
    debit_mandates,
    disability,
    eltax_payments,
    eltax_pension,
    eltax_salary,
    employers,
    etax_return,
    furusato_notice,
    public_assistance,
    resident_registry,
)
from adapters.formats._base import (
    corporate_number_check_digit,
    local_gov_check_digit,
    my_number_check_digit,
    sha256_file,
)
from adapters.formats.layouts import pick
from adapters.formats.layouts.eltax_pension import PENSION_LAYOUTS
from adapters.formats.layouts.eltax_salary import SALARY_LAYOUTS
from adapters.formats.zengin import zengin_kana
from application.assessment.documents import DEFAULT_CVS_COMPANY_CODE, notice_number
from domain.collection.records import (
    AccountType,
    Channel,
    DebitMandate,
    MandateAction,
    NoticeReference,
    Receipt,
)
from domain.documents import barcode
from domain.intake import (
    VALID_GRADES,
    AssistanceKind,
    ChangeReason,
    CollectionMethod,
    Dependent,
    DependentKind,
    DisabilityCertificate,
    DisabilityRecord,
    DisabilitySelf,
    Donation,
    DonationKind,
    Employer,
    FurusatoNotice,
    PensionReport,
    PublicAssistanceRecord,
    RegistrationKind,
    ResidentRecord,
    SalaryReport,
    Sex,
    SubmissionKind,
    TaxReturn,
    classify_disability,
)
from tools.synthetic import names as V

WARD_CODE = V.WARD_CODE5 + local_gov_check_digit(V.WARD_CODE5)
ANOMALY_KINDS = (
    "unmatched_person",
    "name_mismatch",
    "duplicate_record",
    "corrected_record",
    "dependent_claimed_twice",
)
FILES = {  # kind -> file name, in import order
    "resident-registry": "resident_registry.csv",
    "employers": "employers.csv",
    "public-assistance": "public_assistance.csv",
    "disability": "disability.csv",
    "eltax-salary": "eltax_salary_315.csv",
    "eltax-pension": "eltax_pension_331.csv",
    "etax-return": "etax_returns.xml",
    "furusato-notice": "furusato_notices.csv",
    "debit-mandates": "debit_mandates.csv",
}
#: Sample receipts, imported after the levy and ``ledger open`` (manifest key ``payment_files``).
PAYMENT_FILES = {
    "bank-payments": "sample_bank_payments.csv",
    "cvs-payments": "sample_cvs_payments.csv",
    "eltax-payments": "sample_eltax_payments.csv",
}
#: Anomalies in the sample payment files (beside ``ANOMALY_KINDS`` in the intake files).
PAYMENT_ANOMALY_KINDS = ("unknown_payment_reference", "duplicate_payment")
#: A notice number no ledger has (年度下2桁 99…): its sample receipt must land in 収納保留.
UNKNOWN_NOTICE = "99999999999"
#: Banks and branches that exist in the zengin-code master (みずほ本店, 三菱UFJ本店, 三井住友本店, ゆうちょ以外).
MANDATE_BANKS = (("0001", "001"), ("0005", "001"), ("0009", "001"))
ENCODINGS = {k: "utf-8" for k in FILES} | {"eltax-salary": "cp932", "eltax-pension": "cp932"}


def _full_digits(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))


# --------------------------------------------------------------------------- approximate amounts


def salary_income(revenue: int, year: int) -> int:
    """給与所得 after 給与所得控除 (所得税法第28条; 令和7年分 minimum 65万円). Approximate:
    ignores the 別表第五 rounding below 660万円."""
    if year >= 2025:
        if revenue <= 1_900_000:
            return max(0, revenue - 650_000)
    else:
        if revenue <= 1_625_000:
            return max(0, revenue - 550_000)
        if revenue <= 1_800_000:
            return revenue - (revenue * 40 // 100 - 100_000)
    if revenue <= 3_600_000:
        return revenue - (revenue * 30 // 100 + 80_000)
    if revenue <= 6_600_000:
        return revenue - (revenue * 20 // 100 + 440_000)
    if revenue <= 8_500_000:
        return revenue - (revenue * 10 // 100 + 1_100_000)
    return revenue - 1_950_000


def pension_income(revenue: int) -> int:
    """公的年金等に係る雑所得, age ≥ 65, other income ≤ 1,000万円 (所得税法第35条第4項), approx."""
    if revenue <= 3_300_000:
        return max(0, revenue - 1_100_000)
    if revenue <= 4_100_000:
        return revenue - (revenue * 25 // 100 + 275_000)
    if revenue <= 7_700_000:
        return revenue - (revenue * 15 // 100 + 685_000)
    if revenue <= 10_000_000:
        return revenue - (revenue * 5 // 100 + 1_455_000)
    return revenue - 1_955_000


_BRACKETS = (
    (1_950_000, 5, 0),
    (3_300_000, 10, 97_500),
    (6_950_000, 20, 427_500),
    (9_000_000, 23, 636_000),
    (18_000_000, 33, 1_536_000),
    (40_000_000, 40, 2_796_000),
    (10**12, 45, 4_796_000),
)


def income_tax(taxable: int) -> int:
    """所得税 + 復興特別所得税 (×1.021), rounded down to 100 yen. Approximate."""
    taxable = max(0, taxable // 1000 * 1000)
    for limit, pct, sub in _BRACKETS:
        if taxable <= limit:
            base = max(0, taxable * pct // 100 - sub)
            return base * 1021 // 1000 // 100 * 100
    raise AssertionError


# --------------------------------------------------------------------------- people


@dataclass
class Person:
    serial: int
    address_number: str
    my_number: str | None
    surname: tuple[str, str]
    given: tuple[str, str]
    sex: Sex
    birth: date
    relationship: str
    role: str = "none"  # salary / self_employed / pensioner / student / none / child
    salary: int = 0
    employer: int = -1
    left_on: date | None = None
    pension: int = 0
    business_revenue: int = 0
    real_estate_revenue: int = 0
    dividend_revenue: int = 0
    furusato: list[tuple[int, int]] = field(default_factory=list)  # (municipality idx, amount)
    medical: int = 0
    disabled: DisabilityCertificate | None = None
    grade: str = ""

    @property
    def name(self) -> str:
        return f"{self.surname[0]}\u3000{self.given[0]}"

    @property
    def kana(self) -> str:
        return f"{self.surname[1]}\u3000{self.given[1]}"

    def age_at(self, d: date) -> int:
        return d.year - self.birth.year - ((d.month, d.day) < (self.birth.month, self.birth.day))


@dataclass
class EmployerInfo:
    record: Employer
    small: bool
    phone: str
    employees: int = 0


@dataclass
class Household:
    number: str
    members: list[Person]
    address: str
    address_code: str
    registration: RegistrationKind = RegistrationKind.RESIDENT
    moved_in: date | None = None  # 転入 during the period
    moved_out: date | None = None
    on_assistance: bool = False


class _Gen:
    def __init__(self, out_dir: Path, taxpayers: int, seed: int, fiscal_year: int) -> None:
        if taxpayers < 1:
            raise ValueError("taxpayers must be ≥ 1")
        if pick(SALARY_LAYOUTS, fiscal_year - 1) is None or pick(PENSION_LAYOUTS, fiscal_year - 1) is None:
            raise ValueError("no 給与/年金 layout for that 年分")
        self.out = out_dir
        self.n = taxpayers
        self.seed = seed
        self.fy = fiscal_year
        self.year = fiscal_year - 1  # income year (年分)
        self.jan1 = date(fiscal_year, 1, 1)
        self.rng = random.Random(f"juminzei-synthetic:{seed}:{fiscal_year}")
        self.serial = 0
        self.payment_serial = 0
        self.household_serial = 0
        self.mn_offset = self.rng.randrange(10**10, 10**11)
        self.anomalies: list[dict[str, Any]] = []
        self.deferred_salary: list[tuple[str, SalaryReport]] = []
        self.anomaly_quota = max(1, taxpayers // 2000)
        self.anomaly_counts = dict.fromkeys(ANOMALY_KINDS, 0)
        self.counts: dict[str, int] = {}
        self.salary_layout = pick(SALARY_LAYOUTS, self.year)
        self.pension_layout = pick(PENSION_LAYOUTS, self.year)
        self.notice_serial = 0
        self.case_serial = 0
        self.pending_twice = -1
        self._make_employers()

    # ------------------------------------------------------------------ ids
    def new_person_ids(self, with_my_number: bool = True) -> tuple[int, str, str | None]:
        self.serial += 1
        s = self.serial
        addr_no = f"{100000 + s * 3:010d}"
        mn = None
        if with_my_number:
            base = f"{(s * 7919 + self.mn_offset) % 10**11:011d}"
            mn = base + my_number_check_digit(base)
        return s, addr_no, mn

    def stray_my_number(self) -> str:
        # from a range the serial-based numbers never reach for realistic N
        base = f"{(10**11 - 1 - self.rng.randrange(10**6) * 7919 - self.mn_offset) % 10**11:011d}"
        return base + my_number_check_digit(base)

    # ------------------------------------------------------------------ employers
    def _make_employers(self) -> None:
        rng = self.rng
        expected_earners = max(1, round(self.n * 0.62))
        k = max(1, math.ceil(expected_earners / 20))
        self.employers: list[EmployerInfo] = []
        for i in range(k):
            individual = rng.random() < 0.08
            if individual:
                sn = rng.choice(V.SURNAMES)
                biz = rng.choice(V.INDIVIDUAL_BUSINESSES)
                name, kana, corp = f"{sn[0]}{biz[0]}", f"{sn[1]}{biz[1]}", None
            else:
                form, stem, suf = (
                    rng.choice(V.EMPLOYER_FORMS),
                    rng.choice(V.EMPLOYER_STEMS),
                    rng.choice(V.EMPLOYER_SUFFIXES),
                )
                name = f"{form[0]}{stem[0]}{suf[0]}"
                kana = f"{form[1]}\u3000{stem[1]}{suf[1]}"
                base = f"{rng.randrange(10**11, 10**12):012d}"
                corp = corporate_number_check_digit(base) + base
            ward, towns = rng.choice(V.EMPLOYER_WARDS)
            town = rng.choice(towns)
            address = f"{ward}{town}{V.KANJI_NUM[rng.randint(1, 4)]}丁目{_full_digits(rng.randint(1, 30))}番{_full_digits(rng.randint(1, 20))}号"
            phone = f"03-{rng.randint(3000, 6999)}-{rng.randint(0, 9999):04d}"
            rec = Employer(
                designation_number=f"{20000000 + i * 7 + 1:08d}",
                corporate_number=corp,
                name=name,
                kana=kana,
                address=address,
                postal_code=f"1{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}",
                phone=phone,
                contact_department="総務部" if not individual else "事務",
                email=f"payroll{i + 1}@example.jp",
            )
            self.employers.append(EmployerInfo(rec, small=individual or rng.random() < 0.06, phone=phone))
        # Zipf-like sizes: a few large employers, many small ones
        weights = [1.0 / (i + 1) ** 0.9 for i in range(k)]
        order = list(range(k))
        rng.shuffle(order)
        self.employer_order = order
        acc = 0.0
        self.employer_cum: list[float] = []
        for w in weights:
            acc += w
            self.employer_cum.append(acc)

    def pick_employer(self) -> int:
        x = self.rng.random() * self.employer_cum[-1]
        return self.employer_order[min(bisect.bisect_left(self.employer_cum, x), len(self.employer_cum) - 1)]

    # ------------------------------------------------------------------ households
    def random_date(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=self.rng.randint(0, max(0, span)))

    def birth_for_age(self, age: int) -> date:
        # age as of 1 January of the fiscal year
        end = date(self.fy - age, 1, 1) - timedelta(days=1)
        return end - timedelta(days=self.rng.randint(0, 364))

    def ward_address(self) -> tuple[str, str]:
        rng = self.rng
        town, code, chome_max = rng.choice(V.TOWNS)
        chome = rng.randint(1, chome_max)
        addr = f"東京都目黒区{town}{V.KANJI_NUM[chome]}丁目{_full_digits(rng.randint(1, 30))}番{_full_digits(rng.randint(1, 25))}号"
        if rng.random() < 0.55:
            addr += f"\u3000{town}{rng.choice(V.BUILDINGS)}{_full_digits(rng.randint(1, 12) * 100 + rng.randint(1, 9))}"
        return addr, f"{WARD_CODE}{code}{chome:02d}"

    def make_person(self, surname: tuple[str, str], sex: Sex, age: int, relationship: str) -> Person:
        s, addr_no, mn = self.new_person_ids(with_my_number=self.rng.random() > 0.004)
        given = self.rng.choice(V.MALE_GIVEN if sex is Sex.M else V.FEMALE_GIVEN)
        return Person(s, addr_no, mn, surname, given, sex, self.birth_for_age(age), relationship)

    def make_household(self) -> Household:
        rng = self.rng
        self.household_serial += 1
        number = f"{5000000000 + self.household_serial * 11:010d}"
        surname = rng.choice(V.SURNAMES)
        r = rng.random()
        members: list[Person] = []
        if r < 0.03:  # 住登外 (家屋敷課税 etc.)
            p = self.make_person(surname, rng.choice((Sex.M, Sex.F)), rng.randint(35, 80), "世帯主")
            if rng.random() < 0.5:
                p.my_number = None
            members.append(p)
            pref, code5 = rng.choice(V.OTHER_MUNICIPALITIES)
            addr = f"{pref}{rng.choice(('本町', '中央', '緑町', '旭町'))}{V.KANJI_NUM[rng.randint(1, 5)]}丁目{_full_digits(rng.randint(1, 30))}番{_full_digits(rng.randint(1, 20))}号"
            hh = Household(
                number,
                members,
                addr,
                f"{code5}{local_gov_check_digit(code5)}00000",
                RegistrationKind.NON_RESIDENT,
            )
            self.assign_roles(hh)
            return hh
        addr, code = self.ward_address()
        if r < 0.45:  # single working-age
            members.append(
                self.make_person(surname, rng.choice((Sex.M, Sex.F)), rng.randint(19, 64), "世帯主")
            )
        elif r < 0.55:  # single elderly
            members.append(
                self.make_person(surname, rng.choice((Sex.M, Sex.F, Sex.F)), rng.randint(65, 96), "世帯主")
            )
        elif r < 0.70:  # couple
            age = rng.randint(25, 85)
            members.append(self.make_person(surname, Sex.M, age, "世帯主"))
            members.append(self.make_person(surname, Sex.F, max(20, age + rng.randint(-6, 3)), "妻"))
        elif r < 0.95:  # family with children
            age = rng.randint(28, 58)
            members.append(self.make_person(surname, Sex.M, age, "世帯主"))
            members.append(self.make_person(surname, Sex.F, max(24, age + rng.randint(-5, 2)), "妻"))
            for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
                child_age = rng.randint(0, min(24, age - 22))
                members.append(self.make_person(surname, rng.choice((Sex.M, Sex.F)), child_age, "子"))
            if rng.random() < 0.05:  # three generations
                members.append(self.make_person(surname, Sex.F, min(99, age + rng.randint(25, 32)), "母"))
        else:  # single parent
            age = rng.randint(26, 55)
            members.append(self.make_person(surname, Sex.F, age, "世帯主"))
            for _ in range(rng.choice((1, 2))):
                members.append(
                    self.make_person(
                        surname, rng.choice((Sex.M, Sex.F)), rng.randint(0, min(21, age - 20)), "子"
                    )
                )
        hh = Household(number, members, addr, code)
        x = rng.random()
        if x < 0.02:
            hh.moved_in = self.random_date(date(self.year, 1, 2), date(self.year, 12, 31))
        elif x < 0.03:
            hh.moved_out = self.random_date(date(self.fy, 1, 2), date(self.fy, 3, 31))
        elif x < 0.035:
            hh.moved_in = self.random_date(
                date(self.fy, 1, 2), date(self.fy, 3, 31)
            )  # not taxable here this 年度
        hh.on_assistance = (
            len(members) <= 3
            and members[0].relationship == "世帯主"
            and rng.random()
            < (
                0.03
                if members[0].age_at(self.jan1) >= 65 or (members[0].sex is Sex.F and len(members) > 1)
                else 0.003
            )
        )
        self.assign_roles(hh)
        return hh

    def assign_roles(self, hh: Household) -> None:
        """Each member's income role and amounts, then disability certificates (one RNG, fixed order)."""
        for i, p in enumerate(hh.members):
            age = p.age_at(self.jan1)
            if self._assign_role(i, p, age, hh.on_assistance):
                self._assign_extras(p, age)
        self._assign_disabilities(hh)

    def _assign_role(self, i: int, p: Person, age: int, on_assistance: bool) -> bool:
        """The member's role; False for those who get no other income (children, assistance, under 23)."""
        rng = self.rng
        if age < 16:
            p.role = "child"
            return False
        if on_assistance:
            p.role = "pensioner" if age >= 65 else "none"
            p.pension = rng.randint(40, 80) * 10_000 if age >= 65 else 0
            return False
        if age < 23:
            if rng.random() < 0.45:
                p.role = "student"
                p.salary = rng.randint(30, 130) * 10_000
                p.employer = self.pick_employer()
            else:
                p.role = "child" if p.relationship == "子" else "none"
            return False
        if age >= 65:
            self._assign_pensioner(p, age)
        else:
            self._assign_working_age(i, p)
        return True

    def _assign_pensioner(self, p: Person, age: int) -> None:
        rng = self.rng
        p.role = "pensioner"
        p.pension = (
            int(min(6_000_000, max(600_000, rng.lognormvariate(math.log(1_900_000), 0.4)))) // 1000 * 1000
        )
        if age < 75 and rng.random() < 0.2:
            p.salary = rng.randint(80, 400) * 10_000
            p.employer = self.pick_employer()
        if rng.random() < 0.12:
            p.medical = rng.randint(15, 80) * 10_000

    def _assign_working_age(self, i: int, p: Person) -> None:
        rng = self.rng
        secondary = i > 0 and p.relationship == "妻"
        x = rng.random()
        if secondary and x < 0.35:
            p.role = "none"
        elif secondary and x < 0.75:
            p.role = "salary"
            p.salary = rng.randint(60, 160) * 10_000  # パート
            p.employer = self.pick_employer()
        elif x < 0.09:
            p.role = "self_employed"
            p.business_revenue = (
                int(max(2_000_000, rng.lognormvariate(math.log(8_000_000), 0.7))) // 1000 * 1000
            )
        elif x < 0.96:
            p.role = "salary"
            p.salary = (
                int(min(45_000_000, max(1_800_000, rng.lognormvariate(math.log(5_200_000), 0.55))))
                // 1000
                * 1000
            )
            p.employer = self.pick_employer()
        else:
            p.role = "none"

    def _assign_extras(self, p: Person, age: int) -> None:
        """Real estate, dividends, ふるさと納税 and leaving a job during the year."""
        rng = self.rng
        if p.role in ("salary", "pensioner", "self_employed") and age >= 40 and rng.random() < 0.04:
            p.real_estate_revenue = rng.randint(100, 1500) * 10_000
        if p.role != "none" and rng.random() < 0.06:
            p.dividend_revenue = rng.randint(5, 300) * 10_000
        if p.salary >= 3_000_000 and rng.random() < 0.18:
            n = rng.choice((1, 1, 2, 3, 4, 5, 6, 7))
            budget = p.salary * rng.randint(10, 25) // 1000
            for _ in range(n):
                p.furusato.append(
                    (
                        rng.randrange(len(V.FURUSATO_MUNICIPALITIES)),
                        max(5_000, budget // n // 1000 * 1000),
                    )
                )
        if p.role == "salary" and p.relationship != "子" and rng.random() < 0.035:
            p.left_on = self.random_date(date(self.year, 3, 31), date(self.year, 11, 30))
            p.salary = p.salary * p.left_on.timetuple().tm_yday // 365 // 1000 * 1000

    def _assign_disabilities(self, hh: Household) -> None:
        rng = self.rng
        for p in hh.members:
            if rng.random() < (0.08 if p.age_at(self.jan1) >= 65 else 0.025):
                p.disabled = rng.choice(
                    (DisabilityCertificate.PHYSICAL,) * 6
                    + (DisabilityCertificate.MENTAL,) * 3
                    + (DisabilityCertificate.INTELLECTUAL,) * 2
                )
                p.grade = rng.choice(sorted(VALID_GRADES[p.disabled]))

    # ------------------------------------------------------------------ main loop
    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        paths = {k: self.out / f for k, f in FILES.items()}
        w_res = resident_registry.open_writer(paths["resident-registry"])
        w_pa = public_assistance.open_writer(paths["public-assistance"])
        w_dis = disability.open_writer(paths["disability"])
        w_sal = eltax_salary.open_writer(paths["eltax-salary"])
        w_pen = eltax_pension.open_writer(paths["eltax-pension"])
        w_tax = etax_return.open_writer(paths["etax-return"], self.year)
        w_fur = furusato_notice.open_writer(paths["furusato-notice"])
        w_mnd = debit_mandates.open_writer(paths["debit-mandates"])
        # A separate stream, so adding mandates leaves every other file of a seed unchanged.
        self.mandate_rng = random.Random(self.seed * 7919 + 17)
        pay_paths = {k: self.out / f for k, f in PAYMENT_FILES.items()}
        self.payment_rng = random.Random(self.seed * 7919 + 29)  # likewise for the sample receipts
        w_pay = {
            "bank-payments": bank_payments.open_writer(pay_paths["bank-payments"]),
            "cvs-payments": cvs_payments.open_writer(pay_paths["cvs-payments"]),
            "eltax-payments": eltax_payments.open_writer(pay_paths["eltax-payments"]),
        }
        self.w_sal = w_sal
        counted = 0
        households = 0
        try:
            while counted < self.n:
                hh = self.make_household()
                households += 1
                counted += sum(1 for p in hh.members if p.age_at(self.jan1) >= 18)
                self.emit_registry(hh, w_res)
                taxable_here = hh.registration is RegistrationKind.RESIDENT and (
                    hh.moved_in is None or hh.moved_in < self.jan1
                )
                if hh.on_assistance:
                    self.emit_assistance(hh, w_pa)
                for p in hh.members:
                    if p.disabled is not None:
                        self.emit_disability(p, w_dis)
                if taxable_here:
                    self.emit_filings(hh, w_sal, w_pen, w_tax, w_fur)
                    self.emit_mandates(hh, w_mnd)
                    self.emit_payments(hh, w_pay)
            self.emit_payment_anomalies(w_pay)
            for kind, report in self.deferred_salary:
                line = w_sal.write(report)
                self.anomalies.append({"kind": kind, "file": FILES["eltax-salary"], "line": line})
        finally:
            writers: list[Any] = [w_res, w_pa, w_dis, w_sal, w_pen, w_tax, w_fur, w_mnd, *w_pay.values()]
            for w in writers:
                w.close()
        with employers.open_writer(paths["employers"]) as w_emp:
            for e in self.employers:
                w_emp.write(e.record)
        self.counts.update(
            households=households,
            persons=self.serial,
            taxpayers_counted=counted,
            employers=len(self.employers),
        )
        files = []
        for kind, name in FILES.items():
            files.append(
                {
                    "path": name,
                    "kind": kind,
                    "encoding": ENCODINGS[kind],
                    "sha256": sha256_file(paths[kind]),
                    "bytes": paths[kind].stat().st_size,
                }
            )
        manifest: dict[str, Any] = {
            "generator": "juminzei.synthetic",
            "format_version": 1,
            "seed": self.seed,
            "taxpayers": self.n,
            "fiscal_year": self.fy,
            "income_year": self.year,
            "municipality_code": WARD_CODE,
            "files": files,
            "payment_files": [
                {
                    "path": name,
                    "kind": kind,
                    "encoding": "utf-8",
                    "sha256": sha256_file(pay_paths[kind]),
                    "bytes": pay_paths[kind].stat().st_size,
                }
                for kind, name in PAYMENT_FILES.items()
            ],
            "anomalies": sorted(self.anomalies, key=lambda a: (a["file"], a["line"], a["kind"])),
            "counts": dict(sorted(self.counts.items())),
        }
        (self.out / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
        )
        return manifest

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # ------------------------------------------------------------------ registry
    def emit_mandates(self, hh: Household, w: Any) -> None:
        """口座振替依頼: about a third of pensioners and self-employed (likely 普通徴収) pay by direct debit."""
        rng = self.mandate_rng
        for p in hh.members:
            if p.role not in ("pensioner", "self_employed") or rng.random() >= 0.35:
                continue
            bank, branch = rng.choice(MANDATE_BANKS)
            holder, _ = zengin_kana(p.kana)
            w.write(
                DebitMandate(
                    mandate_id=f"M{p.address_number}",
                    address_number=p.address_number,
                    action=MandateAction.REGISTER,
                    start_date=date(self.fy, 4, 1),
                    bank_code=bank,
                    branch_code=branch,
                    account_type=AccountType("1"),
                    account_number=f"{rng.randrange(1_000_000, 9_999_999)}",
                    holder_kana=holder[:30],
                )
            )
            self.bump("debit_mandates")

    def emit_payments(self, hh: Household, writers: dict[str, Any]) -> None:
        """Sample receipts for the 第1期 of likely 普通徴収 payers (pensioners, self-employed), by bank, コンビニ
        or 共通納税. The generator does not run the tax engine, so amounts are an estimate (10 % of income
        over the basic deduction plus 均等割, a quarter, rounded down to 100 yen): after the levy they post as
        full, partial or over-payments (held), and a payer found non-taxable lands in 収納保留 — which is what
        消込 must handle."""
        rng = self.payment_rng
        for p in hh.members:
            if p.role not in ("pensioner", "self_employed") or rng.random() >= 0.3:
                continue
            estimate = (max(self.total_income(p) - 430_000, 0) // 10 + 5_000) // 4 // 100 * 100
            if estimate <= 0:
                continue
            self.payment_serial += 1
            notice = notice_number(p.address_number, self.fy)
            paid_on = date(self.fy, 6, 1) + timedelta(days=rng.randrange(0, 30))
            channel = rng.choices(("bank-payments", "cvs-payments", "eltax-payments"), (5, 3, 2))[0]
            receipt = self.sample_receipt(channel, notice, paid_on, estimate)
            writers[channel].write(receipt)
            self.bump(f"sample_{channel.replace('-', '_')}")

    def sample_receipt(self, channel: str, notice: str, paid_on: date, amount: int) -> Receipt:
        serial = f"{self.payment_serial:08d}"
        reference = NoticeReference(self.fy, notice, 1)
        if channel == "bank-payments":
            return Receipt(Channel.BANK, f"B{serial}", paid_on, amount, reference, collected_by="0001-001")
        if channel == "eltax-payments":
            return Receipt(
                Channel.ELTAX, f"EL{serial}", paid_on, amount, reference, collected_by="ダイレクト納付"
            )
        code = barcode.compose(
            company_code=DEFAULT_CVS_COMPANY_CODE,
            fiscal_year=self.fy,
            notice_number=notice,
            period=1,
            payment_deadline=date(self.fy, 6, 30),
            amount=min(amount, barcode.MAX_AMOUNT),
        )
        return Receipt(
            Channel.CVS,
            f"CV{serial}",
            paid_on,
            min(amount, barcode.MAX_AMOUNT),
            reference,
            collected_by="SEVEN-00123",
            barcode=code,
        )

    def emit_payment_anomalies(self, writers: dict[str, Any]) -> None:
        """One bank receipt for a notice number no ledger has (→ 収納保留) and one repeated line (→ 重複)."""
        self.payment_serial += 1
        unknown = self.sample_receipt("bank-payments", UNKNOWN_NOTICE, date(self.fy, 6, 28), 12_300)
        line = writers["bank-payments"].write(unknown)
        self.anomalies.append(
            {"kind": "unknown_payment_reference", "file": PAYMENT_FILES["bank-payments"], "line": line}
        )
        line = writers["bank-payments"].write(unknown)
        self.anomalies.append(
            {"kind": "duplicate_payment", "file": PAYMENT_FILES["bank-payments"], "line": line}
        )

    def emit_registry(self, hh: Household, w: Any) -> None:
        rng = self.rng
        period_start = date(self.year, 1, 1)
        for p in hh.members:
            born_in_period = p.birth >= period_start
            rec = ResidentRecord(
                address_number=p.address_number,
                individual_number=p.my_number,
                name=p.name,
                kana=p.kana,
                sex=p.sex,
                birth_date=p.birth,
                address=hh.address,
                address_code=hh.address_code,
                household_number=hh.number,
                relationship=p.relationship,
                change_reason=ChangeReason.EXISTING,
                change_date=max(p.birth, self.random_date(date(1990, 1, 1), date(self.year - 1, 12, 31))),
                registration=hh.registration,
            )
            if born_in_period and hh.moved_in is None:
                rec = replace(rec, change_reason=ChangeReason.BIRTH, change_date=p.birth)
            elif hh.moved_in is not None:
                rec = replace(rec, change_reason=ChangeReason.MOVE_IN, change_date=max(hh.moved_in, p.birth))
            w.write(rec)
            self.bump("registry_rows")
            if hh.registration is RegistrationKind.NON_RESIDENT:
                continue
            # further 異動 in chronological order
            if (
                p.sex is Sex.F
                and 24 <= p.age_at(self.jan1) <= 40
                and p.relationship == "世帯主"
                and rng.random() < 0.03
            ):
                new_surname = rng.choice(V.SURNAMES)
                p.surname = new_surname
                d = self.random_date(max(rec.change_date, date(self.year, 1, 10)), date(self.year, 12, 20))
                rec = replace(
                    rec, name=p.name, kana=p.kana, change_reason=ChangeReason.NAME_CHANGE, change_date=d
                )
                w.write(rec)
                self.bump("registry_rows")
            if rng.random() < 0.03 and hh.moved_out is None:
                new_addr, new_code = self.ward_address()
                d = self.random_date(max(rec.change_date, date(self.fy, 1, 2)), date(self.fy, 3, 31))
                rec = replace(
                    rec,
                    address=new_addr,
                    address_code=new_code,
                    change_reason=ChangeReason.ADDRESS_CHANGE,
                    change_date=d,
                )
                w.write(rec)
                self.bump("registry_rows")
            if hh.moved_out is not None:
                rec = replace(
                    rec, change_reason=ChangeReason.MOVE_OUT, change_date=max(hh.moved_out, rec.change_date)
                )
                w.write(rec)
                self.bump("registry_rows")
            elif p.age_at(self.jan1) >= 75 and rng.random() < 0.02:
                d = self.random_date(max(rec.change_date, date(self.fy, 1, 2)), date(self.fy, 3, 31))
                rec = replace(rec, change_reason=ChangeReason.DEATH, change_date=d)
                w.write(rec)
                self.bump("registry_rows")

    # ------------------------------------------------------------------ other departments
    def emit_assistance(self, hh: Household, w: Any) -> None:
        rng = self.rng
        self.case_serial += 1
        case = f"M{self.case_serial:07d}"
        start = self.random_date(date(2008, 4, 1), date(self.year, 10, 31))
        end = self.random_date(date(self.year, 3, 1), date(self.fy, 3, 31)) if rng.random() < 0.15 else None
        if end is not None and end < start:
            end = None
        kinds = [AssistanceKind.LIVELIHOOD, AssistanceKind.HOUSING, AssistanceKind.MEDICAL]
        if any(p.age_at(self.jan1) >= 65 for p in hh.members) and rng.random() < 0.3:
            kinds.append(AssistanceKind.NURSING_CARE)
        if any(6 <= p.age_at(self.jan1) <= 15 for p in hh.members):
            kinds.append(AssistanceKind.EDUCATION)
        for p in hh.members:
            for k in kinds:
                if k is AssistanceKind.EDUCATION and not 6 <= p.age_at(self.jan1) <= 15:
                    continue
                w.write(
                    PublicAssistanceRecord(
                        address_number=p.address_number,
                        individual_number=p.my_number,
                        name=p.name,
                        kana=p.kana,
                        birth_date=p.birth,
                        case_number=case,
                        assistance_kind=k,
                        start_date=max(start, p.birth),
                        end_date=end,
                    )
                )
                self.bump("public_assistance_rows")

    def emit_disability(self, p: Person, w: Any) -> None:
        assert p.disabled is not None
        issued = self.random_date(max(p.birth, date(1995, 1, 1)), date(self.year, 12, 31))
        returned = self.random_date(issued, date(self.fy, 3, 31)) if self.rng.random() < 0.03 else None
        w.write(
            DisabilityRecord(
                address_number=p.address_number,
                individual_number=p.my_number,
                name=p.name,
                kana=p.kana,
                birth_date=p.birth,
                certificate=p.disabled,
                grade=p.grade,
                issued_on=issued,
                returned_on=returned,
                classification=classify_disability(p.disabled, p.grade, returned is not None),
            )
        )
        self.bump("disability_rows")

    # ------------------------------------------------------------------ filings
    def dependent_of(self, p: Person, kind: DependentKind, income: int | None = None) -> Dependent:
        return Dependent(kind=kind, individual_number=p.my_number, name=p.name, kana=p.kana, income=income)

    def total_income(self, p: Person) -> int:
        return (
            salary_income(p.salary, self.year)
            + pension_income(p.pension)
            + p.business_revenue * 35 // 100
            + p.real_estate_revenue * 30 // 100
            + p.dividend_revenue
        )

    def self_disability(self, p: Person) -> DisabilitySelf:
        if p.disabled is None:
            return DisabilitySelf.NONE
        cls = classify_disability(p.disabled, p.grade)
        return DisabilitySelf.SPECIAL if cls.value == "special" else DisabilitySelf.GENERAL

    def emit_filings(self, hh: Household, w_sal: Any, w_pen: Any, w_tax: Any, w_fur: Any) -> None:
        """A household's 給与/年金支払報告書, 確定申告書 and 申告特例通知書, with their planted anomalies
        (one RNG, in this order)."""
        adults = [p for p in hh.members if p.role not in ("child",)]
        earners = [p for p in adults if p.salary > 0]
        primary = max(earners, key=lambda p: p.salary) if earners else None
        children = [c for c in hh.members if c.relationship == "子" and self.total_income(c) <= 580_000]
        elders = [e for e in hh.members if e.relationship in ("母", "父") and self.total_income(e) <= 580_000]
        spouse_candidates = [s for s in adults if s is not primary and s.relationship in ("妻", "世帯主")]
        reports: dict[int, SalaryReport] = {}
        for p in earners:
            family: list[tuple[Person, DependentKind]] = []
            spouse_income = None
            if p is primary:
                if spouse_candidates:
                    sp = spouse_candidates[0]
                    inc = self.total_income(sp)
                    if inc <= 1_330_000:
                        family.append((sp, DependentKind.SPOUSE))
                        spouse_income = inc
                family.extend((c, self._child_kind(c)) for c in children if c is not p)
                family.extend((e, DependentKind.DEPENDENT) for e in elders if e is not p)
            reports[p.serial] = self.salary_report(p, hh, family, spouse_income)
        self._plant_dependent_claimed_twice(hh, earners, primary, children, reports)
        self._write_salary_reports(earners, reports, w_sal)
        if earners and self.want_anomaly("unmatched_person", 0.0012):
            self._plant_unmatched_person(reports[earners[0].serial])
        for p in adults:
            if p.pension > 0:
                w_pen.write(self.pension_report(p, hh, spouse_candidates))
                self.bump("pension_reports")
        self._write_returns_and_notices(adults, hh, w_tax, w_fur)

    def _child_kind(self, c: Person) -> DependentKind:
        young = c.age_at(date(self.year, 12, 31)) < 16
        return DependentKind.DEPENDENT_UNDER_16 if young else DependentKind.DEPENDENT

    def _plant_dependent_claimed_twice(
        self,
        hh: Household,
        earners: list[Person],
        primary: Person | None,
        children: list[Person],
        reports: dict[int, SalaryReport],
    ) -> None:
        """Dependent claimed twice: both parents salaried, the secondary also lists a child."""
        self.pending_twice = -1
        if primary is None or not children or len(earners) < 2:
            return
        other = next(p for p in earners if p is not primary)
        if other.salary >= 1_500_000 and self.want_anomaly("dependent_claimed_twice", 0.01):
            c = children[0]
            self.employers[other.employer].employees -= 1  # the report is re-made, keep its 受給者番号
            reports[other.serial] = self.salary_report(other, hh, [(c, self._child_kind(c))], None)
            self.pending_twice = other.serial

    def _write_salary_reports(
        self, earners: list[Person], reports: dict[int, SalaryReport], w_sal: Any
    ) -> None:
        """Write each earner's report; some get a wrong name, a duplicate or a correction (deferred)."""
        for p in earners:
            report = reports[p.serial]
            if self.want_anomaly("name_mismatch", 0.0008):
                other_surname = self.rng.choice([s for s in V.SURNAMES if s != p.surname])
                report = replace(
                    report,
                    name=f"{other_surname[0]}\u3000{p.given[0]}",
                    kana=f"{other_surname[1]}\u3000{p.given[1]}",
                )
                line = w_sal.write(report)
                self.note("name_mismatch", FILES["eltax-salary"], line)
            else:
                line = w_sal.write(report)
            self.bump("salary_reports")
            if self.pending_twice == p.serial:
                self.note("dependent_claimed_twice", FILES["eltax-salary"], line)
            if self.want_anomaly("duplicate_record", 0.0008):
                self.defer("duplicate_record", report)
            elif self.want_anomaly("corrected_record", 0.0008):
                self.defer(
                    "corrected_record",
                    replace(
                        report,
                        submission_kind=SubmissionKind.CORRECTION,
                        payment_amount=report.payment_amount + 120_000,
                        income_after_deduction=salary_income(report.payment_amount + 120_000, self.year),
                        remarks="訂正",
                    ),
                )

    def _plant_unmatched_person(self, template: SalaryReport) -> None:
        """A report about someone who lives nowhere in the ward (no registry match)."""
        rng = self.rng
        stranger_surname = rng.choice(V.SURNAMES)
        stranger = replace(
            template,
            individual_number=self.stray_my_number(),
            name=f"{stranger_surname[0]}\u3000{rng.choice(V.MALE_GIVEN)[0]}",
            kana=f"{stranger_surname[1]}\u3000ミナト",
            birth_date=self.birth_for_age(rng.randint(25, 60)),
            address=self.ward_address()[0],
            recipient_number=f"X{rng.randrange(10**8):08d}",
            dependents=(),
            spouse_income=None,
            spouse_deduction=0,
            specified_dependents=0,
            elderly_dependents=0,
            other_dependents=0,
            under16_dependents=0,
        )
        self.defer("unmatched_person", stranger)

    def _write_returns_and_notices(self, adults: list[Person], hh: Household, w_tax: Any, w_fur: Any) -> None:
        """確定申告書 for those who must file; the others' ふるさと納税 arrive as 申告特例通知書."""
        for p in adults:
            files_return = (
                p.business_revenue > 0
                or p.real_estate_revenue > 0
                or p.dividend_revenue > 0
                or p.salary > 20_000_000
                or len(p.furusato) > 5
                or (p.furusato and p.my_number is None)  # one-stop needs the 個人番号
                or p.medical > 0
            )
            if files_return:
                w_tax.write(self.tax_return(p, hh))
                self.bump("tax_returns")
            elif p.furusato:
                for idx, amount in p.furusato:
                    w_fur.write(self.furusato_notice(p, hh, idx, amount))
                    self.bump("furusato_notices")

    def want_anomaly(self, kind: str, p: float) -> bool:
        if self.anomaly_counts[kind] >= self.anomaly_quota:
            return False
        if self.anomaly_counts[kind] == 0 or self.rng.random() < p:
            self.anomaly_counts[kind] += 1
            return True
        return False

    def note(self, kind: str, file: str, line: int) -> None:
        self.anomalies.append({"kind": kind, "file": file, "line": line})

    def defer(self, kind: str, report: SalaryReport) -> None:
        self.deferred_salary.append((kind, report))

    def salary_report(
        self, p: Person, hh: Household, family: list[tuple[Person, DependentKind]], spouse_income: int | None
    ) -> SalaryReport:
        rng = self.rng
        emp = self.employers[p.employer]
        emp.employees += 1
        year_end = date(self.year, 12, 31)
        deps = [
            self.dependent_of(m, k, spouse_income if k is DependentKind.SPOUSE else None) for m, k in family
        ]
        ages = [m.age_at(year_end) for m, k in family if k is DependentKind.DEPENDENT]
        spouse_ded = 0
        if spouse_income is not None:
            spouse_ded = (
                380_000
                if spouse_income <= 580_000
                else max(30_000, 380_000 - (spouse_income - 950_000) // 50_000 * 30_000)
            )
            spouse_ded = min(380_000, spouse_ded)
        specified = sum(1 for a in ages if 19 <= a <= 22)
        elderly = sum(1 for a in ages if a >= 70)
        other = len(ages) - specified - elderly
        under16 = sum(1 for d in deps if d.kind is DependentKind.DEPENDENT_UNDER_16)
        social = p.salary * rng.randint(140, 155) // 1000
        life = rng.choice((0, 0, 40_000, 40_000, 28_000, 12_000))
        quake = rng.choice((0, 0, 0, 25_000, 15_000))
        housing = rng.choice((0,) * 8 + (rng.randint(5, 35) * 10_000,))
        basic = 580_000
        total_ded = (
            social
            + life
            + quake
            + basic
            + spouse_ded
            + specified * 630_000
            + elderly * 480_000
            + other * 380_000
        )
        after = salary_income(p.salary, self.year)
        withholding = max(0, income_tax(after - total_ded) - housing)
        ordinary = emp.small or p.left_on is not None or p.salary < 930_000
        remarks = ""
        if p.left_on is not None:
            remarks = "普F　退職"
        elif emp.small:
            remarks = "普A"
        elif p.salary < 930_000:
            remarks = "普C"
        return SalaryReport(
            tax_year=self.year,
            submission_kind=SubmissionKind.NEW,
            destination_code=WARD_CODE,
            designation_number=emp.record.designation_number,
            employer_corporate_number=emp.record.corporate_number,
            employer_name=emp.record.name[:30],
            employer_address=emp.record.address,
            employer_phone=emp.phone,
            recipient_number=f"{emp.employees:06d}",
            individual_number=p.my_number,
            name=p.name,
            kana=p.kana,
            birth_date=p.birth,
            address=hh.address,
            payment_kind="給料・賞与",
            payment_amount=p.salary,
            income_after_deduction=after,
            total_deductions=total_ded,
            withholding_tax=withholding,
            spouse_deduction=spouse_ded,
            specified_dependents=specified,
            elderly_dependents=elderly,
            other_dependents=other,
            under16_dependents=under16,
            special_disabled=0,
            other_disabled=0,
            social_insurance=social,
            small_business_mutual_aid=0,
            life_insurance_deduction=life,
            earthquake_insurance_deduction=quake,
            housing_loan_credit=housing,
            spouse_income=spouse_income,
            basic_deduction=basic,
            self_disability=self.self_disability(p),
            widow=False,
            single_parent=p.relationship == "世帯主" and p.sex is Sex.F and under16 + other + specified > 0,
            working_student=False,
            joined_on=None,
            left_on=p.left_on,
            remarks=remarks,
            dependents=tuple(deps),
            ordinary_collection=ordinary,
            layout_version=self.salary_layout.layout_id if self.salary_layout else "",
        )

    def pension_report(self, p: Person, hh: Household, spouses: list[Person]) -> PensionReport:
        rng = self.rng
        payer_name, payer_addr, base = V.PENSION_PAYERS[
            0 if rng.random() < 0.85 else rng.randrange(1, len(V.PENSION_PAYERS))
        ]
        deps: list[Dependent] = []
        spouse_present = False
        if p.relationship == "世帯主" and spouses:
            sp = spouses[0]
            inc = self.total_income(sp)
            if inc <= 580_000:
                deps.append(self.dependent_of(sp, DependentKind.SPOUSE))
                spouse_present = True
        social = p.pension * rng.randint(60, 110) // 1000
        withholding = max(0, (p.pension - 1_080_000 - social) * 5105 // 100_000)
        return PensionReport(
            tax_year=self.year,
            submission_kind=SubmissionKind.NEW,
            destination_code=WARD_CODE,
            designation_number=None,
            payer_corporate_number=corporate_number_check_digit(base) + base,
            payer_name=payer_name,
            payer_address=payer_addr,
            recipient_number=f"{rng.randrange(10**9, 10**10)}",
            individual_number=p.my_number,
            name=p.name,
            kana=p.kana,
            birth_date=p.birth,
            address=hh.address,
            payment_amount=p.pension,
            withholding_tax=withholding,
            social_insurance=social,
            spouse_present=spouse_present,
            elderly_dependents=0,
            other_dependents=0,
            specified_dependents=0,
            under16_dependents=0,
            self_disability=self.self_disability(p),
            widow=False,
            remarks="",
            dependents=tuple(deps),
            layout_version=self.pension_layout.layout_id if self.pension_layout else "",
        )

    def tax_return(self, p: Person, hh: Household) -> TaxReturn:
        rng = self.rng
        sal_inc = salary_income(p.salary, self.year)
        pen_inc = pension_income(p.pension)
        bus_inc = p.business_revenue * rng.randint(25, 45) // 100
        re_inc = p.real_estate_revenue * rng.randint(10, 45) // 100 - (
            rng.randint(0, 50) * 10_000 if rng.random() < 0.1 else 0
        )
        div_inc = p.dividend_revenue
        total = sal_inc + pen_inc + bus_inc + max(0, re_inc) + div_inc
        social = (p.salary * 150 // 1000) + (p.business_revenue * 8 // 100) + (p.pension * 8 // 100)
        furusato_total = sum(a for _, a in p.furusato)
        donation_ded = max(0, min(furusato_total, total * 40 // 100) - 2000) if furusato_total else 0
        medical = max(0, p.medical - 100_000)
        life = rng.choice((0, 40_000, 28_000))
        quake = rng.choice((0, 0, 25_000))
        basic = 580_000 if total <= 23_500_000 else 0
        total_ded = social + life + quake + medical + donation_ded + basic
        taxable = max(0, total - total_ded) // 1000 * 1000
        donations = tuple(
            Donation(DonationKind.FURUSATO, V.FURUSATO_MUNICIPALITIES[i][0], amt) for i, amt in p.furusato
        )
        return TaxReturn(
            tax_year=self.year,
            etax_user_id=f"{rng.randrange(10**15, 10**16)}",
            individual_number=p.my_number,
            name=p.name,
            kana=p.kana,
            birth_date=p.birth,
            address=hh.address,
            address_code=WARD_CODE,
            jan1_address=hh.address,
            jan1_address_code=WARD_CODE,
            business_revenue=p.business_revenue,
            real_estate_revenue=p.real_estate_revenue,
            dividend_revenue=p.dividend_revenue,
            salary_revenue=p.salary,
            pension_revenue=p.pension,
            business_income=bus_inc,
            real_estate_income=re_inc,
            interest_income=0,
            dividend_income=div_inc,
            salary_income=sal_inc,
            pension_income=pen_inc,
            misc_income=0,
            total_income=total,
            social_insurance_deduction=social,
            life_insurance_deduction=life,
            earthquake_insurance_deduction=quake,
            medical_deduction=medical,
            donation_deduction=donation_ded,
            spouse_deduction=0,
            dependent_deduction=0,
            basic_deduction=basic,
            total_deductions=total_ded,
            taxable_income=taxable,
            withholding_tax=income_tax(max(0, sal_inc - social - basic)) if p.salary else 0,
            collection_method=CollectionMethod.SPECIAL
            if p.salary and rng.random() < 0.6
            else CollectionMethod.ORDINARY,
            dividend_tax_credit=p.dividend_revenue * 5 // 100 if rng.random() < 0.7 else 0,
            stock_transfer_tax_credit=rng.randint(1, 30) * 1000
            if p.dividend_revenue and rng.random() < 0.3
            else 0,
            furusato_donation=furusato_total,
            community_chest_donation=rng.choice((0, 0, 0, 3000, 5000)),
            prefecture_ordinance_donation=0,
            municipality_ordinance_donation=0,
            donations=donations,
            form_version=etax_return.FORM_VR,
        )

    def furusato_notice(self, p: Person, hh: Household, idx: int, amount: int) -> FurusatoNotice:
        name, code5 = V.FURUSATO_MUNICIPALITIES[idx]
        self.notice_serial += 1
        return FurusatoNotice(
            notice_number=f"{code5}-{self.year}-{self.notice_serial:07d}",
            sender_code=code5 + local_gov_check_digit(code5),
            sender_name=name,
            tax_year=self.year,
            donation_date=self.random_date(date(self.year, 1, 5), date(self.year, 12, 31)),
            amount=amount,
            individual_number=p.my_number,
            name=p.name,
            kana=p.kana,
            birth_date=p.birth,
            address=hh.address,
            sex=p.sex,
        )


def generate(out_dir: Path, taxpayers: int, seed: int, fiscal_year: int = 2026) -> dict[str, Any]:
    """Write a deterministic synthetic intake set into ``out_dir``; return the manifest
    (also written to ``out_dir/manifest.json``)."""
    return _Gen(Path(out_dir), taxpayers, seed, fiscal_year).run()
