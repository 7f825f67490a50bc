#!/usr/bin/env bash
# Runs the Cucumber specs in the containers environment on this host: prepare.sh (podman, its API, the images),
# support/environments/containers/*.integration.test.ts and `npm run test:specs` with env.sh's variables, and teardown.sh
# whatever happens (exit, Ctrl-C, TERM).
# Arguments go to cucumber-js (e.g. `run-specs.sh --tags @smoke`). Exit code: the specs'.
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

"$CDC_PODMAN_DIR/prepare.sh"
# shellcheck source=/dev/null # written by prepare.sh
source "$CDC_STATE/env.sh"

step "Specs: npm run test:specs in $CDC_REPO_DIR with CDC_ENVIRONMENT=$CDC_ENVIRONMENT."
step "MariaDB ($CDC_MARIADB_IMAGE), Kafka ($CDC_KAFKA_IMAGE) and Kafka Connect (built FROM $CDC_CONNECT_BASE_IMAGE) run as podman containers via $DOCKER_HOST; the harness and the services run here as local processes."
cd "$CDC_REPO_DIR"
status=0
# setsid: its own process group, which on_signal stops as a whole.
# First the containers' own integration tests (the Connect image's plugins, DebeziumConnectContainer), then the specs.
setsid bash -c 'node --import tsx --test support/environments/containers/*.integration.test.ts &&
  npm run test:specs -- "$@"' run-specs "$@" <&0 &
specs_pid=$!
wait "$specs_pid" || status=$?
step "Specs exited with $status"
exit "$status"
