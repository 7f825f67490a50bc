# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the scripts that source this file
# Shared by prepare.sh, teardown.sh and run-specs.sh (sourced, never run): paths, logging and the podman service.

CDC_PODMAN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CDC_REPO_DIR=$(cd "$CDC_PODMAN_DIR/../../../.." && pwd)
# Everything prepare.sh creates outside podman's own storage: containers.conf, env.sh, the service's PID and log.
CDC_STATE=${CDC_PODMAN_STATE:-/tmp/cdc-harness-podman}
CDC_SOCKET=/run/podman/podman.sock
CDC_SERVICE_PID_FILE=$CDC_STATE/service.pid
CDC_IMAGE_PREFIX=localhost/cdc-harness
# Every container and network the harness creates carries this label; every image built here carries
# cdc-harness.image=<name> (containers inherit it, so it also marks containers run from these images).
CDC_LABEL=cdc-harness=true
CDC_IMAGE_LABEL=cdc-harness.image
# The project's Node (node_modules/.bin, as npm scripts have it) before the machine's, which may be too old.
PATH=$CDC_REPO_DIR/node_modules/.bin:$PATH

# Nanosecond clock for timings.
now_ns() { date +%s%N; }

# "==> message" on stdout.
step() { printf '==> %s\n' "$*"; }

# Seconds since a now_ns value, with millisecond precision.
elapsed() {
  local ms=$((($(now_ns) - $1) / 1000000))
  printf '%d.%03d s' $((ms / 1000)) $((ms % 1000))
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# podman through the project's containers.conf (runc, ulimits the sandbox accepts), never /etc's.
pod() {
  if [[ -f $CDC_STATE/containers.conf ]]; then
    CONTAINERS_CONF=$CDC_STATE/containers.conf podman "$@"
  else
    podman "$@"
  fi
}

# True when the Docker-compatible API answers on the socket.
service_answers() {
  [[ -S $CDC_SOCKET ]] && [[ $(curl -fsS --max-time 2 --unix-socket "$CDC_SOCKET" http://d/_ping 2>/dev/null) == OK ]]
}

# The PID of the `podman system service` that prepare.sh started, when it still runs; empty otherwise.
service_pid() {
  local pid
  [[ -f $CDC_SERVICE_PID_FILE ]] || return 0
  pid=$(<"$CDC_SERVICE_PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  # The PID must still be that service (PIDs get reused).
  if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "podman system service"; then
    printf '%s\n' "$pid"
  fi
}

# Waits until PID has exited: true when it did before DEADLINE_S seconds.
wait_exit() {
  local pid=$1 deadline=$(($(date +%s) + $2))
  while kill -0 "$pid" 2>/dev/null; do
    # A zombie has exited; its parent reaps it.
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
    (($(date +%s) < deadline)) || return 1
    sleep 0.05
  done
}

# Stops the service prepare.sh started (SIGTERM, then SIGKILL after a deadline) and removes its socket.
stop_service() {
  local pid
  pid=$(service_pid)
  if [[ -n $pid ]]; then
    step "Stopping the podman API service (PID $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_exit "$pid" 15; then
      step "The service did not exit within 15 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_exit "$pid" 5 || die "podman system service (PID $pid) survived SIGKILL"
    fi
  fi
  rm -f "$CDC_SERVICE_PID_FILE"
  if [[ -S $CDC_SOCKET ]] && ! service_answers; then rm -f "$CDC_SOCKET"; fi
  return 0
}
