-- Provision and transfer records (提供・移転の記録, 番号法第23条): one row per (record, subject).
CREATE TABLE IF NOT EXISTS rm_provisions (
    record_id     TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    legal_basis   TEXT NOT NULL,
    items         TEXT NOT NULL,
    requested_at  TEXT,
    provided_at   TEXT,
    requester     TEXT NOT NULL,
    approver      TEXT,
    terminal      TEXT,
    reason        TEXT,
    PRIMARY KEY (record_id, subject_id)
);
CREATE INDEX IF NOT EXISTS rm_provisions_recipient ON rm_provisions (recipient);
CREATE INDEX IF NOT EXISTS rm_provisions_subject ON rm_provisions (subject_id);
