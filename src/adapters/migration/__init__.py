"""Legacy migration (移行): reading a predecessor system's export (issue 19 item 4)."""
