-- 課税台帳 read models (projection "levy_ledger"): assessments, installments, history, documents and the
-- transfer outbox to departments that depend on 地方税関係情報 (seed 別表2 移転先). No personal values.
CREATE TABLE IF NOT EXISTS rm_assessments (
    assessment_id            TEXT PRIMARY KEY,
    taxpayer_id              TEXT NOT NULL,
    fiscal_year              INTEGER NOT NULL,
    status                   TEXT NOT NULL,
    non_taxable_reason       TEXT,
    basis                    TEXT NOT NULL,
    method                   TEXT NOT NULL,
    collector                TEXT,
    total                    BIGINT NOT NULL,
    payable                  BIGINT NOT NULL,
    reduction                BIGINT NOT NULL,
    municipal_income_levy    BIGINT NOT NULL,
    prefectural_income_levy  BIGINT NOT NULL,
    municipal_per_capita     BIGINT NOT NULL,
    prefectural_per_capita   BIGINT NOT NULL,
    forest_environment_tax   BIGINT NOT NULL,
    total_income             BIGINT NOT NULL,
    taxable_income           BIGINT NOT NULL,
    rule_set_id              TEXT NOT NULL,
    corrections              INTEGER NOT NULL,
    version                  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS rm_assessments_year ON rm_assessments (fiscal_year, status);
CREATE INDEX IF NOT EXISTS rm_assessments_taxpayer ON rm_assessments (taxpayer_id);
CREATE TABLE IF NOT EXISTS rm_installments (
    assessment_id  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    label          TEXT NOT NULL,
    due_date       TEXT,
    amount         BIGINT NOT NULL,
    method         TEXT NOT NULL,
    payer          TEXT,
    PRIMARY KEY (assessment_id, seq)
);
CREATE INDEX IF NOT EXISTS rm_installments_payer ON rm_installments (payer);
CREATE TABLE IF NOT EXISTS rm_assessment_history (
    assessment_id  TEXT NOT NULL,
    version        BIGINT NOT NULL,
    event          TEXT NOT NULL,
    delta          BIGINT NOT NULL,
    reason         TEXT,
    actor          TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version)
);
CREATE TABLE IF NOT EXISTS rm_documents (
    document_id        TEXT PRIMARY KEY,
    assessment_id      TEXT NOT NULL,
    kind               TEXT NOT NULL,
    recipient          TEXT NOT NULL,
    assessment_version BIGINT NOT NULL,
    verification_code  TEXT,
    event_version      BIGINT NOT NULL,
    issued_at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rm_documents_code ON rm_documents (verification_code);
CREATE TABLE IF NOT EXISTS rm_transfer_outbox (
    assessment_id  TEXT NOT NULL,
    version        BIGINT NOT NULL,
    department     TEXT NOT NULL,
    taxpayer_id    TEXT NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    event          TEXT NOT NULL,
    items          TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version, department)
);
