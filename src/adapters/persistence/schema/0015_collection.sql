-- Collection read models (projection "collection"): ledgers, per-installment status, suspense.
CREATE TABLE IF NOT EXISTS rm_ledgers (
    ledger_id          TEXT PRIMARY KEY,
    assessment_id      TEXT NOT NULL,
    taxpayer_id        TEXT NOT NULL,
    fiscal_year        INTEGER NOT NULL,
    notice_number      TEXT NOT NULL,
    charged            BIGINT NOT NULL,
    received           BIGINT NOT NULL,
    allocated          BIGINT NOT NULL,
    held               BIGINT NOT NULL,
    appropriated_in    BIGINT NOT NULL,
    appropriated_out   BIGINT NOT NULL,
    refund_determined  BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS rm_ledgers_notice ON rm_ledgers (fiscal_year, notice_number);
CREATE TABLE IF NOT EXISTS rm_ledger_periods (
    ledger_id   TEXT NOT NULL,
    period      INTEGER NOT NULL,
    label       TEXT NOT NULL,
    due_date    TEXT,
    amount      BIGINT NOT NULL,
    method      TEXT NOT NULL,
    tax_paid    BIGINT NOT NULL,
    fee_due     BIGINT NOT NULL,
    fee_paid    BIGINT NOT NULL,
    PRIMARY KEY (ledger_id, period)
);
CREATE TABLE IF NOT EXISTS rm_suspense (
    suspense_id  TEXT PRIMARY KEY,
    receipt_key  TEXT NOT NULL,
    channel      TEXT NOT NULL,
    paid_on      TEXT NOT NULL,
    amount       BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rm_receipts (
    ledger_id   TEXT NOT NULL,
    receipt_id  TEXT NOT NULL,
    channel     TEXT NOT NULL,
    paid_on     TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    PRIMARY KEY (ledger_id, receipt_id)
);
CREATE INDEX IF NOT EXISTS rm_receipts_paid_on ON rm_receipts (paid_on);
