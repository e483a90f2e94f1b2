"""Document models (納税通知書, 特別徴収税額決定通知書, 税額変更通知書, 課税・非課税証明書, 他団体通知),
the コンビニ GS1-128 code and the certificate verification payload — pure, standard library only.

Rendering lives in ``adapters.documents`` (reportlab). See docs/documents.md and ADR 0007.
"""
