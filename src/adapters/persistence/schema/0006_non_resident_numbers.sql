-- 住登外者宛名番号 issued by the system (seed: 住登外者の登録), one per resolving filing (idempotent).
CREATE TABLE IF NOT EXISTS non_resident_numbers (
    filing_id  TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL UNIQUE,
    issued_at  TEXT NOT NULL
);
