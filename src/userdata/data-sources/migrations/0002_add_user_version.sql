-- Optimistic concurrency: every change of a user increments its version, which the API exposes as the ETag.
ALTER TABLE users ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1 AFTER address;
