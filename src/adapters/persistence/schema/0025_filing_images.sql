-- 課税資料イメージ (seed システム8): scanned images of filings, encrypted under the taxpayer × 年度 data key
-- (key_id) and addressed by the SHA-256 of the plaintext image. Owned by no projection (a rebuild never
-- drops it); only ciphertext (base64) is stored, so destroying the key (crypto-shredding) erases the image.
CREATE TABLE IF NOT EXISTS filing_images (
    key_id        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    ciphertext    TEXT NOT NULL,
    stored_at     TEXT NOT NULL,
    PRIMARY KEY (key_id, content_hash)
);
