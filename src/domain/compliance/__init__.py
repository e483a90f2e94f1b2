"""Compliance workflows from the 評価書: 委託 (contracts), 問合せ (inquiries) — issue 19."""
