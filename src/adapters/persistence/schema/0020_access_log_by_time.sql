-- 自己点検 (access-anomaly report, ADR 0022) reads the access journal by period: index it by time.
CREATE INDEX IF NOT EXISTS rm_access_log_at ON rm_access_log (at);
