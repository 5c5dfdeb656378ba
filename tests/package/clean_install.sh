#!/usr/bin/env bash
# Installs the .deb on a clean Debian 12 and signs in through it.
#
#   tests/package/clean_install.sh DEB
#
# A minimal bookworm root (mmdebstrap --variant=minbase, plus systemd for `systemd-analyze
# verify`) is built from the Debian repositories this machine's apt uses and cached as a tarball
# in $LINKGATE_TEST_CACHE (default /var/cache/linkgate-test), keyed on those repositories and
# rebuilt when older than $LINKGATE_ROOT_MAX_AGE_DAYS (default 7). Each run unpacks a fresh copy,
# then inside it: `apt-get install ./linkgate_*.deb` (its Depends resolve from Debian alone),
# `systemd-analyze verify` on the installed unit, `linkgate version`, `linkgate migrate` and
# `linkgate serve` on a free loopback port as an unprivileged user; from outside (the chroot
# shares the network) curl signs in through the dev outbox; then `apt-get purge linkgate`. The
# root is removed afterwards, on failure too. Needs root (chroot), mmdebstrap and curl; fails, never skips, without them.
set -euo pipefail

deb=$(realpath "${1:?usage: clean_install.sh DEB}")
cache_dir=${LINKGATE_TEST_CACHE:-/var/cache/linkgate-test}
max_age_days=${LINKGATE_ROOT_MAX_AGE_DAYS:-7}
started=$(date +%s)

fail() {
  echo "clean_install.sh: FAILED: $*" >&2
  exit 1
}
step() { echo "clean_install.sh: [$(($(date +%s) - started)) s] $*"; }

[ "$(id -u)" = 0 ] || fail "needs root (chroot, apt-get inside the root)"
for tool in mmdebstrap curl chroot; do
  command -v "$tool" >/dev/null || fail "no $tool (make test-deps installs it)"
done
[ -f "$deb" ] || fail "no package at $deb"

# Debian's repositories as this machine's apt sees them (bookworm, -updates, -security).
mirrors=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
  'Created-By: Packages' | sort -u |
  awk '$2 ~ /^bookworm(-updates|-security)?$/ { print "deb " $1 " " $2 " " $3 }')
[ -n "$mirrors" ] || fail "this machine's apt has no bookworm repository (apt-get update?)"
key=$(printf '%s\n' "$mirrors" systemd | sha256sum | cut -c1-12)
tarball=$cache_dir/bookworm-$key.tar
mkdir -p "$cache_dir/archives"

if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +"$max_age_days")" ]; then
  step "cached root $tarball"
else
  step "building a minimal bookworm root (mmdebstrap) into $tarball"
  rm -f "$cache_dir"/bookworm-*.tar
  mirror_args=()
  while IFS= read -r line; do mirror_args+=("$line"); done <<<"$mirrors"
  # The package lists stay in the root, so a cached run needs no `apt-get update`.
  mmdebstrap --quiet --variant=minbase --include=systemd --skip=cleanup/apt/lists \
    bookworm "$cache_dir/partial.tar" "${mirror_args[@]}" || fail "mmdebstrap failed"
  mv "$cache_dir/partial.tar" "$tarball"
fi

root=$(mktemp -d /var/tmp/linkgate-root.XXXXXX)
server_pid=""
# Stops the server, unmounts /proc and removes the root; keeps the script's exit status.
cleanup() {
  local status=$?
  set +e
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  if mountpoint -q "$root/proc"; then
    umount "$root/proc" || umount -l "$root/proc"
  fi
  mountpoint -q "$root/proc" || rm -rf --one-file-system "$root"
  exit "$status"
}
trap cleanup EXIT

step "unpacking the root"
tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc" || fail "cannot mount /proc in the root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
# Packages downloaded by earlier runs, so that a cached run downloads nothing.
cp "$cache_dir"/archives/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true

in_root() { chroot "$root" "$@"; }
install_deb() {
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "/tmp/$(basename "$deb")"
}
step "apt-get install ./$(basename "$deb")"
if ! install_deb >"$root/tmp/apt.log" 2>&1; then
  # The cached package lists may name versions the mirror no longer has.
  step "install failed; apt-get update and again"
  in_root apt-get update -q >>"$root/tmp/apt.log" 2>&1 || true
  install_deb >>"$root/tmp/apt.log" 2>&1 || { cat "$root/tmp/apt.log"; fail "apt-get install"; }
fi
grep -E '^(Setting up|Unpacking) ' "$root/tmp/apt.log" | sed 's/^/  /'
cp "$root"/var/cache/apt/archives/*.deb "$cache_dir/archives/" 2>/dev/null || true

step "systemd-analyze verify linkgate.service (inside the root)"
# Any message counts: an unknown or misspelt directive is only a warning to systemd.
verify=$(in_root systemd-analyze verify /lib/systemd/system/linkgate.service 2>&1) &&
  [ -z "$verify" ] || { echo "$verify"; fail "systemd-analyze verify: problems with the unit"; }

step "linkgate version"
version=$(in_root /usr/bin/linkgate version)
echo "  $version"
expected="linkgate $(dpkg-deb -f "$deb" Version)"
[ "$version" = "$expected" ] || fail "linkgate version said '$version', expected '$expected'"

step "/etc/linkgate's files are the installed binary's settings table, every setting commented"
for file in linkgate.env secrets.env; do
  flag=--env-file
  [ "$file" = secrets.env ] && flag=--secrets-env-file
  in_root /usr/bin/linkgate settings "$flag" | cmp -s - "$root/etc/linkgate/$file" ||
    fail "/etc/linkgate/$file differs from \`linkgate settings $flag\`"
  grep -qE '^#(AUTH_URL|AUTH_SECRET)=' "$root/etc/linkgate/$file" ||
    fail "/etc/linkgate/$file lists no setting"
  ! grep -vqE '^(#.*)?$' "$root/etc/linkgate/$file" ||
    fail "/etc/linkgate/$file sets a setting: the package's files only document them"
done
mode=$(stat -c %a "$root/etc/linkgate/secrets.env")
[ "$mode" = 600 ] || fail "/etc/linkgate/secrets.env has mode $mode, not 600"

# As the service does: an unprivileged user in a state directory of its own, with the unit's
# Environment= (HOST=127.0.0.1) and then the settings of the packaged /etc/linkgate/linkgate.env
# and secrets.env as they are (read as root, as systemd reads its EnvironmentFile=s; `serve
# --port 0` below overrides only the port).
in_root install -d -o nobody -g nogroup -m 0700 /var/lib/linkgate
mapfile -t settings < <(sed -n 's/^Environment=//p' "$root/lib/systemd/system/linkgate.service";
  grep -hE '^[A-Za-z_][A-Za-z0-9_]*=' "$root/etc/linkgate/linkgate.env" \
  "$root/etc/linkgate/secrets.env")
echo "  settings from the unit and /etc/linkgate: ${settings[*]}"
# A command prefix rather than a function: started in the background, a simple command is the
# process that `$!` names (chroot, which execs env, which execs linkgate), so `kill` reaches it.
as_service=(chroot --userspec=nobody:nogroup "$root" env -i --chdir=/var/lib/linkgate
  PATH=/usr/local/bin:/usr/bin:/bin "${settings[@]}")
step "linkgate migrate"
"${as_service[@]}" /usr/bin/linkgate migrate || fail "linkgate migrate"
[ -f "$root/var/lib/linkgate/linkgate.db" ] || fail "migrate made no linkgate.db"

# serve starts through the container image's entry point with AUTH_SECRET_FILE, so that the
# image's way in and linkgate's NAME_FILE handling are checked too (in this root, not in a
# container).
step "linkgate serve on a free loopback port, through docker-entrypoint.sh with AUTH_SECRET_FILE"
install -m 0755 "$(dirname "$0")/../../packaging/docker-entrypoint.sh" "$root/usr/local/bin/"
head -c 33 /dev/urandom | base64 >"$root/tmp/auth_secret"
chown nobody:nogroup "$root/tmp/auth_secret" && chmod 0400 "$root/tmp/auth_secret"
log=$root/tmp/serve.log
"${as_service[@]}" AUTH_SECRET_FILE=/tmp/auth_secret /usr/local/bin/docker-entrypoint.sh serve \
  --port 0 >"$log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 100); do
  base=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" | cut -d' ' -f3 || true)
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log"; fail "linkgate serve exited"; }
  sleep 0.1
done
[ -n "$base" ] || { cat "$log"; fail "linkgate serve did not say where it listens within 10 s"; }
echo "  $base"
if grep -q 'AUTH_SECRET is not set' "$log"; then
  cat "$log"
  fail "AUTH_SECRET_FILE did not reach linkgate as AUTH_SECRET"
fi

step "sign in through the dev outbox with curl, from outside the root"
"$(dirname "$0")/sign_in.sh" "$base" jane@example.com || { cat "$log"; fail "sign-in"; }

step "apt-get purge linkgate (the maintainer scripts run; the state directory stays)"
kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=""
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q linkgate >"$root/tmp/purge.log" 2>&1 ||
  { cat "$root/tmp/purge.log"; fail "apt-get purge linkgate"; }
[ ! -e "$root/usr/bin/linkgate" ] && [ ! -e "$root/etc/linkgate" ] ||
  fail "purge left /usr/bin/linkgate or /etc/linkgate behind"
[ -f "$root/var/lib/linkgate/linkgate.db" ] || fail "purge removed the database"

step "passed: installed from Debian alone, migrated, served, signed in, purged"
