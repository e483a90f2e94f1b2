-- Tamper-evident audit log (DESIGN §7, ADR 0008, docs/audit-log.md).
-- One row per sealed event: leaf_index is the RFC 9162 leaf position (0, 1, 2, … without gaps);
-- notification_id is the event's position in the notification log (which may have gaps);
-- leaf_hash is hex SHA-256(0x00 ‖ canonical leaf encoding of the stored, encrypted event).
CREATE TABLE IF NOT EXISTS audit_leaves (
    leaf_index       BIGINT PRIMARY KEY,
    notification_id  BIGINT NOT NULL UNIQUE,
    leaf_hash        TEXT NOT NULL
);

-- Signed checkpoints (tree heads). The signed note is rebuilt from origin, tree_size, root_hash,
-- created_at and last_notification_id; signature is base64 Ed25519 over that note, key_id names the key.
-- previous_size and consistency_proof (hex hashes joined by ',') link the checkpoint to its predecessor
-- (RFC 9162 §2.1.4). frontier is the integrator's cache of the tree's perfect-subtree roots; verification
-- never trusts it.
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    tree_size             BIGINT PRIMARY KEY,
    origin                TEXT NOT NULL,
    root_hash             TEXT NOT NULL,
    last_notification_id  BIGINT NOT NULL,
    created_at            TEXT NOT NULL,
    key_id                TEXT NOT NULL,
    signature             TEXT NOT NULL,
    previous_size         BIGINT NOT NULL,
    consistency_proof     TEXT NOT NULL,
    frontier              TEXT NOT NULL
);
