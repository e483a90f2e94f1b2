"""Assessment (賦課): consolidation of filings, levy, changes during the year."""
