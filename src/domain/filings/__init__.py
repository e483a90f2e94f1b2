"""課税資料 (filings): salary and pension reports, tax returns, resident-tax returns, one-stop notices."""
