-- Every command's Idempotency-Key check first drops records past the replay window
-- (`DELETE … WHERE created_at < cutoff`): index it by time so that the check does not scan a day's
-- commands (issue 15, docs/performance.md).
CREATE INDEX IF NOT EXISTS http_idempotency_created_at ON http_idempotency (created_at);
