"""Intake of the registry, status feeds and 課税資料 (取込・名寄せ・保留キュー)."""
