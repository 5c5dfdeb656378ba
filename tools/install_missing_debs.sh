#!/usr/bin/env bash
# Installs those of the named Debian packages that are not installed yet, so a second run costs a
# dpkg query and nothing else. Runs apt-get as root, or through sudo otherwise.
#
#   tools/install_missing_debs.sh WHAT PACKAGE...
#
# WHAT says what the packages are for ("for the tests"), in the one line printed before an install.
set -euo pipefail
what=${1:?usage: install_missing_debs.sh WHAT PACKAGE...}
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "Installing missing Debian packages $what: ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
