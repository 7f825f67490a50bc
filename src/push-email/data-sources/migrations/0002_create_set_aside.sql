-- Emails set aside for good (the mail server refused the recipient, the row cannot be rendered, …), keyed like the
-- deliveries: a replayed change finds them here and neither sends nor sets them aside again. The change itself is on
-- the dead-letter topic, with the reason in its headers.
CREATE TABLE IF NOT EXISTS set_aside (
  id        CHAR(64)     NOT NULL,
  recipient VARCHAR(254) NOT NULL,
  kind      VARCHAR(40)  NOT NULL,
  reason    VARCHAR(64)  NOT NULL,
  set_at    TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
