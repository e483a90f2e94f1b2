"""Collection (収納・消込・口座振替・還付) value types — pure, standard library only.

File formats live in ``adapters.formats.zengin`` and the payment-channel CSV adapters
(docs/formats/zengin.md, docs/formats/payments.md, ADR 0010).
"""
