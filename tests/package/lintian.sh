#!/usr/bin/env bash
# lintian on the .deb: fails on any error; prints the warnings and notes that are left
# (docs/deployment.md says why each is there).
#
#   tests/package/lintian.sh DEB
set -euo pipefail
deb=${1:?usage: lintian.sh DEB}
command -v lintian >/dev/null || { echo "lintian.sh: FAILED: no lintian (make test-deps)" >&2; exit 1; }
# --fail-on error: warnings and notes are reported, not fatal.
lintian --fail-on error --info --display-info "$deb" 2>&1 | grep -v 'root privileges' |
  grep -E '^[EWI]:' || true
lintian --fail-on error "$deb" >/dev/null 2>&1 || { echo "lintian.sh: FAILED: lintian reported errors" >&2; exit 1; }
echo "lintian.sh: no errors"
