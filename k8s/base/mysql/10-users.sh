# shellcheck shell=bash
# Sourced by the mysql image's entrypoint once, on the first start (empty data directory), after it has set the root
# password: the databases and one least-privilege user per client, as support/environments/native/mariadb.ts provisions them, but
# reachable from other pods ('%'), with caching_sha2_password and the passwords of the database-passwords Secret.
# The tables are each service's own migrations, applied by its `migrate` init container, not copied here.

# A SQL string literal: backslashes and quotes escaped, so that any password is safe to splice in.
sql_string() {
  local value=${1//\\/\\\\}
  value=${value//\'/\'\'}
  printf "'%s'" "$value"
}

for password in USERDATA_MIGRATOR_PASSWORD USERDATA_PASSWORD DEBEZIUM_PASSWORD PUSH_EMAIL_MIGRATOR_PASSWORD PUSH_EMAIL_PASSWORD; do
  if [ -z "${!password:-}" ]; then
    mysql_error "$password is not set: the database-passwords Secret must hold it"
  fi
done

mysql_note "Creating the databases clients and push_email and the users of their clients"
docker_process_sql --database=mysql <<EOSQL
CREATE DATABASE IF NOT EXISTS clients CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
-- push-email keeps its delivery log in a database of its own, which Debezium does not capture.
CREATE DATABASE IF NOT EXISTS push_email CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- userdata's migrate command changes the schema of clients; the service only reads and writes rows.
CREATE USER 'userdata_migrator'@'%' IDENTIFIED WITH caching_sha2_password BY $(sql_string "$USERDATA_MIGRATOR_PASSWORD");
GRANT CREATE, ALTER, INDEX, DROP, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON clients.* TO 'userdata_migrator'@'%';
CREATE USER 'userdata'@'%' IDENTIFIED WITH caching_sha2_password BY $(sql_string "$USERDATA_PASSWORD");
GRANT SELECT, INSERT, UPDATE, DELETE ON clients.* TO 'userdata'@'%';

-- Debezium reads the binlog and snapshots: RELOAD for the snapshot's flush, SHOW DATABASES to find clients.
CREATE USER 'debezium'@'%' IDENTIFIED WITH caching_sha2_password BY $(sql_string "$DEBEZIUM_PASSWORD");
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';

CREATE USER 'push_email_migrator'@'%' IDENTIFIED WITH caching_sha2_password BY $(sql_string "$PUSH_EMAIL_MIGRATOR_PASSWORD");
GRANT CREATE, ALTER, INDEX, DROP, REFERENCES, SELECT, INSERT, UPDATE, DELETE ON push_email.* TO 'push_email_migrator'@'%';
CREATE USER 'push_email'@'%' IDENTIFIED WITH caching_sha2_password BY $(sql_string "$PUSH_EMAIL_PASSWORD");
GRANT SELECT, INSERT ON push_email.* TO 'push_email'@'%';
EOSQL
