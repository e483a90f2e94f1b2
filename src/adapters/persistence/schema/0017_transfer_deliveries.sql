-- Delivery state of the levy's transfer outbox (庁内移転, 番号法第9条第2項): one row per delivered outbox
-- row. Owned by no projection, so `projections rebuild` never drops or recreates it: a rebuild can neither
-- resend a transfer nor forget one. Ids and times only, no personal values.
CREATE TABLE IF NOT EXISTS transfer_deliveries (
    assessment_id  TEXT NOT NULL,
    version        BIGINT NOT NULL,
    department     TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    delivered_at   TEXT NOT NULL,
    PRIMARY KEY (assessment_id, version, department)
);
