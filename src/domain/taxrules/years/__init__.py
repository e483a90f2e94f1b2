"""Per-年度 parameter sets (令和6・7・8年度)."""
