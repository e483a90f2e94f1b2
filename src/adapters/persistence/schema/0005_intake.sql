-- Intake read models (projection "intake"): batches, per-line errors, fingerprints (duplicates),
-- filings with their queue state, and dependents claimed per filing (扶養重複). No personal values:
-- dependents appear only as blind indexes of their numbers, subjects only as ids.
CREATE TABLE IF NOT EXISTS rm_import_batches (
    batch_id          TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    file_name         TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    declared_count    BIGINT,
    received          BIGINT NOT NULL,
    accepted          BIGINT NOT NULL,
    rejected          BIGINT NOT NULL,
    quarantined       BIGINT NOT NULL,
    duplicates        BIGINT NOT NULL,
    gap               BIGINT,
    reconciled        INTEGER NOT NULL,
    received_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rm_import_errors (
    batch_id   TEXT NOT NULL,
    line       BIGINT NOT NULL,
    field      TEXT NOT NULL,
    message    TEXT NOT NULL,
    PRIMARY KEY (batch_id, line, field)
);
CREATE TABLE IF NOT EXISTS rm_import_submitters (
    batch_id     TEXT NOT NULL,
    submitter    TEXT NOT NULL,
    received     BIGINT NOT NULL,
    accepted     BIGINT NOT NULL,
    rejected     BIGINT NOT NULL,
    quarantined  BIGINT NOT NULL,
    duplicates   BIGINT NOT NULL,
    PRIMARY KEY (batch_id, submitter)
);
CREATE TABLE IF NOT EXISTS rm_intake_fingerprints (
    kind         TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    batch_id     TEXT NOT NULL,
    line         BIGINT NOT NULL,
    PRIMARY KEY (kind, fingerprint)
);
CREATE TABLE IF NOT EXISTS rm_filings (
    filing_id      TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    tax_year       INTEGER NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    submitter      TEXT NOT NULL,
    submission     TEXT NOT NULL,
    taxpayer_id    TEXT,
    status         TEXT NOT NULL,
    queue          TEXT,
    reason         TEXT,
    batch_id       TEXT,
    line           BIGINT NOT NULL,
    superseded_by  TEXT,
    forwarded_to   TEXT
);
CREATE INDEX IF NOT EXISTS rm_filings_taxpayer ON rm_filings (taxpayer_id, fiscal_year);
CREATE INDEX IF NOT EXISTS rm_filings_queue ON rm_filings (status, queue);
CREATE INDEX IF NOT EXISTS rm_filings_natural ON rm_filings (kind, tax_year, submitter, taxpayer_id);
CREATE TABLE IF NOT EXISTS rm_dependent_claims (
    filing_id      TEXT NOT NULL,
    dependent_ref  TEXT NOT NULL,
    PRIMARY KEY (filing_id, dependent_ref)
);
CREATE INDEX IF NOT EXISTS rm_dependent_claims_ref ON rm_dependent_claims (dependent_ref);
