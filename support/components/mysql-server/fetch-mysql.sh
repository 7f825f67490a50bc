#!/usr/bin/env bash
# fetch-mysql.sh TARGET
#
# Puts Oracle MySQL 9.7.x server binaries (Debian sid package mysql-server-core,
# source mysql-9.7) plus their whole run-time library closure (sid's glibc,
# libstdc++, ICU, OpenSSL, ...) into TARGET, without debootstrap, without root
# and without touching the host's dpkg/apt state:
#   * a private apt setup (own sources.list, lists, cache, and a status file
#     that claims nothing is installed) computes the dependency closure
#     independently of what the host has installed;
#   * apt-get --download-only fetches the .debs (hash-checked against sid's
#     signed InRelease);
#   * dpkg-deb -x unpacks every .deb into TARGET; docs, man pages, locales,
#     foreign error-message translations and unused tools are then removed.
# mysqld is then run through TARGET's own loader:
#   TARGET/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
#       --library-path TARGET/usr/lib/x86_64-linux-gnu TARGET/usr/sbin/mysqld ...
# (support/components/mysql-server.ts does, for the harness).
#
# Idempotent: if TARGET already holds a complete tree (marker file
# TARGET/.fetch-mysql-complete) nothing is downloaded. A failed run leaves
# TARGET untouched (work happens in TARGET.tmp, then one rename).
#
# Environment knobs:
#   MYSQL_SOURCE_RE   ERE the package's Source must match (default ^mysql-9\.7$)
#   KEEP_BINS         tools of /usr/bin to keep (default "mysqlbinlog mysql_tzinfo_to_sql")
#   EXTRA_PACKAGES    more packages of the same source and version, unpacked into the same tree with their closure
#                     (default none; the podman MySQL image adds "mysql-client-core" for mysql, mysqladmin, ...)
#   KEEP_WORK=1       keep TARGET.work (apt lists + .debs) for inspection / reuse
#   DEBIAN_MIRROR     default http://deb.debian.org/debian
set -euo pipefail

die()  { echo "fetch-mysql: ERROR: $*" >&2; exit 1; }
say()  { echo "fetch-mysql: $*" >&2; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: $0 TARGET-FOLDER"
case "$1" in /*) TARGET=$1 ;; *) TARGET=$PWD/$1 ;; esac
TARGET=${TARGET%/}
[ -n "$TARGET" ] && [ "$TARGET" != / ] || die "refusing TARGET '/'"

PKG=mysql-server-core
MYSQL_SOURCE_RE=${MYSQL_SOURCE_RE:-'^mysql-9\.7$'}
KEEP_BINS=${KEEP_BINS:-"mysqlbinlog mysql_tzinfo_to_sql"}
read -r -a EXTRA <<<"${EXTRA_PACKAGES:-}"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
MARKER=.fetch-mysql-complete
LIBDIR=usr/lib/x86_64-linux-gnu
LDSO=$LIBDIR/ld-linux-x86-64.so.2

# ---------------------------------------------------------------- fast path
if [ -f "$TARGET/$MARKER" ] && [ -x "$TARGET/usr/sbin/mysqld" ] && [ -x "$TARGET/$LDSO" ]; then
    if v=$("$TARGET/$LDSO" --library-path "$TARGET/$LIBDIR" "$TARGET/usr/sbin/mysqld" --no-defaults --version 2>&1); then
        say "already complete: $v"
        exit 0
    fi
    die "$TARGET has the marker but its mysqld does not run ($v); remove $TARGET and retry"
fi
if [ -e "$TARGET" ] && [ -n "$(ls -A "$TARGET" 2>/dev/null)" ]; then
    die "$TARGET exists, is not empty and was not completed by this script; remove it or pick another folder"
fi

# ---------------------------------------------------------------- checks
[ "$(uname -m)" = x86_64 ] || die "only x86_64 is supported (this is $(uname -m))"
for c in apt-get apt-cache dpkg-deb; do
    command -v "$c" >/dev/null || die "'$c' not found (needs apt and dpkg, i.e. a Debian/Ubuntu host)"
done
[ -r "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"

WORK=$TARGET.work
TMP=$TARGET.tmp
mkdir -p "$(dirname "$TARGET")" || die "cannot create parent of $TARGET"
rm -rf "$TMP"
trap 'rm -rf "$TMP"' EXIT                  # a failed run leaves no half tree behind
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$TMP" || die "cannot write next to $TARGET"

echo "deb [signed-by=$KEYRING] $MIRROR sid main" > "$WORK/sources.list"
# Status file: nothing installed except a stand-in for perl, so apt computes the
# closure from scratch (independent of the host) but skips perl, which
# mysql-server-core depends on (perl:any) only for mysqld_multi/mysqldumpslow etc.
# It saves 7 packages / ~10 MB. mysqld itself never needs perl.
cat > "$WORK/status" <<'EOF'
Package: perl
Status: install ok installed
Version: 0
Architecture: amd64
Multi-Arch: allowed
Maintainer: none
Description: stand-in so that apt leaves perl out of the closure

EOF
APT_OPTS=(
    -o Dir::Etc::sourcelist="$WORK/sources.list"
    -o Dir::Etc::sourceparts=-
    -o Dir::Etc::preferences=/dev/null
    -o Dir::Etc::preferencesparts=-
    -o Dir::State::Lists="$WORK/lists"
    -o Dir::State::status="$WORK/status"
    -o Dir::Cache="$WORK/cache"
    -o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=
    -o APT::Architecture=amd64 -o APT::Architectures=amd64
    -o APT::Install-Recommends=false -o APT::Install-Suggests=false
    -o Acquire::Languages=none
    -o APT::Sandbox::User="$(id -un)"   # no _apt privilege drop: no 'unsandboxed' warnings, works as non-root
)

apt_update() {
    say "apt-get update (private lists for sid in $WORK/lists)"
    apt-get "${APT_OPTS[@]}" -q --error-on=any update > "$WORK/update.log" 2>&1 ||
        { tail -20 "$WORK/update.log" >&2; die "apt-get update failed (log: $WORK/update.log)"; }
    grep -E '^(W|E):' "$WORK/update.log" >&2 || true
    ls "$WORK"/lists/*_sid_main_binary-amd64_Packages* >/dev/null 2>&1 ||
        die "apt-get update fetched no sid Packages index (log: $WORK/update.log)"
}

t0=$SECONDS
apt_update

# ---------------------------------------------------------------- version check
info=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$PKG" 2>/dev/null) ||
    die "package $PKG not found in sid"
ver=$(sed -n 's/^Version: //p' <<<"$info" | head -1)
src=$(sed -n 's/^Source: //p' <<<"$info" | head -1 | cut -d' ' -f1)
grep -Eq "$MYSQL_SOURCE_RE" <<<"${src:-$PKG}" ||
    die "sid's $PKG $ver is built from '$src', not matching $MYSQL_SOURCE_RE (set MYSQL_SOURCE_RE to accept it)"
say "sid has $PKG $ver (source $src)"
for extra in "${EXTRA[@]}"; do
    extra_info=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$extra" 2>/dev/null) ||
        die "package $extra not found in sid"
    extra_ver=$(sed -n 's/^Version: //p' <<<"$extra_info" | head -1)
    extra_src=$(sed -n 's/^Source: //p' <<<"$extra_info" | head -1 | cut -d' ' -f1)
    [ "$extra_ver" = "$ver" ] && [ "${extra_src:-$extra}" = "${src:-$PKG}" ] ||
        die "sid's $extra is $extra_ver from '$extra_src', not $ver from '$src' like $PKG"
done

# ---------------------------------------------------------------- download
download() {
    rm -f "$WORK"/cache/archives/*.deb
    apt-get "${APT_OPTS[@]}" -q -y --download-only install "$PKG" "${EXTRA[@]}" > "$WORK/download.log" 2>&1
}
say "downloading the dependency closure of $PKG${EXTRA_PACKAGES:+ $EXTRA_PACKAGES}"
if ! download; then
    # sid moves fast: an old index can name .debs already gone from the pool
    say "download failed, refreshing the index once and retrying"
    apt_update
    download || { tail -20 "$WORK/download.log" >&2; die "download failed (log: $WORK/download.log)"; }
fi
debs=("$WORK"/cache/archives/*.deb)
[ -e "${debs[0]}" ] || die "no .deb downloaded (log: $WORK/download.log)"
mb=$(du -cm "${debs[@]}" | tail -1 | cut -f1)
say "downloaded ${#debs[@]} packages, ${mb} MiB (update + download took $((SECONDS - t0)) s)"

# ---------------------------------------------------------------- extract
t1=$SECONDS
say "extracting with dpkg-deb -x into $TMP"
# two at a time; the big mysql-server-core .deb goes first so it overlaps the rest
{ printf '%s\n' "${debs[@]}" | grep    '/mysql-server-core_'
  printf '%s\n' "${debs[@]}" | grep -v '/mysql-server-core_'; } |
    xargs -d '\n' -P 2 -I{} dpkg-deb -x {} "$TMP" || die "dpkg-deb -x failed"
for f in "${debs[@]}"; do basename "$f"; done | sort > "$TMP/.packages"
say "extracted in $((SECONDS - t1)) s; pruning"

# ---------------------------------------------------------------- prune
# Nothing here is read by mysqld: docs, man pages, translations of tools,
# non-English server messages (English is the default lc_messages), glibc's iconv
# modules, ICU's tool/test libs, tcmalloc's debug/profiler variants, the
# OpenTelemetry plugins, and all client/admin tools except $KEEP_BINS.
( cd "$TMP"
  rm -rf usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian \
         usr/share/gdb usr/share/gcc usr/share/bug usr/share/perl5 etc/perl
  find usr/share/mysql -mindepth 1 -maxdepth 1 -type d ! -name english ! -name charsets -exec rm -rf {} +
  rm -rf "$LIBDIR/gconv"
  rm -f "$LIBDIR"/libicutest.so* "$LIBDIR"/libicutu.so* "$LIBDIR"/libicuio.so* \
        "$LIBDIR"/libtcmalloc_debug.so* "$LIBDIR"/libtcmalloc_minimal_debug.so* \
        "$LIBDIR"/libtcmalloc_and_profiler.so* "$LIBDIR"/libmemusage.so "$LIBDIR"/libpcprofile.so \
        usr/lib/mysql/plugin/telemetry_client.so usr/lib/mysql/plugin/component_telemetry.so
  if [ -d usr/bin ]; then
      for b in usr/bin/*; do
          case " $KEEP_BINS " in *" $(basename "$b") "*) ;; *) rm -rf "$b" ;; esac
      done
  fi
  # Shared libraries that nothing left in the tree links to (libcurl with its
  # nghttp2/3, ngtcp2, ssh2, ldap, sasl, psl, idn2, brotli; full libprotobuf;
  # libdb; ...) are dropped: keep
  # exactly what the loader resolves for mysqld, the plugins and the kept
  # tools, plus all of glibc (NSS modules etc. are dlopen()ed at run time).
  L=$LIBDIR
  declare -A glibc=() keep=()
  while read -r n; do [ -z "$n" ] || glibc[$n]=1; done < <(dpkg-deb -c "$WORK"/cache/archives/libc6_*.deb |
      sed -e 's/ -> .*//' -n -e 's|.*\./usr/lib/x86_64-linux-gnu/\([^/]*\)$|\1|p')
  [ ${#glibc[@]} -gt 5 ] || { echo "cannot list libc6's files" >&2; exit 3; }
  bins=(usr/sbin/mysqld usr/lib/mysql/plugin/*.so)
  for b in usr/bin/*; do [ -f "$b" ] && bins+=("$b"); done
  resolved=$(for f in "${bins[@]}"; do "./$LDSO" --library-path "$L" --list "$f"; done)
  if grep ' not found' <<<"$resolved" >&2; then exit 3; fi
  while read -r p; do [ -z "$p" ] || keep[$p]=1; done < <(sed -n 's/^[[:space:]]*[^[:space:]]* => \(.*\) (0x.*/\1/p' <<<"$resolved" | sort -u | xargs realpath -m --)
  files=("$L"/*.so*)
  mapfile -t reals < <(realpath -m -- "${files[@]}")
  [ ${#reals[@]} -eq ${#files[@]} ] || { echo "realpath mismatch" >&2; exit 3; }
  drop=()
  for i in "${!files[@]}"; do
      [ -n "${glibc[${files[i]##*/}]:-}" ] || [ -n "${keep[${reals[i]}]:-}" ] || drop+=("${files[i]}")
  done
  [ ${#drop[@]} -eq 0 ] || rm -f "${drop[@]}"
  find . -depth -type d -empty -delete
) || die "pruning failed (a kept binary or plugin has an unresolved library, see above)"
[ -x "$TMP/$LDSO" ] || die "loader $LDSO missing after extraction"
[ -x "$TMP/usr/sbin/mysqld" ] || die "usr/sbin/mysqld missing after extraction"

# ---------------------------------------------------------------- smoke test
v=$("$TMP/$LDSO" --library-path "$TMP/$LIBDIR" "$TMP/usr/sbin/mysqld" --no-defaults --version 2>&1) ||
    die "extracted mysqld does not run: $v"
if [ "$MYSQL_SOURCE_RE" = '^mysql-9\.7$' ]; then
    case "$v" in *"Ver 9.7."*) ;; *) die "unexpected mysqld version: $v" ;; esac
fi
echo "$v" > "$TMP/$MARKER"

rmdir "$TARGET" 2>/dev/null || true       # an empty pre-existing folder
mv "$TMP" "$TARGET" || die "cannot move $TMP to $TARGET"
trap - EXIT
[ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
say "extracted + pruned in $((SECONDS - t1)) s; $(du -sm "$TARGET" | cut -f1) MB in $TARGET"
say "done: ${v/$TMP/$TARGET}"
