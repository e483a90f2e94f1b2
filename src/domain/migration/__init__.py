"""Legacy migration (移行): history migrated from a predecessor system (issue 19 item 4)."""
