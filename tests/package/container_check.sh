#!/usr/bin/env bash
# The container image: where a Docker daemon answers, builds the image from the Dockerfile, runs
# it on a free loopback port, waits for its HEALTHCHECK and signs in through its dev outbox with
# curl. Where none answers (no daemon, only a client), it says plainly that the container check
# did NOT run and exits 77, which CTest reports as "Not Run" (skipped), never as passed; the
# clean-install test (clean_install.sh) covers the same install steps from the same .deb.
#
#   tests/package/container_check.sh SOURCE_DIR
set -euo pipefail
source_dir=${1:?usage: container_check.sh SOURCE_DIR}
not_run() {
  echo "container_check.sh: NOT RUN: $* The Dockerfile was not built and no container was" \
    "checked; the clean Debian 12 install test covers the same .deb."
  exit 77
}
fail() {
  echo "container_check.sh: FAILED: $*" >&2
  exit 1
}
command -v docker >/dev/null || not_run "no docker command on this machine."
docker info >/dev/null 2>&1 || not_run "no Docker daemon answers ('docker info' fails)."

tag=linkgate-test:$$
container=""
cleanup() {
  [ -n "$container" ] && docker rm -f "$container" >/dev/null 2>&1
  docker image rm -f "$tag" >/dev/null 2>&1 || true
}
trap cleanup EXIT

docker build -t "$tag" "$source_dir" || fail "docker build"
container=$(docker run -d -p 127.0.0.1::3000 "$tag") || fail "docker run"
port=$(docker port "$container" 3000/tcp | head -1 | sed 's/.*://')
for _ in $(seq 60); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$container")
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || { docker logs "$container"; fail "container not healthy: $health"; }
[ "$(docker exec "$container" id -u)" != 0 ] || fail "the container runs as root"
"$(dirname "$0")/sign_in.sh" "http://127.0.0.1:$port" || { docker logs "$container"; fail "sign-in"; }
echo "container_check.sh: built, healthy, non-root, signed in"
