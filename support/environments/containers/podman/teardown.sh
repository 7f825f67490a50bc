#!/usr/bin/env bash
# Undoes prepare.sh's runtime side: removes every container and network labelled cdc-harness=true and every
# container run from a cdc-harness image (label cdc-harness.image, which images built FROM them inherit), stops the
# podman API service prepare.sh started and removes its socket. Also removes Testcontainers networks no container
# uses and aardvark-dns entries of removed networks, then stops podman helpers (conmon, aardvark-dns, ...) left when
# no container runs. Images stay: they are the cache. Idempotent: exits 0 when there is nothing to do.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START=$(now_ns)
if ! command -v podman >/dev/null; then
  step "podman is not installed: nothing to tear down"
  exit 0
fi

mapfile -t containers < <(
  {
    pod ps -aq --no-trunc --filter "label=$CDC_LABEL"
    pod ps -aq --no-trunc --filter "label=$CDC_IMAGE_LABEL"
    pod images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$CDC_IMAGE_PREFIX/*" |
      while read -r image; do pod ps -aq --no-trunc --filter "ancestor=$image"; done
  } | sort -u
)
if ((${#containers[@]} > 0)); then
  step "Removing ${#containers[@]} container(s): $(pod container inspect --format '{{.Name}}' "${containers[@]}" 2>/dev/null | paste -sd ' ')"
  # They are disposable: 2 s to stop, then SIGKILL.
  pod rm --force --volumes --time 2 "${containers[@]}" >/dev/null
else
  step "No harness containers"
fi

# Labelled networks, and Testcontainers' networks no container uses any more (Testcontainers 11 cannot label a
# Network, and without Ryuk nothing removes one a killed run left).
mapfile -t networks < <(
  {
    pod network ls -q --filter "label=$CDC_LABEL"
    pod network ls -q --filter label=org.testcontainers | while read -r network; do
      [[ -n $(pod ps -aq --filter "network=$network") ]] || printf '%s\n' "$network"
    done
  } | sort -u
)
if ((${#networks[@]} > 0)); then
  step "Removing network(s): ${networks[*]}"
  pod network rm --force "${networks[@]}" >/dev/null
else
  step "No harness networks"
fi

# aardvark-dns serves (and keeps running for) every file in this folder, one per network name: a container killed
# before its network was torn down leaves its network's file behind. Drop the files of networks that are gone.
aardvark_dir=/run/containers/networks/aardvark-dns
if [[ -d $aardvark_dir ]]; then
  existing=" $(pod network ls --format '{{.Name}}' | paste -sd ' ') "
  for file in "$aardvark_dir"/*; do
    [[ -e $file ]] || continue
    name=$(basename "$file")
    if [[ $name != aardvark.pid && $existing != *" $name "* ]]; then
      step "Removing aardvark-dns entries of the removed network $name"
      rm -f "$file"
    fi
  done
fi

if [[ -z $(service_pid) ]]; then step "No podman API service started by prepare.sh runs"; fi
stop_service

# Containers' conmon and aardvark-dns leave with their containers and networks; exec sessions' conmon processes
# linger (exit_command_delay) and aardvark-dns can outlive a network whose container was killed. Wait briefly, then
# stop what is left when no container runs at all (those processes then serve none). Zombies do not count: PID 1
# reaps them.
leftovers() {
  ps -eo pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 ~ /^(podman|conmon|slirp4netns|aardvark-dns|netavark|catatonit)$/ { print $1 }'
}
deadline=$(($(now_ns) + 3000000000))
while [[ -n $(leftovers) ]] && (($(now_ns) < deadline)); do sleep 0.1; done
mapfile -t remaining < <(leftovers)
if ((${#remaining[@]} > 0)); then
  described=$(ps -o pid=,comm= -p "$(IFS=,; echo "${remaining[*]}")" | awk '{ n[$2]++ } END { for (c in n) printf "%s%d %s", sep, n[c], c; sep = ", " }')
  if [[ -z $(pod ps -q) ]]; then
    step "Stopping leftover process(es): $described"
    kill -TERM "${remaining[@]}" 2>/dev/null || true
    for pid in "${remaining[@]}"; do wait_exit "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true; done
  else
    step "Left running (other containers use them): $described"
  fi
fi
step "Torn down in $(elapsed "$START")"
