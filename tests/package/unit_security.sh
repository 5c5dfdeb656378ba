#!/usr/bin/env bash
# `systemd-analyze security` on the unit the .deb ships (offline, on the unpacked package):
# prints the exposure score and fails above MAX (default 2.0, "OK"; docs/deployment.md has the
# current score). Fails, never skips, when systemd-analyze is missing or cannot analyse the unit.
#
#   tests/package/unit_security.sh DEB [MAX]
set -euo pipefail
deb=${1:?usage: unit_security.sh DEB [MAX]}
max=${2:-2.0}
command -v systemd-analyze >/dev/null ||
  { echo "unit_security.sh: FAILED: no systemd-analyze (Debian's systemd package)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
out=$(systemd-analyze security --offline=true --root="$root" --no-pager linkgate.service 2>&1) ||
  { echo "$out"; echo "unit_security.sh: FAILED: systemd-analyze security failed" >&2; exit 1; }
echo "$out" | grep -E '^✗' || true
score=$(echo "$out" | sed -n 's/.*Overall exposure level for linkgate.service: \([0-9.]*\) .*/\1/p')
[ -n "$score" ] || { echo "$out"; echo "unit_security.sh: FAILED: no exposure score" >&2; exit 1; }
echo "$out" | grep 'Overall exposure level'
awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }' ||
  { echo "unit_security.sh: FAILED: exposure $score is above $max" >&2; exit 1; }
echo "unit_security.sh: exposure $score <= $max"
