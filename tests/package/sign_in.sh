#!/usr/bin/env bash
# Signs in through a running linkgate's dev outbox with curl, as README's "Sign in with curl":
# exits 0 when the session that follows names EMAIL, else prints why and exits 1.
#
#   tests/package/sign_in.sh BASE_URL [EMAIL]      (BASE_URL: http://127.0.0.1:PORT)
set -euo pipefail
base=${1:?usage: sign_in.sh BASE_URL [EMAIL]}
email=${2:-jane@example.com}
fail() {
  echo "sign_in.sh: FAILED: $*" >&2
  exit 1
}
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT

csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" |
  sed -n 's/.*"csrfToken":"\([0-9a-f]*\)".*/\1/p')
[ -n "$csrf" ] || fail "no CSRF token from $base/api/auth/csrf"
location=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" -X POST \
  "$base/api/auth/signin/outbox" --data-urlencode "csrfToken=$csrf" \
  --data-urlencode "email=$email")
case "$location" in
*/api/auth/verify-request*) ;;
*) fail "sign-in answered with Location '$location', not verify-request" ;;
esac
link=$(curl -sf "$base/dev/outbox.json" | grep -o '"url":"[^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$link" ] || fail "no link in the dev outbox"
curl -s -o /dev/null -c "$jar" -b "$jar" "$link"
session=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/session")
echo "sign_in.sh: session: $session" | sed 's/"expires":"[^"]*"/"expires":"…"/'
case "$session" in
*"\"email\":\"$email\""*) echo "sign_in.sh: signed in as $email" ;;
*) fail "no session for $email after following the link" ;;
esac
