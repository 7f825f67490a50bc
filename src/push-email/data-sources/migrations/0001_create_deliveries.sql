-- The delivery log: one row per email a mail server accepted, keyed by the change's identity and the kind of
-- notification, so that a replayed change event sends nothing again.
CREATE TABLE IF NOT EXISTS deliveries (
  id           CHAR(64)     NOT NULL,
  message_id   VARCHAR(255) NOT NULL,
  recipient    VARCHAR(254) NOT NULL,
  kind         VARCHAR(40)  NOT NULL,
  delivered_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
