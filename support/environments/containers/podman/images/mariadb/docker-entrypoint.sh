#!/usr/bin/env bash
# Entrypoint of localhost/cdc-harness/mariadb: the official mariadb image's contract, as far as the harness needs it.
#   - Arguments starting with "-" are mariadbd options (`... --log-bin=binlog --server-id=1`); any other command runs
#     as given (`bash`).
#   - First start (no mysql/ in the datadir): initialise it with mariadb-install-db, start a temporary server with
#     --skip-networking, apply MARIADB_* / MYSQL_* variables (root password and root@MARIADB_ROOT_HOST, default '%';
#     database; user with ALL on it), run /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz,sql.xz,sql.zst}, stop it.
#   - Then exec mariadbd as the mysql user with the container's arguments: it listens on 0.0.0.0:3306 and logs
#     "ready for connections" (the temporary server logs it too, with port 0, as the official image does).
# Variables: MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD,
# MARIADB_ROOT_HOST, MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD, each also as MYSQL_* (MYSQL_ALLOW_EMPTY_PASSWORD)
# and as *_FILE (read from a file). Not supported: password hashes, replication, tz tables, healthcheck.sh.
set -eo pipefail
shopt -s nullglob

log() { printf '%s 0 [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
warn() { printf '%s 0 [Warning] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; }
error() {
  printf '%s 0 [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2
  exit 1
}

# file_env VAR: VAR's value, or the content of the file VAR_FILE names (not both).
file_env() {
  local var=$1 file_var="${1}_FILE"
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then error "both $var and $file_var are set (but are exclusive)"; fi
  if [[ -n ${!file_var:-} ]]; then
    export "$var"="$(<"${!file_var}")"
    unset "$file_var"
  fi
}

# mariadb_env NAME [MYSQL_NAME]: MARIADB_NAME, falling back to MYSQL_NAME.
mariadb_env() {
  local var=MARIADB_$1 mysql_var=MYSQL_${2:-$1}
  file_env "$var"
  file_env "$mysql_var"
  if [[ -z ${!var:-} && -n ${!mysql_var:-} ]]; then export "$var"="${!mysql_var}"; fi
}

# The value of a server option, as mariadbd resolves it from its configuration files and these arguments.
server_config() {
  local option=$1
  shift
  "$@" --verbose --help 2>/dev/null |
    awk -v option="$option" '$1 == option && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

# SQL string literal content: backslashes and quotes escaped.
sql_escape() {
  local value=${1//\\/\\\\}
  printf '%s' "${value//\'/\\\'}"
}

# mariadb client on the temporary server's socket, as root; with the root password once it is set.
process_sql() {
  if [[ ${1:-} == --no-password ]]; then
    shift
    mariadb --protocol=socket -uroot -hlocalhost --socket="$SOCKET" --password= "$@"
  else
    mariadb --defaults-extra-file=<(printf '[client]\npassword="%s"\n' "${MARIADB_ROOT_PASSWORD//\"/\\\"}") \
      --protocol=socket -uroot -hlocalhost --socket="$SOCKET" "$@"
  fi
}

temp_server_start() {
  "${as_mysql[@]}" "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
    --expire-logs-days=0 --skip-slave-start --loose-innodb_buffer_pool_load_at_startup=0 &
  TEMP_SERVER_PID=$!
  local deadline=$((SECONDS + 60))
  until process_sql --no-password --database=mysql -e 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "$TEMP_SERVER_PID" 2>/dev/null || error "the temporary server failed to start"
    ((SECONDS < deadline)) || error "the temporary server did not accept connections within 60 s"
    sleep 0.1
  done
}

temp_server_stop() {
  kill -TERM "$TEMP_SERVER_PID"
  wait "$TEMP_SERVER_PID" || error "the temporary server did not shut down cleanly"
}

setup_db() {
  local root_password root_create='' database_create='' user_create=''
  root_password=$(sql_escape "$MARIADB_ROOT_PASSWORD")
  if [[ -n $MARIADB_ROOT_HOST && $MARIADB_ROOT_HOST != localhost ]]; then
    root_create="CREATE USER 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' IDENTIFIED BY '$root_password';
      GRANT ALL ON *.* TO 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' WITH GRANT OPTION;
      GRANT PROXY ON ''@'%' TO 'root'@'$(sql_escape "$MARIADB_ROOT_HOST")' WITH GRANT OPTION;"
  fi
  if [[ -n ${MARIADB_DATABASE:-} ]]; then
    log "Creating database $MARIADB_DATABASE"
    database_create="CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
  fi
  if [[ -n ${MARIADB_USER:-} && -n ${MARIADB_PASSWORD:-} ]]; then
    log "Creating user $MARIADB_USER"
    user_create="CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "$MARIADB_PASSWORD")';"
    if [[ -n ${MARIADB_DATABASE:-} ]]; then
      log "Giving user $MARIADB_USER access to schema $MARIADB_DATABASE"
      # _ is a wildcard in a GRANT's database name: escaped, as the official image does, the grant is on that one only.
      local grant_database=${MARIADB_DATABASE//\`/\`\`}
      user_create+="GRANT ALL ON \`${grant_database//_/\\_}\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
    fi
  fi
  # Securing the system users is not binlogged; the database and the user are (as in the official image).
  process_sql --no-password --database=mysql --binary-mode <<EOSQL
SET @orig_sql_log_bin= @@SESSION.SQL_LOG_BIN;
SET @@SESSION.SQL_LOG_BIN=0;
SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname,'\'');
SET PASSWORD FOR 'root'@'localhost'= PASSWORD('$root_password');
$root_create
DROP DATABASE IF EXISTS test;
SET @@SESSION.SQL_LOG_BIN=@orig_sql_log_bin;
$database_create
$user_create
EOSQL
}

# Runs /docker-entrypoint-initdb.d in name order, on the temporary server.
process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
    *.sh)
      if [[ -x $f ]]; then
        log "$0: running $f"
        "$f"
      else
        log "$0: sourcing $f"
        # shellcheck disable=SC1090 # the image's user provides it
        . "$f"
      fi
      ;;
    *.sql) log "$0: running $f"; process_sql "${database_arg[@]}" <"$f" ;;
    *.sql.gz) log "$0: running $f"; gunzip -c "$f" | process_sql "${database_arg[@]}" ;;
    *.sql.xz) log "$0: running $f"; xzcat "$f" | process_sql "${database_arg[@]}" ;;
    *.sql.zst) log "$0: running $f"; zstd -dc "$f" | process_sql "${database_arg[@]}" ;;
    *) log "$0: ignoring $f" ;;
    esac
  done
}

init_database() {
  mariadb_env ROOT_PASSWORD
  mariadb_env ALLOW_EMPTY_ROOT_PASSWORD ALLOW_EMPTY_PASSWORD
  mariadb_env RANDOM_ROOT_PASSWORD
  mariadb_env ROOT_HOST
  mariadb_env DATABASE
  mariadb_env USER
  mariadb_env PASSWORD
  : "${MARIADB_ROOT_HOST:=%}"
  if [[ -z ${MARIADB_ROOT_PASSWORD:-} && -z ${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-} && -z ${MARIADB_RANDOM_ROOT_PASSWORD:-} ]]; then
    error "Database is uninitialized and password option is not specified
	You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD"
  fi
  if [[ ${MARIADB_USER:-} == root ]]; then
    error "MARIADB_USER=\"root\", MARIADB_USER and MARIADB_PASSWORD are for configuring a regular user and cannot be used for the root user
	Remove MARIADB_USER=\"root\" and use one of the following to control the root user password:
	- MARIADB_ROOT_PASSWORD
	- MARIADB_ALLOW_EMPTY_ROOT_PASSWORD
	- MARIADB_RANDOM_ROOT_PASSWORD"
  fi
  if [[ -n ${MARIADB_USER:-} && -z ${MARIADB_PASSWORD:-} ]]; then
    warn "MARIADB_USER set, but MARIADB_PASSWORD not set: the user is not created"
  fi
  if [[ -z ${MARIADB_ROOT_PASSWORD:-} && -n ${MARIADB_RANDOM_ROOT_PASSWORD:-} ]]; then
    MARIADB_ROOT_PASSWORD=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-32)
    log "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  MARIADB_ROOT_PASSWORD=${MARIADB_ROOT_PASSWORD:-}

  log "Initializing database files"
  # --skip-log-bin etc.: the system tables stay out of the binlog (the official image passes the same).
  "${as_mysql[@]}" mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
    --skip-test-db --old-mode='UTF8_IS_UTF8MB3' --default-time-zone=SYSTEM --enforce-storage-engine= \
    --skip-log-bin --expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 \
    --loose-innodb_buffer_pool_dump_at_shutdown=0 "${@:2}" >/dev/null
  log "Database files initialized"

  log "Starting temporary server"
  temp_server_start "$@"
  log "Temporary server started."

  database_arg=()
  if [[ -n ${MARIADB_DATABASE:-} ]]; then database_arg=(--database="$MARIADB_DATABASE"); fi
  log "Securing system users (equivalent to running mysql_secure_installation)"
  setup_db
  process_init_files

  log "Stopping temporary server"
  temp_server_stop
  log "Temporary server stopped"
  log "MariaDB init process done. Ready for start up."
}

# Options first: they are mariadbd's.
if [[ ${1:0:1} == - ]]; then set -- mariadbd "$@"; fi

wants_help() {
  local arg
  for arg; do case "$arg" in -'?' | --help | --print-defaults | -V | --version) return 0 ;; esac; done
  return 1
}

if [[ $1 == mariadbd || $1 == mysqld ]] && ! wants_help "$@"; then
  log "Entrypoint script for MariaDB Server $("$1" --version | awk '{print $3}') started."
  as_mysql=()
  if [[ $(id -u) == 0 ]]; then
    # The server runs as the mysql user, as in the official image (which steps down with gosu).
    as_mysql=(setpriv --reuid=mysql --regid=mysql --init-groups)
  fi
  DATADIR=$(server_config datadir "${as_mysql[@]}" "$@")
  DATADIR=${DATADIR%/}
  SOCKET=$(server_config socket "${as_mysql[@]}" "$@")
  [[ -n $DATADIR && -n $SOCKET ]] || error "could not read datadir and socket from mariadbd's configuration"
  if [[ $(id -u) == 0 ]]; then
    mkdir -p "$DATADIR" "$(dirname "$SOCKET")"
    find "$DATADIR" "$(dirname "$SOCKET")" \! -user mysql -exec chown mysql:mysql '{}' +
  fi
  if [[ ! -d $DATADIR/mysql ]]; then
    init_database "$@"
  else
    log "MariaDB upgrade not required (datadir already initialized)"
  fi
  exec "${as_mysql[@]}" "$@"
fi

exec "$@"
