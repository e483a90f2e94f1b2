-- Taxpayer search read model (宛名検索): kana prefix and birth date. Holds what search needs in clear;
-- erasure deletes rows (DESIGN §6). Never holds a My Number.
CREATE TABLE IF NOT EXISTS rm_taxpayer_search (
    taxpayer_id        TEXT PRIMARY KEY,
    address_number     TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    kana               TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    sex                TEXT NOT NULL,
    address            TEXT NOT NULL,
    registration_kind  TEXT NOT NULL,
    residence_status   TEXT NOT NULL,
    version            BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS rm_taxpayer_search_kana ON rm_taxpayer_search (kana);
CREATE INDEX IF NOT EXISTS rm_taxpayer_search_birth ON rm_taxpayer_search (birth_date);
