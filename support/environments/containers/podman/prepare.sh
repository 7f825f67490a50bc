#!/usr/bin/env bash
# Prepares this host (Debian 12, root, no Docker engine, no registry) for the containers environment:
#   1. installs podman (runc, netavark + aardvark-dns for networks with DNS aliases, iptables for published ports),
#   2. writes a project-local containers.conf (runc; ulimits the sandbox accepts) - /etc stays untouched,
#   3. starts podman's Docker-compatible API on unix:///run/podman/podman.sock (or reuses the running one),
#   4. builds, when missing or changed, local look-alikes of the official images from a debootstrapped Debian:
#      localhost/cdc-harness/debian-base:bookworm, .../mysql:9.7 (Debian sid's MySQL packages, fetched once into the
#      harness's cache by support/components/mysql-server/fetch-mysql.sh), .../mariadb:10.11 and
#      .../kafka:<kafka version>,
#   5. writes $CDC_PODMAN_STATE/env.sh (default /tmp/cdc-harness-podman/env.sh) for `source`.
# Idempotent: a second run reuses everything and takes seconds. teardown.sh undoes step 3 and the containers.
#
# Overrides: CDC_PODMAN_STATE (state folder), CDC_DEBIAN_MIRROR / CDC_DEBIAN_SECURITY_MIRROR (default: the host's
# apt sources), CDC_PODMAN_NOFILE / CDC_PODMAN_NPROC (container ulimits), CDC_PODMAN_FORCE_REBUILD=1.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readonly SUITE=bookworm
readonly BASE_IMAGE=$CDC_IMAGE_PREFIX/debian-base:$SUITE
readonly MYSQL_LINE=9.7
readonly MYSQL_IMAGE=$CDC_IMAGE_PREFIX/mysql:$MYSQL_LINE
readonly MARIADB_IMAGE=$CDC_IMAGE_PREFIX/mariadb:10.11
# The MySQL image's tree: server and client, in the harness's cache (the folder support/components/jars.ts uses).
readonly MYSQL_TREE=${CDC_JAR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdc-harness}/mysql-$MYSQL_LINE-with-client
readonly PACKAGES=(podman runc netavark aardvark-dns iptables debootstrap curl)

[[ $(id -u) == 0 ]] || die "prepare.sh runs rootful podman: run it as root"
START=$(now_ns)
mkdir -p "$CDC_STATE"
# One prepare at a time (two would build the same images).
exec 9>"$CDC_STATE/prepare.lock"
if ! flock -n 9; then
  step "Waiting for another prepare.sh to finish (lock $CDC_STATE/prepare.lock)"
  flock -w 1800 9 || die "prepare.lock still held after 30 min"
fi

# --- 1. packages -------------------------------------------------------------------------------------------------

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

install_packages() {
  local missing=() package t
  for package in "${PACKAGES[@]}"; do installed "$package" || missing+=("$package"); done
  if ((${#missing[@]} == 0)); then
    step "Packages present: ${PACKAGES[*]}"
    return
  fi
  t=$(now_ns)
  step "Installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$CDC_STATE/apt.log" 2>&1 ||
    die "apt-get install failed: see $CDC_STATE/apt.log"
  step "Installed in $(elapsed "$t")"
}

# --- 2. containers.conf ------------------------------------------------------------------------------------------

write_containers_conf() {
  local hard nofile nproc conf=$CDC_STATE/containers.conf
  # The sandbox forbids raising an rlimit above the host's hard limit (podman's defaults do, and every container
  # fails with "setrlimit: operation not permitted"). The host's hard nofile limit is accepted; nproc is accepted
  # up to 32768 here, 4096 is plenty (a JVM needs a few hundred threads).
  hard=$(ulimit -Hn)
  [[ $hard == unlimited ]] && hard=1048576
  nofile=${CDC_PODMAN_NOFILE:-$((hard < 1048576 ? hard : 1048576))}
  nproc=${CDC_PODMAN_NPROC:-4096}
  cat >"$conf.new" <<EOF
# Written by support/environments/containers/podman/prepare.sh: used through CONTAINERS_CONF, /etc/containers stays untouched.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
# crun fails on this host's cgroup v1/hybrid setup.
runtime = "runc"
# An exec session's conmon waits this long after the exec ended, for a client to inspect its exit code (podman's
# default, 300 s, leaves two conmon processes per Testcontainers port check or exec for five minutes).
exit_command_delay = 15

[network]
# netavark + aardvark-dns: user-defined networks resolve container names and aliases.
network_backend = "netavark"
EOF
  if cmp -s "$conf.new" "$conf"; then
    rm -f "$conf.new"
    step "containers.conf unchanged: $conf (nofile=$nofile, nproc=$nproc)"
  else
    mv "$conf.new" "$conf"
    step "Wrote $conf (runc, nofile=$nofile, nproc=$nproc, netavark)"
    # A running service read the old file.
    stop_service
  fi
}

# --- 3. the Docker-compatible API ---------------------------------------------------------------------------------

start_service() {
  local pid t deadline
  pid=$(service_pid)
  if [[ -n $pid ]] && service_answers; then
    step "Reusing the podman API service (PID $pid) on unix://$CDC_SOCKET"
    return
  fi
  if [[ -z $pid ]] && service_answers; then
    die "a podman API service that prepare.sh did not start answers on $CDC_SOCKET: stop it first"
  fi
  stop_service
  t=$(now_ns)
  mkdir -p "$(dirname "$CDC_SOCKET")"
  rm -f "$CDC_SOCKET"
  # setsid: Ctrl-C in the calling terminal does not reach it; teardown.sh stops it by its PID. 9>&-: it must not
  # inherit (and hold forever) prepare.lock.
  CONTAINERS_CONF=$CDC_STATE/containers.conf setsid podman system service --time=0 "unix://$CDC_SOCKET" \
    </dev/null >"$CDC_STATE/service.log" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$CDC_SERVICE_PID_FILE"
  deadline=$(($(date +%s) + 30))
  until service_answers; do
    kill -0 "$pid" 2>/dev/null || die "podman system service exited: see $CDC_STATE/service.log"
    (($(date +%s) < deadline)) || die "podman system service did not answer within 30 s: see $CDC_STATE/service.log"
    sleep 0.05
  done
  step "Started the podman API service (PID $pid) on unix://$CDC_SOCKET in $(elapsed "$t")"
}

# --- 4. images ---------------------------------------------------------------------------------------------------

image_label() {
  pod image inspect --format "{{ index .Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# True when IMAGE exists and carries HASH (unless CDC_PODMAN_FORCE_REBUILD=1).
image_current() {
  [[ ${CDC_PODMAN_FORCE_REBUILD:-0} != 1 ]] && pod image exists "$1" && [[ $(image_label "$1" cdc-harness.hash) == "$2" ]]
}

# Content hash of a folder's files (names, modes and contents), plus any extra words.
hash_of() {
  local dir=$1
  shift
  {
    (cd "$dir" && find . -type f -printf '%m %p\n' | LC_ALL=C sort)
    (cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-16
}

# The first URI of the host's apt sources that serves SUITE (deb lines and deb822 .sources files).
host_apt_uri() {
  local suite=$1 file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    awk -v suite="$suite" '
      $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == suite) { print $i; exit } }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      { types = ""; uris = ""; suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/) types = " " substr($i, 7) " "
          else if ($i ~ /^URIs:/) uris = substr($i, 6)
          else if ($i ~ /^Suites:/) suites = " " substr($i, 8) " "
          else if ($i ~ /^Enabled:/) enabled = substr($i, 9) }
        gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites); gsub(/^[ \t]+/, "", uris); gsub(/^[ \t]+/, "", enabled)
        if (enabled != "no" && types ~ / deb / && suites ~ (" " suite " ")) { split(uris, u, " "); print u[1]; exit } }' "$file"
  done
}

# Removes a debootstrap folder without following mounts debootstrap may have left (proc, sys) after a failure.
remove_rootfs() {
  local dir=$1 mount
  [[ -d $dir ]] || return 0
  while read -r mount; do umount -l "$mount" 2>/dev/null || true; done < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

MIRROR=${CDC_DEBIAN_MIRROR:-$(host_apt_uri "$SUITE" | head -n1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${CDC_DEBIAN_SECURITY_MIRROR:-$(host_apt_uri "$SUITE-security" | head -n1)}

# The image's apt sources: the host's mirror for the suite and its updates, and its security mirror when it has one.
image_apt_sources() {
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" "$MIRROR" "$SUITE-updates"
  if [[ -n $SECURITY_MIRROR ]]; then printf 'deb %s %s-security main\n' "$SECURITY_MIRROR" "$SUITE"; fi
}

build_base() {
  local hash rootfs t include=()
  hash=$(printf '%s\n' "$(declare -f build_base_rootfs)" "$(image_apt_sources)" | sha256sum | cut -c1-16)
  if image_current "$BASE_IMAGE" "$hash"; then
    step "Image $BASE_IMAGE is current (hash $hash)"
    return
  fi
  t=$(now_ns)
  step "Building $BASE_IMAGE: debootstrap --variant=minbase $SUITE from $MIRROR"
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/cdc-debootstrap.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the folder is local
  trap "remove_rootfs '$rootfs'" EXIT
  [[ $MIRROR == https:* ]] && include=(--include=ca-certificates)
  debootstrap --variant=minbase "${include[@]}" "$SUITE" "$rootfs" "$MIRROR" >"$CDC_STATE/debootstrap.log" 2>&1 ||
    die "debootstrap failed: see $CDC_STATE/debootstrap.log"
  step "debootstrap done in $(elapsed "$t")"
  build_base_rootfs "$rootfs"
  tar --numeric-owner -C "$rootfs" -c . | pod import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --change "LABEL $CDC_IMAGE_LABEL=debian-base" \
    --change "LABEL cdc-harness.hash=$hash" \
    - "$BASE_IMAGE" >"$CDC_STATE/import.log" 2>&1 || die "podman import failed: see $CDC_STATE/import.log"
  remove_rootfs "$rootfs"
  trap - EXIT
  step "Built $BASE_IMAGE in $(elapsed "$t")"
}

# Turns the debootstrapped tree into a container base, as Debian's official images do.
build_base_rootfs() {
  local rootfs=$1
  image_apt_sources >"$rootfs/etc/apt/sources.list"
  # No services start while packages install; no recommends; no package cache left in layers.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90cdc-harness"
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
    "$rootfs"/var/cache/debconf/*-old "$rootfs/debootstrap"
  # The runtime provides these.
  : >"$rootfs/etc/hostname"
  : >"$rootfs/etc/resolv.conf"
}

base_id() { pod image inspect --format '{{.Id}}' "$BASE_IMAGE"; }

# build_image IMAGE CONTEXT HASH [NAME=VALUE...]: podman build of CONTEXT's Dockerfile FROM the base image, labelled
# with HASH, with these build arguments.
build_image() {
  local image=$1 context=$2 hash=$3 name old t arg build_args=()
  for arg in "${@:4}"; do build_args+=(--build-arg "$arg"); done
  name=${image#"$CDC_IMAGE_PREFIX"/}
  name=${name%%:*}
  old=$(pod image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  t=$(now_ns)
  step "Building $image (podman build, log: $CDC_STATE/build-$name.log)"
  pod build --pull=never --layers \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" "${build_args[@]}" \
    --label "$CDC_IMAGE_LABEL=$name" --label "cdc-harness.hash=$hash" \
    --tag "$image" "$context" >"$CDC_STATE/build-$name.log" 2>&1 ||
    die "podman build of $image failed: see $CDC_STATE/build-$name.log"
  # The replaced image is dangling now (it stays while a container still uses it).
  if [[ -n $old && $old != "$(pod image inspect --format '{{.Id}}' "$image")" ]]; then
    pod rmi "$old" >/dev/null 2>&1 || true
  fi
  step "Built $image in $(elapsed "$t")"
}

build_mariadb() {
  local context=$CDC_PODMAN_DIR/images/mariadb hash
  hash=$(hash_of "$context" "base=$(base_id)")
  if image_current "$MARIADB_IMAGE" "$hash"; then
    step "Image $MARIADB_IMAGE is current (hash $hash)"
    return
  fi
  build_image "$MARIADB_IMAGE" "$context" "$hash"
}

# The MySQL image copies a tree of Debian sid's mysql-server-core and mysql-client-core with their whole library
# closure (their own glibc): fetch-mysql.sh fills it once (about 55 MB from Debian's packages) and then only checks it.
build_mysql() {
  local context t version hash
  t=$(now_ns)
  EXTRA_PACKAGES=mysql-client-core KEEP_BINS="mysqlbinlog mysql_tzinfo_to_sql mysql mysqladmin mysqldump" \
    bash "$CDC_REPO_DIR/support/components/mysql-server/fetch-mysql.sh" "$MYSQL_TREE" 2>"$CDC_STATE/fetch-mysql.log" ||
    die "fetching MySQL $MYSQL_LINE failed: see $CDC_STATE/fetch-mysql.log"
  [[ -x $MYSQL_TREE/usr/bin/mysql && -x $MYSQL_TREE/usr/bin/mysqladmin ]] ||
    die "$MYSQL_TREE has no mysql client (fetched without it?): remove it and run prepare.sh again"
  version=$(sed -n 's/.* Ver \([^ ]*\) .*/\1/p' "$MYSQL_TREE/.fetch-mysql-complete")
  [[ $version == "$MYSQL_LINE".* ]] || die "$MYSQL_TREE holds MySQL '$version', not $MYSQL_LINE"
  step "MySQL tree: $MYSQL_TREE (MySQL $version, $(elapsed "$t"))"
  hash=$(hash_of "$CDC_PODMAN_DIR/images/mysql" "base=$(base_id)" "version=$version" "$(<"$MYSQL_TREE/.packages")")
  if image_current "$MYSQL_IMAGE" "$hash"; then
    step "Image $MYSQL_IMAGE is current (hash $hash)"
    return
  fi
  # The build context must hold the tree: a temporary copy (hard links when possible) next to the scripts.
  context=$(mktemp -d "${TMPDIR:-/tmp}/cdc-mysql-context.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the folder is local
  trap "rm -rf '$context'" EXIT
  cp -a "$CDC_PODMAN_DIR/images/mysql/." "$context/"
  cp -al "$MYSQL_TREE" "$context/mysql" 2>/dev/null || cp -a "$MYSQL_TREE" "$context/mysql"
  build_image "$MYSQL_IMAGE" "$context" "$hash" "MYSQL_VERSION=$version"
  rm -rf "$context"
  trap - EXIT
}

# The Kafka image copies the harness's Maven-resolved jars (kafka_2.13, connect-runtime, slf4j-simple); its tag is
# their Kafka version.
build_kafka() {
  local libs t version jars hash context
  t=$(now_ns)
  libs=$(cd "$CDC_REPO_DIR" && node --import tsx "$CDC_PODMAN_DIR/kafka-libs.ts") ||
    die "could not resolve Kafka's jars (support/environments/containers/podman/kafka-libs.ts)"
  [[ -d $libs ]] || die "kafka-libs.ts printed no folder: '$libs'"
  step "Kafka jars: $libs ($(elapsed "$t"))"
  version=$(find "$libs" -maxdepth 1 -name 'kafka_2.13-*.jar' -printf '%f\n' | sed -n 's/^kafka_2\.13-\(.*\)\.jar$/\1/p')
  [[ -n $version ]] || die "no kafka_2.13-<version>.jar in $libs"
  KAFKA_IMAGE=$CDC_IMAGE_PREFIX/kafka:$version
  jars=$(find "$libs" -maxdepth 1 -name '*.jar' -printf '%f %s\n' | LC_ALL=C sort)
  hash=$(hash_of "$CDC_PODMAN_DIR/images/kafka" "base=$(base_id)" "$jars")
  if image_current "$KAFKA_IMAGE" "$hash"; then
    step "Image $KAFKA_IMAGE is current (hash $hash)"
    return
  fi
  # The build context must hold the jars: a temporary copy (hard links when possible) next to the scripts.
  context=$(mktemp -d "${TMPDIR:-/tmp}/cdc-kafka-context.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the folder is local
  trap "rm -rf '$context'" EXIT
  cp -a "$CDC_PODMAN_DIR/images/kafka/." "$context/"
  mkdir "$context/libs"
  cp -l "$libs"/*.jar "$context/libs/" 2>/dev/null || cp "$libs"/*.jar "$context/libs/"
  build_image "$KAFKA_IMAGE" "$context" "$hash"
  rm -rf "$context"
  trap - EXIT
}

# --- 5. env.sh ---------------------------------------------------------------------------------------------------

write_env() {
  cat >"$CDC_STATE/env.sh" <<EOF
# Written by support/environments/containers/podman/prepare.sh: \`source\` it, then run the harness with CDC_ENVIRONMENT=containers.
export DOCKER_HOST=unix://$CDC_SOCKET
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
export CONTAINERS_CONF=$CDC_STATE/containers.conf
export CDC_MYSQL_IMAGE=$MYSQL_IMAGE
export CDC_MARIADB_IMAGE=$MARIADB_IMAGE
export CDC_KAFKA_IMAGE=$KAFKA_IMAGE
export CDC_CONNECT_BASE_IMAGE=$KAFKA_IMAGE
export CDC_DATABASE=mysql
export CDC_ENVIRONMENT=containers
EOF
  step "Wrote $CDC_STATE/env.sh:"
  sed -n 's/^export /    /p' "$CDC_STATE/env.sh"
}

install_packages
write_containers_conf
start_service
build_base
build_mysql
build_mariadb
build_kafka
write_env
step "Prepared in $(elapsed "$START")"
