#!/usr/bin/env bash
# Runs the Cucumber specs in the containers environment on this host: prepare.sh (podman, its API, the images), then
# support/environments/containers/*.integration.test.ts once, then `npm run test:specs` twice with env.sh's variables:
# on MySQL (CDC_DATABASE=mysql, localhost/cdc-harness/mysql) and on MariaDB (CDC_DATABASE=mariadb), with teardown.sh
# and prepare.sh between the two, and teardown.sh at the end whatever happens (exit, Ctrl-C, TERM).
# Arguments go to cucumber-js, in both runs (e.g. `run-specs.sh --tags @smoke`). CDC_PODMAN_DATABASES picks the runs
# (default "mysql mariadb"). Exit code: 0 when every run passed, else the first failure's.
# The fault specs (@faults) run too (kill/start and pause/unpause of the containers through the runtime's API);
# CDC_PODMAN_FAULTS=0 leaves them out (about 3 minutes less per database).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

specs_pid=
# shellcheck disable=SC2317 # called by the traps
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  "$CDC_PODMAN_DIR/teardown.sh" || printf 'warning: teardown.sh failed\n' >&2
  exit "$status"
}
# INT/TERM: stop the specs (their whole process group: npm, cucumber-js and what they started), then exit, which
# runs cleanup. The specs run in the background so that a signal interrupts `wait` at once.
# shellcheck disable=SC2317 # called by the traps
on_signal() {
  local deadline
  if [[ -n $specs_pid ]] && kill -0 "$specs_pid" 2>/dev/null; then
    step "Interrupted: stopping the specs (process group $specs_pid)"
    kill -TERM -- "-$specs_pid" 2>/dev/null || true
    deadline=$((SECONDS + 20))
    while kill -0 "$specs_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL -- "-$specs_pid" 2>/dev/null || true
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# run_group COMMAND...: runs COMMAND in a process group of its own (setsid), which on_signal stops as a whole.
run_group() {
  local status=0
  setsid "$@" <&0 &
  specs_pid=$!
  wait "$specs_pid" || status=$?
  specs_pid=
  return "$status"
}

read -r -a databases <<<"${CDC_PODMAN_DATABASES:-mysql mariadb}"
((${#databases[@]} > 0)) || die "CDC_PODMAN_DATABASES names no database"
for database in "${databases[@]}"; do
  [[ $database == mysql || $database == mariadb ]] || die "CDC_PODMAN_DATABASES: '$database' is neither mysql nor mariadb"
done

"$CDC_PODMAN_DIR/prepare.sh"
# shellcheck source=/dev/null # written by prepare.sh
source "$CDC_STATE/env.sh"
cd "$CDC_REPO_DIR"

# First the containers' own integration tests (the database images' contract, the Connect image's plugins,
# DebeziumConnectContainer).
step "Integration tests of the containers environment: support/environments/containers/*.integration.test.ts"
status=0
run_group node --import tsx --test support/environments/containers/*.integration.test.ts || status=$?
step "Integration tests exited with $status"
if ((status != 0)); then exit "$status"; fi

summary=()
for i in "${!databases[@]}"; do
  database=${databases[i]}
  if ((i > 0)); then
    # What the previous run left (it removes its own containers; a failed one may not have) goes, and the API
    # service starts afresh.
    "$CDC_PODMAN_DIR/teardown.sh"
    "$CDC_PODMAN_DIR/prepare.sh"
  fi
  if [[ $database == mysql ]]; then server="MySQL ($CDC_MYSQL_IMAGE)"; else server="MariaDB ($CDC_MARIADB_IMAGE)"; fi
  step "Specs on $server: CDC_DATABASE=$database npm run test:specs in $CDC_REPO_DIR with CDC_ENVIRONMENT=$CDC_ENVIRONMENT."
  step "$server, Kafka ($CDC_KAFKA_IMAGE) and Kafka Connect (built FROM $CDC_CONNECT_BASE_IMAGE) run as podman containers via $DOCKER_HOST; the harness and the services run here as local processes."
  t=$(now_ns)
  run_status=0
  fault_filter=()
  if [[ ${CDC_PODMAN_FAULTS:-1} == 0 ]]; then fault_filter=(--tags 'not @faults'); fi
  CDC_DATABASE=$database run_group npm run test:specs -- "${fault_filter[@]}" "$@" || run_status=$?
  summary+=("$database: exit $run_status in $(elapsed "$t")")
  step "Specs on $database exited with $run_status in $(elapsed "$t")"
  if ((run_status != 0 && status == 0)); then status=$run_status; fi
done
step "Specs: $(IFS=,; printf '%s' "${summary[*]}" | sed 's/,/, /g')"
exit "$status"
