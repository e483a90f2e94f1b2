"""課税資料イメージ storage (seed システム8)."""
