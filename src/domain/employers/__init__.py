"""特別徴収義務者 (employers and pension payers)."""
