"""特別徴収義務者（給与支払者）の納入データ — OUR CSV layout.

Employers remit the amounts withheld from salaries by the 10th of the following month (地方税法第321条の5
第1項; 納期の特例 第321条の5の2: June and December). The 納入書 carries the 指定番号 and the 納入月 and
人員; payments come through 指定金融機関 or eLTAX 共通納税, whose data a converter maps onto this CSV.
``収納機関`` names where it was paid (free text). UTF-8, header row. See docs/formats/payments.md.
"""

from __future__ import annotations

from adapters.formats.payments import remittance_format
from application.intake.formats import ImportKind
from domain.collection.records import Channel

KIND = ImportKind.EMPLOYER_REMITTANCES.value
FORMAT = remittance_format(KIND, Channel.SPECIAL, "指定番号")
HEADER = FORMAT.header
to_row = FORMAT.to_row
iter_parse, stream, parse, open_writer, write = FORMAT.functions()
