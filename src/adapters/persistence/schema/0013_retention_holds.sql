-- Retention holds (保存の延長): a 年度 of a taxpayer kept past its period, e.g. 審査請求・訴訟 or arrears.
CREATE TABLE IF NOT EXISTS retention_holds (
    key_id       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    placed_by    TEXT NOT NULL,
    placed_at    TEXT NOT NULL,
    released_at  TEXT,
    PRIMARY KEY (key_id, placed_at)
);
