#!/usr/bin/env bash
# Entrypoint of localhost/cdc-harness/mysql: the official mysql image's contract, as far as the harness, Testcontainers
# and k8s/base/mysql use it, with the official script's function names (scripts in /docker-entrypoint-initdb.d use
# them: mysql_note, mysql_warn, mysql_error, docker_process_sql).
#   - Arguments starting with "-" are mysqld options (`... --server-id=1 --skip-name-resolve`); any other command runs
#     as given (`bash`), and so does mysqld with --help or --version.
#   - As root, it prepares the datadir and socket folders, then runs itself again as the mysql user (setpriv, where
#     the official image uses gosu); started as another user (k8s: runAsUser 999) it goes on as that user.
#   - First start (no mysql/ in the datadir): mysqld --initialize-insecure; a temporary server with --skip-networking
#     (this script's child, where the official image uses --daemonize); time zone tables (unless
#     MYSQL_INITDB_SKIP_TZINFO); the root password for root@localhost and root@MYSQL_ROOT_HOST (default '%');
#     MYSQL_DATABASE; MYSQL_USER with ALL on it; /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz,sql.bz2,sql.xz,sql.zst}
#     in name order; MYSQL_ONETIME_PASSWORD; then SHUTDOWN, and the temporary server is waited for.
#   - Then exec mysqld with the container's arguments: it listens on every address, 3306 and the X Protocol's 33060,
#     and logs "ready for connections" (the temporary server logs it too, with port 0, as in the official image).
# Variables: MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD, MYSQL_ONETIME_PASSWORD,
# MYSQL_ROOT_HOST, MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD (each but the flags also as *_FILE), and
# MYSQL_INITDB_SKIP_TZINFO. Unlike the official image: no VOLUME for /var/lib/mysql, no gosu, no MySQL Shell, and of
# the client tools only mysql, mysqladmin, mysqldump, mysqlbinlog and mysql_tzinfo_to_sql.
set -eo pipefail
shopt -s nullglob

mysql_log() {
  local type=$1
  shift
  local text="$*"
  if (($# == 0)); then text=$(cat); fi
  printf '%s [%s] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$type" "$text"
}
mysql_note() { mysql_log Note "$@"; }
mysql_warn() { mysql_log Warn "$@" >&2; }
mysql_error() {
  mysql_log ERROR "$@" >&2
  exit 1
}

# file_env VAR [DEFAULT]: VAR's value, or the content of the file VAR_FILE names (not both), or DEFAULT.
file_env() {
  local var=$1 file_var="${1}_FILE" default=${2:-} value
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then mysql_error "Both $var and $file_var are set (but are exclusive)"; fi
  value=$default
  if [[ -n ${!var:-} ]]; then
    value=${!var}
  elif [[ -n ${!file_var:-} ]]; then
    value=$(<"${!file_var}")
  fi
  export "$var"="$value"
  unset "$file_var"
}

# True when the arguments only ask mysqld for help or its version (nothing to initialise).
_mysql_want_help() {
  local arg
  for arg; do case "$arg" in -'?' | --help | --print-defaults | -V | --version) return 0 ;; esac; done
  return 1
}

# Checks the configuration and reads it, once: MYSQL_CONFIG holds `mysqld --verbose --help`'s output, whose variables
# section mysql_get_config reads. (--log-bin-index: a path that does not exist, so that the check touches no binlog.)
mysql_check_config() {
  local errors
  errors=$(mktemp)
  if ! MYSQL_CONFIG=$("$@" --verbose --help --log-bin-index="$(mktemp -u)" 2>"$errors"); then
    mysql_error "mysqld failed while attempting to check config
	command was: $*
	$(<"$errors")"
  fi
  rm -f "$errors"
}

# The value of a server option, as mysqld resolves it from its option files and the container's arguments; from
# MYSQL_CONFIG, or from stdin with a second argument "-".
mysql_get_config() {
  # Reads to the end: a writer to a pipe must not get SIGPIPE (pipefail).
  # shellcheck disable=SC2016 # awk's $1
  local script='!found && $1 == option && /^[^ \t]/ { found = 1; sub(/^[^ \t]+[ \t]+/, ""); print }'
  if [[ ${2:-} == - ]]; then awk -v option="$1" "$script"; else awk -v option="$1" "$script" <<<"$MYSQL_CONFIG"; fi
}

docker_setup_env() {
  declare -g DATADIR SOCKET DATABASE_ALREADY_EXISTS
  DATADIR=$(mysql_get_config datadir)
  DATADIR=${DATADIR%/}
  SOCKET=$(mysql_get_config socket)
  [[ -n $DATADIR && -n $SOCKET ]] || mysql_error "could not read datadir and socket from mysqld's configuration"
  file_env MYSQL_ROOT_HOST '%'
  file_env MYSQL_DATABASE
  file_env MYSQL_USER
  file_env MYSQL_PASSWORD
  file_env MYSQL_ROOT_PASSWORD
  DATABASE_ALREADY_EXISTS=
  if [[ -d $DATADIR/mysql ]]; then DATABASE_ALREADY_EXISTS=true; fi
}

# The datadir, the socket's folder and the folders of the files mysqld writes, owned by mysql when run as root.
docker_create_db_directories() {
  local -A dirs=(["$DATADIR"]=1 ["$(dirname "$SOCKET")"]=1)
  local conf value
  for conf in general-log-file keyring_file_data pid-file secure-file-priv slow-query-log-file; do
    value=$(mysql_get_config "$conf")
    case "$value" in
    '' | NULL | '(No default value)') continue ;;
    esac
    if [[ $conf == secure-file-priv ]]; then dirs["$value"]=1; else dirs["$(dirname "$value")"]=1; fi
  done
  mkdir -p "${!dirs[@]}"
  if [[ $(id -u) == 0 ]]; then
    # Fewer writes than chown -R.
    find "${!dirs[@]}" \! -user mysql -exec chown --no-dereference mysql '{}' +
  fi
}

docker_verify_minimum_env() {
  if [[ -z ${MYSQL_ROOT_PASSWORD:-} && -z ${MYSQL_ALLOW_EMPTY_PASSWORD:-} && -z ${MYSQL_RANDOM_ROOT_PASSWORD:-} ]]; then
    mysql_error "Database is uninitialized and password option is not specified
	You need to specify one of the following as an environment variable:
	- MYSQL_ROOT_PASSWORD
	- MYSQL_ALLOW_EMPTY_PASSWORD
	- MYSQL_RANDOM_ROOT_PASSWORD"
  fi
  if [[ ${MYSQL_USER:-} == root ]]; then
    mysql_error "MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user
	Remove MYSQL_USER=\"root\" and use one of the following to control the root user password:
	- MYSQL_ROOT_PASSWORD
	- MYSQL_ALLOW_EMPTY_PASSWORD
	- MYSQL_RANDOM_ROOT_PASSWORD"
  fi
  if [[ -n ${MYSQL_USER:-} && -z ${MYSQL_PASSWORD:-} ]]; then
    mysql_warn "MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created"
  elif [[ -z ${MYSQL_USER:-} && -n ${MYSQL_PASSWORD:-} ]]; then
    mysql_warn "MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored"
  fi
}

docker_init_database_dir() {
  mysql_note "Initializing database files"
  "$@" --initialize-insecure --default-time-zone=SYSTEM
  mysql_note "Database files initialized"
}

# The official image starts it with --daemonize; here it is this shell's child instead, so that it is reaped when it
# stops (a daemonized server would be left a zombie under the final mysqld, PID 1, which reaps nothing). Ready when
# root (no password yet) gets an answer on its socket.
docker_temp_server_start() {
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" &
  TEMP_SERVER_PID=$!
  local deadline=$((SECONDS + 120))
  until mysql --protocol=socket -uroot -hlocalhost --socket="$SOCKET" --password= -e 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "$TEMP_SERVER_PID" 2>/dev/null || mysql_error "Unable to start server."
    ((SECONDS < deadline)) || mysql_error "Unable to start server: no answer on $SOCKET within 120 s."
    sleep 0.1
  done
}

# SHUTDOWN, then wait for the child to exit (the official image's mysqladmin shutdown polls for the pid file to go,
# once a second).
docker_temp_server_stop() {
  docker_process_sql --database=mysql <<<'SHUTDOWN' || mysql_error "Unable to shut down server."
  wait "$TEMP_SERVER_PID" || mysql_error "The temporary server did not shut down cleanly."
}

# Clients that assume mysqld's built-in socket path find the configured one there (as in the official image).
mysql_socket_fix() {
  local default_socket
  default_socket=$(mysqld --no-defaults --verbose --help 2>/dev/null | mysql_get_config socket -)
  if [[ -n $default_socket && $SOCKET != "$default_socket" ]]; then ln -sfT "$SOCKET" "$default_socket" || :; fi
}

# An option file with root's password, for --defaults-extra-file=<(...): nothing while it is not set yet.
_mysql_passfile() {
  if [[ ${1:-} != --dont-use-mysql-root-password && -n ${MYSQL_ROOT_PASSWORD:-} ]]; then
    printf '[client]\npassword="%s"\n' "$MYSQL_ROOT_PASSWORD"
  fi
}

# docker_process_sql [--dont-use-mysql-root-password] [mysql options]: runs SQL from stdin on the temporary server, as
# root over its socket, in MYSQL_DATABASE unless the options name another.
docker_process_sql() {
  local passfile_args=()
  if [[ ${1:-} == --dont-use-mysql-root-password ]]; then
    passfile_args+=("$1")
    shift
  fi
  if [[ -n ${MYSQL_DATABASE:-} ]]; then set -- --database="$MYSQL_DATABASE" "$@"; fi
  mysql --defaults-extra-file=<(_mysql_passfile "${passfile_args[@]}") --protocol=socket -uroot -hlocalhost \
    --socket="$SOCKET" --comments "$@"
}

# A SQL string literal's content: backslashes, newlines and quotes escaped.
docker_sql_escape_string_literal() {
  local newline=$'\n' escaped=${1//\\/\\\\}
  escaped=${escaped//$newline/\\n}
  printf '%s' "${escaped//\'/\\\'}"
}

docker_setup_db() {
  if [[ -z ${MYSQL_INITDB_SKIP_TZINFO:-} ]]; then
    # The sed is for https://bugs.mysql.com/bug.php?id=20545. Root has no password yet.
    mysql_tzinfo_to_sql /usr/share/zoneinfo |
      sed 's/Local time zone must be set--see zic manual page/FCTY/' |
      docker_process_sql --dont-use-mysql-root-password --database=mysql
  fi
  if [[ -n ${MYSQL_RANDOM_ROOT_PASSWORD:-} ]]; then
    MYSQL_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64)
    export MYSQL_ROOT_PASSWORD
    mysql_note "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
  fi
  local root_password root_create=''
  root_password=$(docker_sql_escape_string_literal "${MYSQL_ROOT_PASSWORD:-}")
  if [[ -n $MYSQL_ROOT_HOST && $MYSQL_ROOT_HOST != localhost ]]; then
    root_create="CREATE USER 'root'@'${MYSQL_ROOT_HOST}' IDENTIFIED BY '$root_password' ;
GRANT ALL ON *.* TO 'root'@'${MYSQL_ROOT_HOST}' WITH GRANT OPTION ;"
  fi
  # Securing root is not binlogged (the official image's comment: "What's done in this file shouldn't be replicated");
  # the database and the user below are.
  docker_process_sql --dont-use-mysql-root-password --database=mysql <<EOSQL
SET @@SESSION.SQL_LOG_BIN=0;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_password' ;
GRANT ALL ON *.* TO 'root'@'localhost' WITH GRANT OPTION ;
FLUSH PRIVILEGES ;
$root_create
DROP DATABASE IF EXISTS test ;
EOSQL
  if [[ -n ${MYSQL_DATABASE:-} ]]; then
    mysql_note "Creating database ${MYSQL_DATABASE}"
    docker_process_sql --database=mysql <<<"CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` ;"
  fi
  if [[ -n ${MYSQL_USER:-} && -n ${MYSQL_PASSWORD:-} ]]; then
    mysql_note "Creating user ${MYSQL_USER}"
    docker_process_sql --database=mysql <<<"CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY '$(docker_sql_escape_string_literal "$MYSQL_PASSWORD")' ;"
    if [[ -n ${MYSQL_DATABASE:-} ]]; then
      mysql_note "Giving user ${MYSQL_USER} access to schema ${MYSQL_DATABASE}"
      # _ is a wildcard in a GRANT's database name: escaped, the grant is on that database only.
      docker_process_sql --database=mysql <<<"GRANT ALL ON \`${MYSQL_DATABASE//_/\\_}\`.* TO '$MYSQL_USER'@'%' ;"
    fi
  fi
}

# Runs the given files in order on the temporary server: *.sh executed (sourced when not executable: it then has
# this script's functions), *.sql and compressed *.sql piped to docker_process_sql, anything else ignored.
docker_process_init_files() {
  # shellcheck disable=SC2034 # "${mysql[@]}": for older init scripts, as in the official image
  mysql=(docker_process_sql)
  echo
  local f
  for f; do
    case "$f" in
    *.sh)
      if [[ -x $f ]]; then
        mysql_note "$0: running $f"
        "$f"
      else
        mysql_note "$0: sourcing $f"
        # shellcheck disable=SC1090 # the image's user provides it
        . "$f"
      fi
      ;;
    *.sql) mysql_note "$0: running $f"; docker_process_sql <"$f"; echo ;;
    *.sql.bz2) mysql_note "$0: running $f"; bunzip2 -c "$f" | docker_process_sql; echo ;;
    *.sql.gz) mysql_note "$0: running $f"; gunzip -c "$f" | docker_process_sql; echo ;;
    *.sql.xz) mysql_note "$0: running $f"; xzcat "$f" | docker_process_sql; echo ;;
    *.sql.zst) mysql_note "$0: running $f"; zstd -dc "$f" | docker_process_sql; echo ;;
    *) mysql_note "$0: ignoring $f" ;;
    esac
    echo
  done
}

mysql_expire_root_user() {
  if [[ -n ${MYSQL_ONETIME_PASSWORD:-} ]]; then
    docker_process_sql --database=mysql <<<"ALTER USER 'root'@'%' PASSWORD EXPIRE;"
  fi
}

_main() {
  # Options first: they are mysqld's.
  if [[ ${1:0:1} == - ]]; then set -- mysqld "$@"; fi
  if [[ $1 == mysqld ]] && ! _mysql_want_help "$@"; then
    mysql_note "Entrypoint script for MySQL Server ${MYSQL_VERSION} started."
    mysql_check_config "$@"
    docker_setup_env "$@"
    docker_create_db_directories "$@"
    if [[ $(id -u) == 0 ]]; then
      mysql_note "Switching to dedicated user 'mysql'"
      exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    if [[ -z $DATABASE_ALREADY_EXISTS ]]; then
      docker_verify_minimum_env
      # Fails early when the folder cannot be read.
      ls /docker-entrypoint-initdb.d/ >/dev/null
      docker_init_database_dir "$@"
      mysql_note "Starting temporary server"
      docker_temp_server_start "$@"
      mysql_note "Temporary server started."
      mysql_socket_fix
      docker_setup_db
      docker_process_init_files /docker-entrypoint-initdb.d/*
      mysql_expire_root_user
      mysql_note "Stopping temporary server"
      docker_temp_server_stop
      mysql_note "Temporary server stopped"
      echo
      mysql_note "MySQL init process done. Ready for start up."
      echo
    else
      mysql_socket_fix
    fi
  fi
  exec "$@"
}

# Sourced (by a test, say) it only defines the functions.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then _main "$@"; fi
