"""年金保険者（公的年金等の支払者）の納入データ — OUR CSV layout.

年金所得に係る特別徴収: the 年金保険者 deducts from each pension payment and remits by the 10th of the
following month (地方税法第321条の7の6). Data reach the ward through eLTAX (経由機関); the electronic layout
was not available (reference formats.md §4.4 [C]), so a converter maps it onto this CSV. The
年金保険者コード is 1–12 digits here pending the eLTAX code list [C]. UTF-8, header row. A line is either
the insurer's monthly total (宛名番号 empty) or one person's share (宛名番号, 人員 1) — the 個人別内訳 that
lets a remittance be split per person.
See docs/formats/payments.md.
"""

from __future__ import annotations

from adapters.formats.payments import remittance_format
from application.intake.formats import ImportKind
from domain.collection.records import Channel

KIND = ImportKind.PENSION_REMITTANCES.value
FORMAT = remittance_format(KIND, Channel.PENSION, "年金保険者コード", per_person=True)
HEADER = FORMAT.header
to_row = FORMAT.to_row
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
